"""A write-only zip (stored members, ZIP64 when needed) whose memory does not grow.

``zipfile.ZipFile`` keeps one ``ZipInfo`` per member until it writes the
central directory at close: about 250 bytes a member, so 30 MB for a
200,000-user export. This writer spools the central directory to a
temporary file instead, so an export of any size is written in constant
memory. Members are stored (not compressed): the generator is meant to be
fast, and XML exports are read back at disk speed.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")
_LIMIT32 = 0xFFFFFFFF
_LIMIT16 = 0xFFFF
_VERSION = 45  # 4.5: ZIP64
_MADE_BY = (3 << 8) | _VERSION  # Unix
_MODE = 0o100644 << 16  # a regular file, rw-r--r--


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


class StreamingZip:
    """Write members one after the other; ``close`` appends the central directory."""

    def __init__(self, path: Path, date_time: tuple[int, int, int, int, int, int]) -> None:
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._directory: BinaryIO = tempfile.TemporaryFile(dir=path.parent)  # noqa: SIM115
        self._time, self._date = _dos_time(date_time)
        self._offset = 0
        self.entries = 0

    def write(self, name: str, data: bytes) -> None:
        encoded = name.encode("ascii")
        crc = zlib.crc32(data)
        size = len(data)
        if size >= _LIMIT32:
            raise ValueError(f"{name}: a member of 4 GiB or more is not supported")
        header = _LOCAL.pack(
            0x04034B50, _VERSION, 0, 0, self._time, self._date, crc, size, size, len(encoded), 0
        )
        self._file.write(header)
        self._file.write(encoded)
        self._file.write(data)
        extra = b""
        offset = self._offset
        if offset >= _LIMIT32:
            extra = struct.pack("<HHQ", 0x0001, 8, offset)
            offset = _LIMIT32
        self._directory.write(
            _CENTRAL.pack(
                0x02014B50,
                _MADE_BY,
                _VERSION,
                0,
                0,
                self._time,
                self._date,
                crc,
                size,
                size,
                len(encoded),
                len(extra),
                0,
                0,
                0,
                _MODE,
                offset,
            )
        )
        self._directory.write(encoded)
        self._directory.write(extra)
        self._offset += len(header) + len(encoded) + size
        self.entries += 1

    def close(self) -> None:
        directory_offset = self._offset
        directory_size = self._directory.tell()
        self._directory.seek(0)
        shutil.copyfileobj(self._directory, self._file, 1 << 20)
        self._directory.close()
        end_offset = directory_offset + directory_size
        needs_zip64 = (
            self.entries >= _LIMIT16 or directory_offset >= _LIMIT32 or directory_size >= _LIMIT32
        )
        if needs_zip64:
            self._file.write(
                _ZIP64_END.pack(
                    0x06064B50,
                    _ZIP64_END.size - 12,
                    _MADE_BY,
                    _VERSION,
                    0,
                    0,
                    self.entries,
                    self.entries,
                    directory_size,
                    directory_offset,
                )
            )
            self._file.write(_ZIP64_LOCATOR.pack(0x07064B50, 0, end_offset, 1))
        self._file.write(
            _END.pack(
                0x06054B50,
                0,
                0,
                min(self.entries, _LIMIT16),
                min(self.entries, _LIMIT16),
                min(directory_size, _LIMIT32),
                min(directory_offset, _LIMIT32),
                0,
            )
        )
        self._file.close()

    def abort(self) -> None:
        self._directory.close()
        self._file.close()

    def __enter__(self) -> StreamingZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
