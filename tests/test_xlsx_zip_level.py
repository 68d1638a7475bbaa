"""Big workbook parts are zipped at zlib level 1, small ones at XlsxWriter's default."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from migrate.reports import xlsx_spool
from migrate.reports.xlsx import ReportWriter


def _deflated_size(data: bytes, level: int) -> int:
    # zipfile's raw deflate stream, as it writes a member.
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(packer.compress(data) + packer.flush())


def _write(path: Path, rows: int) -> None:
    with ReportWriter(path) as book:
        sheet = book.sheet("Data", ["User", "Number", "Note"])
        for n in range(rows):
            sheet.append([f"user{n:06d}@example.com", f"+1555{n:07d}", f"row {n * 7919 % 10007}"])


@pytest.mark.parametrize(("rows", "level"), [(30_000, 1), (50, 6)])
def test_sheet_zipped_at_its_level(tmp_path: Path, rows: int, level: int) -> None:
    path = tmp_path / "book.xlsx"
    _write(path, rows)
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
        data = book.read(info)
    assert (len(data) >= xlsx_spool.FAST_ZIP_BYTES) is (level == 1)
    assert info.compress_size == _deflated_size(data, level)


def test_a_part_zipped_in_pieces_reads_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces packed on their own, one after another, are one deflate stream: the
    part reads back as written (its CRC checked), in fewer bytes than stored."""
    _write(tmp_path / "whole.xlsx", 10_000)
    monkeypatch.setattr(xlsx_spool, "PIECE_BYTES", 100_000)
    packed: list[bool] = []
    original = xlsx_spool._pack

    def spy(piece: bytes, level: int, last: bool) -> bytes:
        packed.append(last)
        return original(piece, level, last)

    monkeypatch.setattr(xlsx_spool, "_pack", spy)
    _write(tmp_path / "pieces.xlsx", 10_000)
    assert len(packed) > 5 and packed[-1] and not any(packed[:-1])
    with (
        zipfile.ZipFile(tmp_path / "whole.xlsx") as whole,
        zipfile.ZipFile(tmp_path / "pieces.xlsx") as pieces,
    ):
        assert pieces.testzip() is None
        info = pieces.getinfo("xl/worksheets/sheet1.xml")
        data = pieces.read(info)
        assert data == whole.read("xl/worksheets/sheet1.xml")
    assert info.compress_size < len(data) // 3
