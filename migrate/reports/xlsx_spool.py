"""Where a constant-memory sheet's rows wait until the workbook closes.

XlsxWriter's constant-memory mode gives every sheet a named temp file for its
rows, and on close writes every part of the workbook to another temp file
before zipping it: some forty files made and removed per workbook, which for
a review split into thousands of small workbooks costs more than their rows.
Here a sheet's rows stay in memory up to ``SPOOL_LIMIT`` characters and only
then go to an (unnamed) temp file, so memory stays bounded as before; a
workbook none of whose sheets went to disk is packaged in memory too.

XlsxWriter zips every part at zlib's default level and has no option for
it. A big part (a sheet of 100,000 users) is zipped at level 1 instead:
about half the CPU of the workbook's close, for a file about 30 % bigger.
Small parts, and so small workbooks, are zipped as before, byte for byte.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from typing import IO, Any

import xlsxwriter.workbook
from xlsxwriter.worksheet import Worksheet

SPOOL_LIMIT = 1 << 20  # characters of one sheet's rows kept in memory
PACKAGE_LIMIT = 4 * SPOOL_LIMIT  # characters of a workbook's rows packaged in memory
_COPY_CHUNK = 1 << 16
FAST_ZIP_BYTES = 1 << 20  # parts from this size on are zipped at level 1


class RowSpool:
    """A sheet's row data: in memory up to ``limit`` characters, then in a temp file."""

    def __init__(self, limit: int, folder: str | None) -> None:
        self._limit = limit
        self._folder = folder
        self._size = 0
        self._out: IO[str] = io.StringIO()
        self.in_memory = True

    @property
    def size(self) -> int:
        """Characters held in memory (none once they went to disk)."""
        return self._size

    def write(self, text: str) -> int:
        written = self._out.write(text)
        if self.in_memory:
            self._size += written
            if self._size > self._limit:
                self._to_disk()
        return written

    def _to_disk(self) -> None:
        held = self._out.getvalue() if isinstance(self._out, io.StringIO) else ""
        self._out = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self._folder)  # noqa: SIM115 - open till the workbook closes
        self._out.write(held)
        self.in_memory = False
        self._size = 0

    def copy_to(self, out: Any) -> None:
        """Everything written, to ``out``; the spool is then closed."""
        self._out.seek(0)
        while chunk := self._out.read(_COPY_CHUNK):
            out.write(chunk)
        self.close()

    def close(self) -> None:
        self._out.close()


class SpooledWorksheet(Worksheet):  # type: ignore[misc]  # XlsxWriter has no type hints
    """A constant-memory worksheet whose rows wait in a :class:`RowSpool`."""

    def _initialize(self, init_data: dict[str, Any]) -> None:
        # Without constant_memory XlsxWriter opens no temp file of its own.
        super()._initialize({**init_data, "constant_memory": False})
        self.constant_memory = init_data["constant_memory"]
        if self.constant_memory:
            self.row_data_fh = RowSpool(SPOOL_LIMIT, self.tmpdir)
            self.fh = self.row_data_fh

    def _write_optimized_sheet_data(self) -> None:
        if self.dim_rowmin is None:
            self._xml_empty_tag("sheetData")
            return
        self._xml_start_tag("sheetData")
        self.row_data_fh.copy_to(self.fh)
        self._xml_end_tag("sheetData")


def small_workbook(worksheets: list[Any]) -> bool:
    """Whether the sheets' rows are all in memory and few enough to package there."""
    spools = [sheet.row_data_fh for sheet in worksheets]
    if not all(isinstance(spool, RowSpool) and spool.in_memory for spool in spools):
        return False
    held: int = sum(spool.size for spool in spools)
    return held <= PACKAGE_LIMIT


class SheetZip(zipfile.ZipFile):
    """The zip XlsxWriter writes a workbook's parts into: big ones at level 1."""

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if compresslevel is None and os.path.getsize(filename) >= FAST_ZIP_BYTES:
            compresslevel = 1
        super().write(filename, arcname, compress_type, compresslevel)


# XlsxWriter makes its zip by this name when it closes a workbook that went to disk.
xlsxwriter.workbook.ZipFile = SheetZip
