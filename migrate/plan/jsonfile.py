"""plan.json written as it streams: the bytes of
``json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)`` without the
document, or the list of its every token, in memory at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from migrate.workspace import staged_file

_ENCODER = json.JSONEncoder(indent=1, sort_keys=True, ensure_ascii=False)
_FLUSH = 1 << 20

Value = Any  # a JSON value, an iterable of items (a list), or a callable giving a value


def write_json(path: Path, document: dict[str, Value]) -> Path:
    """``document`` as ``json.dumps(..., indent=1, sort_keys=True, ensure_ascii=False)``
    writes it, with each iterator written as a list item by item; a callable is called
    when its key's turn comes, so it may count what the lists before it streamed."""
    with staged_file(path) as staging, staging.open("w", encoding="utf-8") as out:
        writer = _Writer(out)
        writer.put("{")
        for index, name in enumerate(sorted(document)):
            writer.put(("," if index else "") + "\n " + json.dumps(name, ensure_ascii=False))
            writer.put(": ")
            value = document[name]
            if callable(value):
                value = value()
            if isinstance(value, Iterator):
                first = True
                for item in value:
                    writer.put(("[" if first else ",") + "\n  ")
                    writer.put(_ENCODER.encode(item).replace("\n", "\n  "))
                    first = False
                writer.put("[]" if first else "\n ]")
            else:
                writer.put(_ENCODER.encode(value).replace("\n", "\n "))
        writer.put("\n}" if document else "}")
        writer.put("\n")
        writer.flush()
    return path


class _Writer:
    """Joins small writes into megabyte ones."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.buffer: list[str] = []
        self.size = 0

    def put(self, text: str) -> None:
        self.buffer.append(text)
        self.size += len(text)
        if self.size > _FLUSH:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer, self.size = [], 0
