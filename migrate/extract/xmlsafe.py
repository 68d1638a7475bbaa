"""Parsing untrusted OCI-P XML: streamed, no entities, no DTD, no network.

OCI-P documents never carry a DTD, so a document that declares one is
refused before lxml sees it (that stops billion-laughs and external-entity
payloads at the door); lxml's own switches stay off as a second line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

# How far into a document a DOCTYPE can hide: it must precede the root element.
_PROLOG_LIMIT = 64 * 1024
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype")
# UTF-16/32 byte-order marks: the prolog scan cannot read those, so they are
# decoded before scanning.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


class UnsafeDocument(ValueError):
    """The document declares a DTD or entities: refused, never parsed."""


class _Replay:  # quacks like IO[bytes]: lxml only calls read()
    """A read-only stream that replays an already-read head, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def guard(stream: IO[bytes]) -> _Replay:
    """Check the prolog for DTDs and return a stream that still starts at byte 0."""
    head = stream.read(_PROLOG_LIMIT)
    probe = head
    if head.startswith(_WIDE_BOMS):
        probe = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    root_at = probe.find(b"BroadsoftDocument")
    prolog = probe if root_at < 0 else probe[:root_at]
    if any(marker in prolog for marker in _DTD_MARKERS):
        raise UnsafeDocument("declares a DTD or entities, which OCI-P documents never do; refused")
    return _Replay(head, stream)


def iter_commands(stream: IO[bytes]) -> Iterator[etree._Element]:
    """Yield each ``command`` element of a document, then free it.

    Memory stays flat however many commands a document holds: each command
    is cleared after the caller has read it, and so are its siblings.
    """
    context = etree.iterparse(guard(stream), events=("end",), tag="{*}command", **PARSER_OPTIONS)
    root_checked = False
    for _event, element in context:
        if not root_checked:
            root = element.getparent()
            if root is None or local_name(root.tag) != "BroadsoftDocument":
                raise NotOCIDocument("root element is not BroadsoftDocument")
            root_checked = True
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    if not root_checked:
        root = context.root
        inner = _soap_payload(root)
        if inner is not None:
            yield from iter_commands(io.BytesIO(inner))
            return
        if root is None or local_name(root.tag) != "BroadsoftDocument":
            raise NotOCIDocument("root element is not BroadsoftDocument")


def _soap_payload(root: etree._Element | None) -> bytes | None:
    """The OCI document a SOAP client saved inside ``processOCIMessageReturn``, if any.

    Over SOAP the document travels as an escaped string; clients that save
    the raw HTTP body keep it that way.
    """
    if root is None or local_name(root.tag) != "Envelope":
        return None
    for element in root.iter("{*}processOCIMessageReturn", "{*}processOCIMessageResponse"):
        payload = (element.text or "").strip()
        if "BroadsoftDocument" in payload:
            # The string is already decoded: drop its declaration, which may
            # name an encoding the bytes below no longer have.
            payload = re.sub(r"^<\?xml[^>]*\?>", "", payload)
            return payload.encode("utf-8")
    return None


def parse_small(stream: IO[bytes]) -> etree._Element:
    """Parse a whole (small) document, such as a request, with the same protections."""
    parser = etree.XMLParser(**PARSER_OPTIONS)
    tree = etree.parse(guard(stream), parser)  # type: ignore[arg-type]  # a stream is fine
    root = tree.getroot()
    if local_name(root.tag) != "BroadsoftDocument":
        raise NotOCIDocument("root element is not BroadsoftDocument")
    return root


class NotOCIDocument(ValueError):
    """Well-formed XML that is not an OCI-P ``BroadsoftDocument``."""


def local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag
