"""A zip's central directory, read in pieces into an on-disk index.

``zipfile.ZipFile`` keeps a ``ZipInfo`` per entry, about 700 bytes each: a
zip of half a million entries costs hundreds of MB in every process that
opens it. Here the directory is streamed record by record into SQLite in a
temporary folder (removed on close), so memory stays the same whatever the
entry count, and a member is opened from its :class:`Entry` alone, without
the directory: a worker process gets the entries it reads with its batch.

The libraries that read zips lazily do not fit: stream-unzip and
libarchive read local headers front to back (no sorted order, no random
access, sizes from local headers that data descriptors leave empty);
remotezip and unzip-http subclass ``zipfile`` and hold the directory whole.
So the records are parsed here with ``struct``, following ``zipfile`` field
for field (and raising what it raises), and decompression is left to
``zipfile``'s own ``ZipExtFile``, which streams and checks size and CRC.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple, cast

# Record layouts (APPNOTE 4.3.12, 4.3.14-16, 4.3.7), as zipfile spells them.
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIGNATURE = b"PK\x06\x06"
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
# The end record and a comment of up to 64 KiB: where zipfile looks for it.
_TAIL = _END.size + (1 << 16)
_UTF8_NAME = 1 << 11
_ENCRYPTED = 1 << 0
_PATCHED = 1 << 5
_STRONG_ENCRYPTION = 1 << 6
_ZIP64_EXTRA = 0x0001
_UNSET32 = 0xFFFF_FFFF
# SQLite integers are signed 64-bit; a zip64 field past that is corrupt anyway.
_LARGEST = (1 << 63) - 1
# The directory is read this much at a time.
_CHUNK = 1 << 20


class Entry(NamedTuple):
    """Where a member's data is and how to read it: all a reader needs besides its name."""

    offset: int  # of its local header, from the start of the file
    compressed_size: int
    size: int
    method: int
    flags: int
    crc: int


def _end_record(handle: BinaryIO) -> tuple[int, int, int]:
    """``(start of the central directory, its size, shift)`` from the end records.

    ``shift`` is what zipfile calls ``concat``: bytes prepended to the zip
    (a self-extractor), added to every offset the directory gives.
    """
    size = handle.seek(0, 2)
    tail_start = max(size - _TAIL, 0)
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        raise zipfile.BadZipFile("File is not a zip file")
    fields = _END.unpack_from(tail, at)
    dir_size, dir_offset = fields[5], fields[6]
    location = tail_start + at
    shift = location - dir_size - dir_offset
    locator_at = location - _END64_LOCATOR.size
    if locator_at >= 0:
        handle.seek(locator_at)
        locator = handle.read(_END64_LOCATOR.size)
        signature, disk, _offset, disks = _END64_LOCATOR.unpack(locator)
        if signature == _END64_LOCATOR_SIGNATURE:
            if disk != 0 or disks > 1:
                raise zipfile.BadZipFile("zipfiles that span multiple disks are not supported")
            # As zipfile does: the zip64 record is taken to sit right before
            # its locator (no "extensible data"), whatever offset it gives.
            record_at = locator_at - _END64.size
            if record_at >= 0:
                handle.seek(record_at)
                record = _END64.unpack(handle.read(_END64.size))
                if record[0] == _END64_SIGNATURE:
                    dir_size, dir_offset = record[8], record[9]
                    shift = location - dir_size - dir_offset - _END64.size - _END64_LOCATOR.size
    start = dir_offset + shift
    if start < 0:
        raise zipfile.BadZipFile("Bad offset for central directory")
    return start, dir_size, shift


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """The 32-bit fields left at 0xFFFFFFFF, read from the zip64 extra field (APPNOTE 4.5.3)."""
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra):
            raise zipfile.BadZipFile(f"Corrupt extra field {kind:04x} (size={length})")
        if kind == _ZIP64_EXTRA:
            data = extra[4 : length + 4]
            field = ""
            try:
                # In this order, only those that overflowed (zipfile also
                # takes an all-ones 64-bit file size as overflowed).
                if size in (0xFFFF_FFFF_FFFF_FFFF, _UNSET32):
                    field = "File size"
                    (size,) = struct.unpack_from("<Q", data)
                    data = data[8:]
                if compressed == _UNSET32:
                    field = "Compress size"
                    (compressed,) = struct.unpack_from("<Q", data)
                    data = data[8:]
                if offset == _UNSET32:
                    field = "Header offset"
                    (offset,) = struct.unpack_from("<Q", data)
            except struct.error:
                raise zipfile.BadZipFile(f"Corrupt zip64 extra field. {field} not found.") from None
        extra = extra[length + 4 :]
    return size, compressed, offset


Row = tuple[str, int, int, int, int, int, int]  # a name and its Entry's fields


def _fill(handle: BinaryIO, buffer: bytes, at: int, need: int) -> bytes:
    """``buffer`` from ``at`` on, with at least ``need`` bytes read on."""
    buffer = buffer[at:]
    while len(buffer) < need:
        more = handle.read(max(_CHUNK, need - len(buffer)))
        if not more:
            raise zipfile.BadZipFile("Truncated central directory")
        buffer += more
    return buffer


def directory_rows(handle: BinaryIO) -> Iterator[Row]:
    """Every entry of the zip open as ``handle``, in directory order, read a chunk at a time.

    Plain tuples rather than :class:`Entry`: half a million of them go
    straight into the index, and building each one showed in profiles.
    """
    start, dir_size, shift = _end_record(handle)
    handle.seek(start)
    unpack = _CENTRAL.unpack_from
    buffer = b""
    at = 0
    total = 0
    while total < dir_size:
        if len(buffer) - at < _CENTRAL.size:
            buffer, at = _fill(handle, buffer, at, _CENTRAL.size), 0
        (signature, _made_by, _system, version, _reserved, flags, method, _time, _date, crc,
         compressed, size, name_length, extra_length, comment_length, _disk, _internal,
         _external, offset) = unpack(buffer, at)  # fmt: skip
        if signature != _CENTRAL_SIGNATURE:
            raise zipfile.BadZipFile("Bad magic number for central directory")
        length = _CENTRAL.size + name_length + extra_length + comment_length
        if len(buffer) - at < length:
            buffer, at = _fill(handle, buffer, at, length), 0
        name_at = at + _CENTRAL.size
        extra_at = name_at + name_length
        raw = buffer[name_at:extra_at]
        at += length
        total += length
        # Bit 11 says UTF-8; without it a name is cp437, the historical default.
        name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437")
        if version > zipfile.MAX_EXTRACT_VERSION:
            raise NotImplementedError(f"zip file version {version / 10:.1f}")
        if extra_length:
            extra = buffer[extra_at : extra_at + extra_length]
            size, compressed, offset = _zip64(extra, size, compressed, offset)
        offset += shift
        if max(size, compressed, offset) > _LARGEST or offset < 0:
            raise zipfile.BadZipFile(f"Corrupt sizes or offset for {name!r}")
        # ZipInfo cuts a name at its first NUL (a defence against path tricks).
        if "\0" in name:
            name = name.split("\0", 1)[0]
        yield name, offset, compressed, size, method, flags, crc


def central_directory(handle: BinaryIO) -> Iterator[tuple[str, Entry]]:
    """``(name, entry)`` for every entry of the zip open as ``handle``, in directory order."""
    for name, *fields in directory_rows(handle):
        yield name, Entry(*fields)


def open_member(path: Path, name: str, entry: Entry) -> IO[bytes]:
    """Member ``name`` of the zip at ``path``, decompressed as it is read.

    Checks the local header as ``ZipFile.open`` does and raises the same
    exceptions; size and CRC are checked by ``ZipExtFile`` at the end.
    """
    handle = open(path, "rb")  # noqa: SIM115 (the member closes it)
    try:
        handle.seek(entry.offset)
        header = handle.read(_LOCAL.size)
        if len(header) != _LOCAL.size:
            raise zipfile.BadZipFile("Truncated file header")
        fields = _LOCAL.unpack(header)
        if fields[0] != _LOCAL_SIGNATURE:
            raise zipfile.BadZipFile("Bad magic number for file header")
        raw = handle.read(fields[10])
        handle.seek(fields[11], 1)
        if entry.flags & _PATCHED:
            raise NotImplementedError("compressed patched data (flag bit 5)")
        if entry.flags & _STRONG_ENCRYPTION:
            raise NotImplementedError("strong encryption (flag bit 6)")
        try:
            local = raw.decode("utf-8" if fields[3] & _UTF8_NAME else "cp437")
        except UnicodeDecodeError as err:
            raise zipfile.BadZipFile(f"Bad file name in the header of {name!r}: {err}") from err
        if local.split("\0", 1)[0] != name:
            raise zipfile.BadZipFile(f"File name in directory {name!r} and header {raw!r} differ.")
        if entry.flags & _ENCRYPTED:
            raise RuntimeError(f"File {name!r} is encrypted, password required for extraction")
        info = zipfile.ZipInfo(name)
        info.compress_type = entry.method
        info.compress_size = entry.compressed_size
        info.file_size = entry.size
        info.flag_bits = entry.flags
        info.CRC = entry.crc
        # A ZipExtFile is a binary stream; typeshed types it as BufferedIOBase only.
        return cast(IO[bytes], zipfile.ZipExtFile(handle, "r", info, None, True))
    except BaseException:
        handle.close()
        raise


class ZipIndex:
    """The central directory of a zip, on disk, sorted by name; ``close()`` removes it.

    ``partner`` names, for an entry, the one other entry it is listed with
    (a response's request); :meth:`listing` joins them.
    """

    def __init__(self, path: Path, partner: Callable[[str], str | None]) -> None:
        self.path = path
        self._folder = Path(tempfile.mkdtemp(prefix="migrate-zipindex-"))
        try:
            self._db = sqlite3.connect(self._folder / "index.sqlite")
            try:
                self._build(partner)
            except BaseException:
                self._db.close()
                raise
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise

    def _build(self, partner: Callable[[str], str | None]) -> None:
        db = self._db
        # A scratch file: nothing to recover after a crash, so no journal.
        db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE entries (name TEXT NOT NULL, partner TEXT, offset INTEGER,"
            " compressed INTEGER, size INTEGER, method INTEGER, flags INTEGER, crc INTEGER)"
        )
        with open(self.path, "rb") as handle:
            rows = (
                (row[0], partner(row[0]), *row[1:])
                for row in directory_rows(handle)
                # Folders are neither documents nor anyone's siblings.
                if not row[0].endswith("/")
            )
            db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX by_name ON entries (name)")
        db.commit()

    def listing(self) -> Iterator[tuple[str, Entry, Entry | None]]:
        """``(name, entry, its partner's entry or None)`` by name, as ``sorted()`` orders str.

        SQLite compares text as UTF-8 bytes, which orders like code points.
        A partner named twice is the last in the directory, as ``ZipFile.getinfo`` picks.
        """
        cursor = self._db.execute(
            "SELECT e.name, e.offset, e.compressed, e.size, e.method, e.flags, e.crc,"
            " p.offset, p.compressed, p.size, p.method, p.flags, p.crc"
            " FROM entries e LEFT JOIN entries p ON p.rowid ="
            " (SELECT max(rowid) FROM entries WHERE name = e.partner)"
            " ORDER BY e.name"
        )
        # tuple.__new__ skips NamedTuple's Python-level __new__: this runs once
        # or twice per entry, and that showed in profiles.
        make = tuple.__new__
        with closing(cursor):
            for row in cursor:
                paired = None if row[7] is None else make(Entry, row[7:13])
                yield row[0], make(Entry, row[1:7]), paired

    def get(self, name: str) -> Entry | None:
        row = self._db.execute(
            "SELECT offset, compressed, size, method, flags, crc FROM entries"
            " WHERE name = ? ORDER BY rowid DESC LIMIT 1",
            (name,),
        ).fetchone()
        return None if row is None else Entry(*row)

    def suspect(self, readable: frozenset[int], flags: int) -> Iterator[tuple[str, Entry]]:
        """Entries with any of ``flags`` set or a method not ``readable``, in directory order."""
        places = ",".join("?" * len(readable))  # placeholders only: nothing else is spliced in
        where = f"flags & ? OR method NOT IN ({places})"
        cursor = self._db.execute(
            f"SELECT name, offset, compressed, size, method, flags, crc FROM entries WHERE {where}"  # noqa: S608
            " ORDER BY rowid",
            (flags, *sorted(readable)),
        )
        with closing(cursor):
            for row in cursor:
                yield row[0], Entry(*row[1:])

    def duplicates(self) -> Iterator[tuple[str, int]]:
        """``(name, how many entries have it)`` for names given more than once, by name."""
        cursor = self._db.execute(
            "SELECT name, count(*) FROM entries GROUP BY name HAVING count(*) > 1 ORDER BY name"
        )
        with closing(cursor):
            yield from cursor

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)
