"""Finding the documents of an export: a folder or a ``.zip``, any layout.

Pairs follow the OCI client convention: ``NAME.xml`` is a request and
``NAME.xml.response.xml`` its response, in the same folder. Any other
``.xml`` stands alone and is judged by its content (a response that echoes
its keys is usable). Files that are not ``.xml`` (READMEs, manifests) are
listed as ignored.

A folder is walked lazily, one directory listing at a time, in the order a
global sort of the relative paths would give: an export of 100,000 files
costs no more memory than an export of ten.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from migrate.errors import InputError

RESPONSE_SUFFIX = ".response.xml"
# What zipfile can decompress; anything else fails only when the entry is read.
_READABLE_METHODS = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd", 99: "AES"}
# General-purpose flag bits: 0 encrypted, 5 patched data, 6 strong encryption.
_ENCRYPTED = 0x01 | 0x40
_PATCHED = 0x20


@dataclass(frozen=True)
class Document:
    name: str  # path inside the export, with forward slashes
    request: str | None  # the paired request's name, if any


def _walk(root: Path, prefix: str = "") -> Iterator[tuple[str, frozenset[str]]]:
    """``(relative path, names of the files in its folder)`` in global sorted order."""
    entries: list[tuple[str, str, bool]] = []
    try:
        with os.scandir(root) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False):
                    entries.append((entry.name + "/", entry.path, True))
                elif entry.is_file(follow_symlinks=False):
                    entries.append((entry.name, entry.path, False))
    except OSError as err:
        # A folder that cannot be listed hides an unknown part of the export:
        # the run stops (the previous inventory stays) rather than guess.
        raise InputError(f"{root}: cannot list the folder: {err.strerror or err}") from err
    siblings = frozenset(key for key, _path, is_dir in entries if not is_dir)
    # Sorting "name/" for folders against "name" for files is exactly how the
    # full relative paths would sort.
    for key, path, is_dir in sorted(entries):
        if is_dir:
            yield from _walk(Path(path), prefix + key)
        else:
            yield prefix + key, siblings


def _classify(name: str, local: str, siblings: frozenset[str] | set[str]) -> Document | None:
    """The document a file stands for; ``None`` for a request read with its response."""
    lower = local.lower()
    if lower.endswith(RESPONSE_SUFFIX):
        request = local[: -len(RESPONSE_SUFFIX)]
        return Document(name, name[: -len(RESPONSE_SUFFIX)] if request in siblings else None)
    if local + RESPONSE_SUFFIX in siblings:
        return None
    return Document(name, None)


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & _ENCRYPTED or info.compress_type == 99:
        return "is encrypted (password-protected); unzip it with its password and pass the folder"
    if info.flag_bits & _PATCHED or info.compress_type not in _READABLE_METHODS:
        method = _METHOD_NAMES.get(info.compress_type, "an unknown method")
        return (
            f"is compressed with {method} (method {info.compress_type}), which cannot be "
            "read; re-zip the export with standard Deflate or pass the unzipped folder"
        )
    return None


def check_entries(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse, before anything is read, a zip whose documents cannot all be read as named.

    Checked up front rather than per document: an export whose entries are
    all encrypted (or Deflate64, as Windows writes big zips) would otherwise
    "succeed" with an empty inventory that replaces the previous one. Two
    entries with one name are refused too: a reader by name only ever sees
    the last one, and which of them is right is the engineer's call, not ours.
    """
    problems: list[str] = []
    seen: dict[str, int] = {}
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(".xml"):
            continue
        seen[info.filename] = seen.get(info.filename, 0) + 1
        problem = _entry_problem(info)
        if problem is not None:
            problems.append(f"entry {info.filename} {problem}")
    for name, count in sorted(seen.items()):
        if count > 1:
            problems.append(
                f"holds {count} entries named {name}; only one could be read, so "
                "unzip it, keep the right one and pass the folder"
            )
    if problems:
        more = f" (and {len(problems) - 1} more problem entries)" if len(problems) > 1 else ""
        raise InputError(f"{path}: {problems[0]}{more}")


class Export:
    """An export opened for reading; use as a context manager."""

    def __init__(self, path: Path, scan: bool = True) -> None:
        """Open ``path``; ``scan=False`` (a worker process) only opens, never lists."""
        self.path = path
        self._root = str(path)
        self._zip: zipfile.ZipFile | None = None
        self.ignored: list[str] = []
        if not scan:
            if path.is_file():
                self._zip = zipfile.ZipFile(path)
            return
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            return
        if zipfile.is_zipfile(path):
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
                raise InputError(f"{path}: not a readable zip ({err})") from err
            # "zip file version 6.4": a zip made by a tool newer than Python's reader.
            except NotImplementedError as err:
                raise InputError(
                    f"{path}: a zip this Python cannot read ({err}); re-zip the export with "
                    "standard Deflate or pass the unzipped folder"
                ) from err
            try:
                check_entries(path, self._zip.infolist())
            except InputError:
                self._zip.close()
                raise
            return
        kind = (
            "a zip that is truncated or corrupt"
            if path.suffix.lower() == ".zip"
            else "neither a folder nor a zip"
        )
        raise InputError(f"{path}: {kind}; an export is a folder or a .zip of OCI-P XML")

    def _files(self) -> Iterator[tuple[str, frozenset[str] | set[str]]]:
        if self._zip is None:
            yield from _walk(self.path)
            return
        # zipfile holds the whole directory in memory anyway: sort it and pair by folder.
        names = sorted(i.filename for i in self._zip.infolist() if not i.is_dir())
        folders: dict[str, set[str]] = {}
        for name in names:
            folder, _sep, local = name.rpartition("/")
            folders.setdefault(folder, set()).add(local)
        for name in names:
            folder, _sep, _local = name.rpartition("/")
            yield name, folders[folder]

    def documents(self) -> Iterator[Document]:
        """The documents to read, in a stable order; ``ignored`` fills as it goes."""
        self.ignored = []
        for name, siblings in self._files():
            local = name.rpartition("/")[2]
            if not local.lower().endswith(".xml"):
                self.ignored.append(name)
                continue
            doc = _classify(name, local, siblings)
            if doc is not None:
                yield doc

    def count(self) -> int:
        """How many documents there are (a listing pass; nothing is read)."""
        return sum(1 for _doc in self.documents())

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        # A plain join: two opens per document, and pathlib's parsing showed in profiles.
        return open(f"{self._root}/{name}", "rb")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Export:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
