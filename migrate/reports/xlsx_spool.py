"""Where a constant-memory sheet's rows wait until the workbook closes.

XlsxWriter's constant-memory mode gives every sheet a named temp file for its
rows, and on close writes every part of the workbook to another temp file
before zipping it: some forty files made and removed per workbook, which for
a review split into thousands of small workbooks costs more than their rows.
Here a sheet's rows stay in memory up to ``SPOOL_LIMIT`` bytes and only
then go to an (unnamed) temp file, so memory stays bounded as before; a
workbook none of whose sheets went to disk is packaged in memory too.

XlsxWriter zips every part at zlib's default level and has no option for
it. A big part (a sheet of 100,000 users) is zipped at level 1 instead:
about half the CPU of the workbook's close, for a file about 30 % bigger.
Small parts, and so small workbooks, are zipped as before, byte for byte.
The biggest parts are cut into pieces that threads pack side by side (zlib
lets go of the GIL) into one deflate stream, as pigz does: the workbook's
close, which nothing else overlaps, takes about half the time on two cores.
The rows are kept as UTF-8: those rendered in other processes come encoded.
"""

from __future__ import annotations

import codecs
import io
import os
import tempfile
import zipfile
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

import xlsxwriter.workbook
from xlsxwriter.worksheet import Worksheet

SPOOL_LIMIT = 1 << 20  # bytes of one sheet's rows kept in memory
PACKAGE_LIMIT = 4 * SPOOL_LIMIT  # bytes of a workbook's rows packaged in memory
_COPY_CHUNK = 1 << 20
FAST_ZIP_BYTES = 1 << 20  # parts from this size on are zipped at level 1
PIECE_BYTES = 8 << 20  # parts bigger than this are zipped a piece at a time, in threads


class RowSpool:
    """A sheet's row data, as UTF-8: in memory up to ``limit`` bytes, then in a temp file.

    Rows rendered elsewhere come as bytes (:meth:`write_bytes`) and are kept
    as they are: not decoded here to be encoded again.
    """

    def __init__(self, limit: int, folder: str | None) -> None:
        self._limit = limit
        self._folder = folder
        self._size = 0
        self._out: IO[bytes] = io.BytesIO()
        self.in_memory = True

    @property
    def size(self) -> int:
        """Bytes held in memory (none once they went to disk)."""
        return self._size

    def write(self, text: str) -> int:
        self.write_bytes(text.encode())
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        self._out.write(data)
        if self.in_memory:
            self._size += len(data)
            if self._size > self._limit:
                self._to_disk()

    def _to_disk(self) -> None:
        held = self._out.getvalue() if isinstance(self._out, io.BytesIO) else b""
        self._out = tempfile.TemporaryFile("w+b", dir=self._folder)  # noqa: SIM115 - open till the workbook closes
        self._out.write(held)
        self.in_memory = False
        self._size = 0

    def copy_to(self, out: Any) -> None:
        """Everything written, to ``out`` (a text file or a ``StringIO``); the spool is
        then closed."""
        self._out.seek(0)
        raw = getattr(out, "buffer", None)
        if raw is not None:
            out.flush()  # what XlsxWriter wrote before the rows goes first
            while chunk := self._out.read(_COPY_CHUNK):
                raw.write(chunk)
        else:
            decoder = codecs.getincrementaldecoder("utf-8")()
            while chunk := self._out.read(_COPY_CHUNK):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
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
    """The zip XlsxWriter writes a workbook's parts into: big ones at level 1, the
    biggest a piece at a time in threads."""

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        size = os.path.getsize(filename)
        if compresslevel is None and size >= FAST_ZIP_BYTES:
            compresslevel = 1
        kind = self.compression if compress_type is None else compress_type
        if size <= PIECE_BYTES or kind != zipfile.ZIP_DEFLATED:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        level = zlib.Z_DEFAULT_COMPRESSION if compresslevel is None else compresslevel
        info = zipfile.ZipInfo.from_file(filename, arcname)
        info.compress_type = zipfile.ZIP_DEFLATED
        ready = _Packed()
        threads = max(len(os.sched_getaffinity(0)), 1)
        with (
            open(filename, "rb") as source,
            ThreadPoolExecutor(threads) as pool,
            self.open(info, "w") as entry,
        ):
            # The entry packs nothing itself: each piece written to it comes packed. (Were
            # zipfile's attribute to change name, the entry would pack the pieces itself:
            # the same part, without the threads.)
            entry._compressor = ready  # type: ignore[attr-defined]
            ahead: deque[tuple[bytes, Future[bytes]]] = deque()
            offset = 0
            while offset < size:
                piece = source.read(PIECE_BYTES)
                if not piece:
                    break
                offset += len(piece)
                ahead.append((piece, pool.submit(_pack, piece, level, offset >= size)))
                if len(ahead) > threads:
                    ready.put(entry, *ahead.popleft())
            while ahead:
                ready.put(entry, *ahead.popleft())


class _Packed:
    """A zip entry's compressor whose output was made elsewhere (:func:`_pack`)."""

    def __init__(self) -> None:
        self._next = b""

    def put(self, entry: IO[bytes], piece: bytes, packed: Future[bytes]) -> None:
        self._next = packed.result()
        entry.write(piece)  # the entry sums and counts the piece itself

    def compress(self, data: bytes) -> bytes:
        packed, self._next = self._next, b""
        return packed

    def flush(self) -> bytes:
        return b""


def _pack(piece: bytes, level: int, last: bool) -> bytes:
    """One piece of an entry as raw deflate: zlib lets go of the GIL while it packs.

    Each piece is packed on its own and all but the last end on a byte boundary
    (a sync flush), so the pieces one after another are one deflate stream.
    """
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(piece) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


# XlsxWriter makes its zip by this name when it closes a workbook that went to disk.
xlsxwriter.workbook.ZipFile = SheetZip
