"""plan.json written as it streams: the bytes of
``json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)`` without the
document, or the list of its every token, in memory at once."""

from __future__ import annotations

import codecs
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


class PlanFormatError(ValueError):
    """A plan.json not laid out as :func:`write_json` writes it (edited by hand)."""


_CHUNK = 1 << 20
# A top-level key: a line at one space (what is nested sits deeper, and a JSON
# string cannot hold a newline).
_KEY_LINE = b'\n "'
_DECODER = json.JSONDecoder()


def read_scalars(path: Path) -> dict[str, Any]:
    """The document's values that are not lists, found without decoding the lists: a
    plan of a million users is gigabytes of them."""
    values: dict[str, Any] = {}
    keys = _keys(path)
    with path.open("rb") as handle:
        for (name, start), end in zip(keys, [k[1] for k in keys[1:]] + [None], strict=True):
            handle.seek(start)
            if handle.read(1) == b"[":
                continue
            handle.seek(start)
            raw = handle.read() if end is None else handle.read(end - start)
            values[name] = _DECODER.raw_decode(raw.decode("utf-8"))[0]
    return values


def iter_items(path: Path, key: str) -> Iterator[Any]:
    """Each item of the document's list ``key``, decoded one at a time."""
    starts = dict(_keys(path))
    if key not in starts:
        return
    decode = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        handle.seek(starts[key])
        text, at = decode.decode(handle.read(_CHUNK)), 0
        if not text.startswith("["):
            raise PlanFormatError(f"{path}: {key} is not a list")
        at = 1
        while True:
            while at < len(text) and text[at] in " \t\r\n,":
                at += 1
            if at < len(text) and text[at] == "]":
                return
            try:
                item, end = _DECODER.raw_decode(text, at)
            except json.JSONDecodeError:
                more = handle.read(_CHUNK)
                if not more:
                    raise PlanFormatError(f"{path}: {key} ends early") from None
                # The item ran past what was read: read on and decode it again.
                text, at = text[at:] + decode.decode(more), 0
                continue
            yield item
            at = end


def _keys(path: Path) -> list[tuple[str, int]]:
    """Each top-level key with the offset of its value, by a scan for key lines."""
    found: list[tuple[str, int]] = []
    with path.open("rb") as handle:
        if handle.read(1) != b"{":
            raise PlanFormatError(f"{path}: not a plan.json as `migrate plan` writes it")
        block, base = b"", 1  # base: the file offset of block[0]
        while chunk := handle.read(_CHUNK):
            block += chunk
            at = 0
            while (hit := block.find(_KEY_LINE, at)) != -1:
                colon = block.find(b'": ', hit + len(_KEY_LINE))
                if colon == -1:
                    break  # the key line goes on in the next chunk
                found.append((json.loads(block[hit + 2 : colon + 1]), base + colon + 3))
                at = colon + 3
            # What is kept may still start a key line the next chunk completes.
            keep = hit if hit != -1 else max(at, len(block) - len(_KEY_LINE) + 1)
            block, base = block[keep:], base + keep
    return found
