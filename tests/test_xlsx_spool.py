"""A sheet's rows wait in memory, or on disk past a size: the workbook is the same."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migrate.reports import xlsx_spool
from migrate.reports.xlsx import Column, ReportWriter

ROWS: list[list[Any]] = [[f"user{n}@example.com", n, n % 2 == 0, "a & b"] for n in range(300)]


def _write(path: Path) -> None:
    with ReportWriter(path) as book:
        book.key_values("Summary", [("Users", len(ROWS))])
        book.sheet(
            "Data", [Column("Email", editable=True, note="Editable."), "n", "b", "t"]
        ).extend(ROWS)
        book.sheet("Empty", ["x"])


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        # core.xml holds the time the workbook was written.
        return {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}


def _count_temp_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    original = tempfile.mkstemp

    def spy(*args: Any, **kwargs: Any) -> tuple[int, str]:
        handle, name = original(*args, **kwargs)
        made.append(name)
        return handle, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    return made


def test_a_small_workbook_is_made_without_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _count_temp_files(monkeypatch)
    _write(tmp_path / "small.xlsx")
    # Only the workbook's own temporary name, swapped in on close.
    assert [Path(name).name.startswith(".small.") for name in made] == [True]


def test_rows_past_the_limit_go_to_disk_and_give_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "memory.xlsx")
    monkeypatch.setattr(xlsx_spool, "SPOOL_LIMIT", 100)
    spilled: list[bool] = []
    original = xlsx_spool.RowSpool._to_disk

    def spy(self: xlsx_spool.RowSpool) -> None:
        spilled.append(True)
        original(self)

    monkeypatch.setattr(xlsx_spool.RowSpool, "_to_disk", spy)
    made = _count_temp_files(monkeypatch)
    _write(tmp_path / "disk.xlsx")
    assert spilled  # the Data sheet's rows went to disk…
    assert len(made) > 1  # …and the workbook was packaged through temp files
    assert _members(tmp_path / "disk.xlsx") == _members(tmp_path / "memory.xlsx")
    read = load_workbook(tmp_path / "disk.xlsx", read_only=True)
    rows = list(read["Data"].iter_rows(min_row=2, values_only=True))
    assert [list(row) for row in rows] == ROWS


def test_a_workbook_too_big_for_memory_is_packaged_on_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx_spool, "PACKAGE_LIMIT", 150)
    spools = [xlsx_spool.RowSpool(1000, None) for _ in range(2)]
    sheets = [type("Sheet", (), {"row_data_fh": spool})() for spool in spools]
    spools[0].write("x" * 100)
    assert xlsx_spool.small_workbook(sheets)
    spools[1].write("y" * 100)  # each sheet in memory, together past the limit
    assert not xlsx_spool.small_workbook(sheets)
    for spool in spools:
        spool.close()


def test_rows_come_back_as_written_whether_text_or_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows rendered elsewhere come as UTF-8; a character cut between two copies is
    whole in the text the spool gives back."""
    monkeypatch.setattr(xlsx_spool, "_COPY_CHUNK", 3)
    for limit in (1000, 4):  # in memory, and on disk
        spool = xlsx_spool.RowSpool(limit, None)
        spool.write("<a>é</a>")
        spool.write_bytes("<b>日本€</b>".encode())
        out = io.StringIO()
        spool.copy_to(out)
        assert out.getvalue() == "<a>é</a><b>日本€</b>"
        assert spool.in_memory is (limit == 1000)
