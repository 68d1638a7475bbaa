"""Parsing untrusted OCI-P XML: streamed, no entities, no DTD, no network.

OCI-P documents never carry a DTD, so a document that declares one is
refused. The check is structural: a DOCTYPE can only come before the root
element, so once lxml has parsed the root (or the first command) the
document's ``internalDTD`` says whether there was one, whatever the encoding
(UTF-16 with or without a byte-order mark), comments or prolog length. Up to
that point lxml's own switches keep the DTD inert: no entity is substituted,
no external subset or entity is loaded, and libxml2 caps entity
amplification, so refusing afterwards costs nothing and misses nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


OCI_ROOT = "BroadsoftDocument"


class UnsafeDocument(ValueError):
    """The document declares a DTD or entities: refused before any of its commands is read."""


_REFUSAL = "declares a DTD or entities, which OCI-P documents never do; refused"


def refuse_dtd(tree: etree._ElementTree) -> None:
    """Raise :class:`UnsafeDocument` if the document being parsed declared a DTD."""
    if tree.docinfo.internalDTD is not None:
        raise UnsafeDocument(_REFUSAL)


# Documents up to this size are parsed whole: one call into libxml2 instead
# of an event per command, and the tree is still small. Bigger ones stream.
WHOLE_DOCUMENT_MAX = 4 << 20
_WHOLE_PARSER = etree.XMLParser(**PARSER_OPTIONS)


def iter_commands(stream: IO[bytes]) -> Iterator[etree._Element]:
    """Yield each ``command`` element of a document.

    A plain document (a ``BroadsoftDocument`` root whose commands are its
    children, at most ``WHOLE_DOCUMENT_MAX`` bytes) is parsed in one go.
    Anything else (bigger, malformed, with a DTD, SOAP-wrapped, oddly
    nested) is streamed from its first byte, so what is kept and what is
    reported stay exactly those of the streamed reading.
    """
    head = _head(stream)
    if len(head) > WHOLE_DOCUMENT_MAX:
        yield from _streamed(_Prefixed(head, stream))
        return
    commands = _whole_document_commands(head)
    if commands is None:
        yield from _streamed(io.BytesIO(head))
        return
    yield from commands


def _head(stream: IO[bytes]) -> bytes:
    """Up to ``WHOLE_DOCUMENT_MAX + 1`` bytes of ``stream``.

    Read a piece at a time: one read of the whole allowance costs a buffer of
    that size for every document, and most documents are a few kilobytes.
    """
    parts: list[bytes] = []
    size = 0
    want = _FIRST_READ
    while size <= WHOLE_DOCUMENT_MAX:
        chunk = stream.read(min(want, WHOLE_DOCUMENT_MAX + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        want = 1 << 20
    return parts[0] if len(parts) == 1 else b"".join(parts)


_FIRST_READ = 1 << 16


def _whole_document_commands(data: bytes) -> list[etree._Element] | None:
    """The commands of a plain, safe, well-formed document; ``None`` for any other."""
    try:
        root = etree.fromstring(data, _WHOLE_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.getroottree().docinfo.internalDTD is not None:
        return None
    if local_name(root.tag) != OCI_ROOT:
        return None
    commands = list(root.iterchildren("{*}command"))
    nested = sum(1 for _element in root.iter("{*}command"))
    return commands if nested == len(commands) else None


class _Prefixed:
    """A stream with its first bytes already read: ``head``, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._at = 0
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        left = len(self._head) - self._at
        if not left:
            return self._stream.read(size)
        if size < 0 or size > left:
            size = left
        data = bytes(self._head[self._at : self._at + size])
        self._at += size
        return data


def _streamed(stream: Any) -> Iterator[etree._Element]:
    """Yield each ``command`` element of a document, then free it.

    Memory stays flat however many commands a document holds: each command
    is cleared after the caller has read it, and so are its siblings.
    """
    # The root's start event comes before any entity in the body is touched,
    # and after the prolog: the one place the DOCTYPE check is both early
    # enough and certain to have seen the whole prolog.
    context = etree.iterparse(
        stream, events=("start", "end"), tag=(f"{{*}}{OCI_ROOT}", "{*}command"), **PARSER_OPTIONS
    )
    dtd_checked = root_checked = False
    for event, element in _refusing_dtd(context):
        if not dtd_checked:
            refuse_dtd(element.getroottree())
            dtd_checked = True
        if event == "start" or local_name(element.tag) != "command":
            continue
        if not root_checked:
            root = element.getparent()
            if root is None or local_name(root.tag) != OCI_ROOT:
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
        if root is not None:
            refuse_dtd(root.getroottree())
        inner = _soap_payload(root)
        if inner is not None:
            yield from _streamed(io.BytesIO(inner))
            return
        if root is None or local_name(root.tag) != "BroadsoftDocument":
            raise NotOCIDocument("root element is not BroadsoftDocument")


def _refusing_dtd(context: Any) -> Iterator[tuple[str, etree._Element]]:
    """``context``'s events; a syntax error in a document with a DTD is the DTD's doing.

    libxml2 stops an entity bomb with a syntax error ("entity amplification"):
    that document is unsafe, not merely malformed.
    """
    try:
        yield from context
    except etree.XMLSyntaxError:
        root = context.root
        if root is not None:
            refuse_dtd(root.getroottree())
        raise


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
    # One parser for them all: a document never leaves state in it (lxml resets it).
    root = etree.fromstring(stream.read(), _WHOLE_PARSER)
    refuse_dtd(root.getroottree())
    if local_name(root.tag) != "BroadsoftDocument":
        raise NotOCIDocument("root element is not BroadsoftDocument")
    return root


class NotOCIDocument(ValueError):
    """Well-formed XML that is not an OCI-P ``BroadsoftDocument``."""


def local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag
