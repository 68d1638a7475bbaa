"""Finding the documents of an export: a folder or a ``.zip``, any layout.

Pairs follow the OCI client convention: ``NAME.xml`` is a request and
``NAME.xml.response.xml`` its response, in the same folder. Any other
``.xml`` stands alone and is judged by its content (a response that echoes
its keys is usable). Files that are not ``.xml`` (READMEs, manifests) are
listed as ignored.

A folder is walked lazily, one directory listing at a time, in the order a
global sort of the relative paths would give: an export of 100,000 files
costs no more memory than an export of ten. A zip's directory is indexed
on disk (:mod:`migrate.extract.zipindex`) for the same reason, and each
document carries where its bytes are, so a worker reads it without the
directory.
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
from migrate.extract.zipindex import Entry, ZipIndex, open_member

RESPONSE_SUFFIX = ".response.xml"
# What zipfile can decompress; anything else fails only when the entry is read.
_READABLE_METHODS = frozenset(
    {
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
        zipfile.ZIP_BZIP2,
        zipfile.ZIP_LZMA,
    }
)
_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd", 99: "AES"}
# General-purpose flag bits: 0 encrypted, 5 patched data, 6 strong encryption.
_ENCRYPTED = 0x01 | 0x40
_PATCHED = 0x20


@dataclass(frozen=True)
class Document:
    name: str  # path inside the export, with forward slashes
    request: str | None  # the paired request's name, if any
    # Where a zip member's bytes are (None in a folder): opening needs nothing else.
    entry: Entry | None = None
    request_entry: Entry | None = None


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


def _classify(name: str, local: str, siblings: frozenset[str]) -> Document | None:
    """The document a file stands for; ``None`` for a request read with its response."""
    lower = local.lower()
    if lower.endswith(RESPONSE_SUFFIX):
        request = local[: -len(RESPONSE_SUFFIX)]
        return Document(name, name[: -len(RESPONSE_SUFFIX)] if request in siblings else None)
    if local + RESPONSE_SUFFIX in siblings:
        return None
    return Document(name, None)


def _partner(name: str) -> str | None:
    """The name whose presence pairs ``name`` (see :func:`_classify`), for the zip index."""
    lower = name.lower()
    if lower.endswith(RESPONSE_SUFFIX):
        return name[: -len(RESPONSE_SUFFIX)]
    if lower.endswith(".xml"):
        return name + RESPONSE_SUFFIX
    return None


def _entry_problem(entry: Entry) -> str | None:
    if entry.flags & _ENCRYPTED or entry.method == 99:
        return "is encrypted (password-protected); unzip it with its password and pass the folder"
    if entry.flags & _PATCHED or entry.method not in _READABLE_METHODS:
        method = _METHOD_NAMES.get(entry.method, "an unknown method")
        return (
            f"is compressed with {method} (method {entry.method}), which cannot be "
            "read; re-zip the export with standard Deflate or pass the unzipped folder"
        )
    return None


def check_entries(path: Path, index: ZipIndex) -> None:
    """Refuse, before anything is read, a zip whose documents cannot all be read as named.

    Checked up front rather than per document: an export whose entries are
    all encrypted (or Deflate64, as Windows writes big zips) would otherwise
    "succeed" with an empty inventory that replaces the previous one. Two
    entries with one name are refused too: a reader by name only ever sees
    the last one, and which of them is right is the engineer's call, not ours.
    """
    # The first problem is spelled out and the rest counted: a list of them
    # would grow with the zip when every entry is encrypted.
    first: str | None = None
    problems = 0
    for name, entry in index.suspect(_READABLE_METHODS, _ENCRYPTED | _PATCHED):
        problem = _entry_problem(entry) if name.lower().endswith(".xml") else None
        if problem is not None:
            first = first or f"entry {name} {problem}"
            problems += 1
    for name, count in index.duplicates():
        if name.lower().endswith(".xml"):
            first = first or (
                f"holds {count} entries named {name}; only one could be read, so "
                "unzip it, keep the right one and pass the folder"
            )
            problems += 1
    if first is not None:
        more = f" (and {problems - 1} more problem entries)" if problems > 1 else ""
        raise InputError(f"{path}: {first}{more}")


class Export:
    """An export opened for reading; use as a context manager."""

    def __init__(self, path: Path, scan: bool = True) -> None:
        """Open ``path``; ``scan=False`` (a worker process) only opens, never lists."""
        self.path = path
        self._root = str(path)
        self._index: ZipIndex | None = None
        self.ignored: list[str] = []
        if not scan:
            # A worker opens members by the entries its batch carries.
            return
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            return
        if zipfile.is_zipfile(path):
            try:
                self._index = ZipIndex(path, _partner)
            # ValueError covers a name that is not the UTF-8 its flag says.
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
                raise InputError(f"{path}: not a readable zip ({err})") from err
            # "zip file version 6.4": a zip made by a tool newer than Python's reader.
            except NotImplementedError as err:
                raise InputError(
                    f"{path}: a zip this Python cannot read ({err}); re-zip the export with "
                    "standard Deflate or pass the unzipped folder"
                ) from err
            try:
                check_entries(path, self._index)
            except BaseException:
                self._index.close()
                raise
            return
        kind = (
            "a zip that is truncated or corrupt"
            if path.suffix.lower() == ".zip"
            else "neither a folder nor a zip"
        )
        raise InputError(f"{path}: {kind}; an export is a folder or a .zip of OCI-P XML")

    def _zip_documents(self, index: ZipIndex) -> Iterator[Document]:
        # Each entry comes with the one sibling that pairs it (see _partner),
        # which is all _classify would look at among its siblings.
        for name, entry, partner in index.listing():
            # The suffixes hold no "/": the whole name ends as its last part does.
            lower = name.lower()
            if not lower.endswith(".xml"):
                self.ignored.append(name)
                continue
            if lower.endswith(RESPONSE_SUFFIX):
                request = None if partner is None else name[: -len(RESPONSE_SUFFIX)]
                yield Document(name, request, entry, partner)
            elif partner is None:
                yield Document(name, None, entry)

    def documents(self) -> Iterator[Document]:
        """The documents to read, in a stable order; ``ignored`` fills as it goes."""
        self.ignored = []
        if self._index is not None:
            yield from self._zip_documents(self._index)
            return
        for name, siblings in _walk(self.path):
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

    def open(self, name: str, entry: Entry | None = None) -> IO[bytes]:
        """Document ``name``; in a zip, ``entry`` (the document's) saves a look-up.

        A worker's export (``scan=False``) has no index: it needs ``entry``.
        """
        if entry is None and self._index is not None:
            entry = self._index.get(name)
            if entry is None:
                raise KeyError(f"There is no item named {name!r} in the archive")
        if entry is not None:
            return open_member(self.path, name, entry)
        # A plain join: two opens per document, and pathlib's parsing showed in profiles.
        # Unbuffered: every reader asks for big pieces, so a buffer would only be copied.
        return open(f"{self._root}/{name}", "rb", buffering=0)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> Export:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
