"""Finding the documents of an export: a folder or a ``.zip``, any layout.

Pairs follow the OCI client convention: ``NAME.xml`` is a request and
``NAME.xml.response.xml`` its response. Any other ``.xml`` stands alone and
is judged by its content (a response that echoes its keys is usable).
Files that are not ``.xml`` (READMEs, manifests) are listed as ignored.
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


@dataclass(frozen=True)
class Document:
    name: str  # path inside the export, with forward slashes
    request: str | None  # the paired request's name, if any


def _walk(root: Path) -> Iterator[str]:
    # os.walk's DirEntry knows file from folder without a stat per file.
    for folder, _dirs, files in os.walk(root):
        prefix = Path(folder).relative_to(root).as_posix()
        for name in files:
            yield name if prefix == "." else f"{prefix}/{name}"


class Export:
    """An export opened for reading; use as a context manager."""

    def __init__(self, path: Path, scan: bool = True) -> None:
        """Open ``path``; ``scan=False`` (a worker process) only opens, never lists."""
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self.names: list[str] = []
        self.ignored: list[str] = []
        self.documents: list[Document] = []
        if not scan:
            if path.is_file():
                self._zip = zipfile.ZipFile(path)
            return
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            names = sorted(_walk(path))
        elif zipfile.is_zipfile(path):
            try:
                self._zip = zipfile.ZipFile(path)
                names = sorted(i.filename for i in self._zip.infolist() if not i.is_dir())
            except (zipfile.BadZipFile, OSError, EOFError) as err:
                raise InputError(f"{path}: not a readable zip ({err})") from err
        else:
            kind = "a zip that is truncated or corrupt" if path.suffix.lower() == ".zip" \
                else "neither a folder nor a zip"
            raise InputError(f"{path}: {kind}; an export is a folder or a .zip of OCI-P XML")
        self.names = names
        xml = {n for n in names if n.lower().endswith(".xml")}
        self.ignored = [n for n in names if n not in xml]
        for name in sorted(xml):
            if name.lower().endswith(RESPONSE_SUFFIX):
                request = name[: -len(RESPONSE_SUFFIX)]
                self.documents.append(Document(name, request if request in xml else None))
            elif name + RESPONSE_SUFFIX not in xml:
                self.documents.append(Document(name, None))
            # else: a request; read when its response is.

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        return (self.path / name).open("rb")

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Export:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
