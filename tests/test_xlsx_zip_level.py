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
