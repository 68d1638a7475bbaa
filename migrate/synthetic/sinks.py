"""Where the documents of an export go (a folder or a zip), and the pair writer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from migrate.synthetic.xml import HEAD, TAIL
from migrate.synthetic.zipstream import StreamingZip

MAX_COMMANDS = 15  # OCI-P: 1 to 15 commands per document


class Sink(Protocol):
    """Where documents go: a folder or a zip."""

    def mkdir(self, rel: str) -> None: ...

    def put(self, rel: str, data: bytes) -> None: ...


class FolderSink:
    def __init__(self, root: Path) -> None:
        self.root = str(root)

    def mkdir(self, rel: str) -> None:
        os.mkdir(f"{self.root}/{rel}")

    def put(self, rel: str, data: bytes) -> None:
        with open(f"{self.root}/{rel}", "wb") as handle:
            handle.write(data)


class ZipSink:
    def __init__(self, archive: StreamingZip) -> None:
        self.archive = archive

    def mkdir(self, rel: str) -> None:
        """Zip members carry their folder in their name; nothing to create."""

    def put(self, rel: str, data: bytes) -> None:
        self.archive.write(rel, data)


class DocumentWriter:
    """Writes request/response document pairs and keeps the totals."""

    def __init__(self, sink: Sink, sp_index: int) -> None:
        self.sink = sink
        self.sp_index = sp_index
        self.documents = 0
        self.files = 0
        self.bytes_written = 0
        self._session = 0

    def write(
        self, rel: str, encoding: str, pairs: list[tuple[str, str]], lone: bool = False
    ) -> None:
        assert 1 <= len(pairs) <= MAX_COMMANDS, (rel, len(pairs))
        self._session += 1
        # host,epoch,millis like real OCI clients; unique per document of the export
        session = (
            f"10.64.{self.sp_index % 251}.7,1753862400,"
            f"{1753862400000 + self.sp_index * 1_000_000 + self._session}"
        )
        head = HEAD.format(encoding=encoding, session=session)
        codec = "iso-8859-1" if encoding == "ISO-8859-1" else "utf-8"
        response = "".join([head, *(r for _, r in pairs), TAIL]).encode(codec)
        self.sink.put(f"{rel}.response.xml", response)
        self.bytes_written += len(response)
        self.files += 1
        self.documents += 1
        if lone:
            return
        request = "".join([head, *(q for q, _ in pairs), TAIL]).encode(codec)
        self.sink.put(rel, request)
        self.bytes_written += len(request)
        self.files += 1
        self.documents += 1
