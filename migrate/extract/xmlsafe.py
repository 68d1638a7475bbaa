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


def iter_commands(stream: IO[bytes]) -> Iterator[etree._Element]:
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
            yield from iter_commands(io.BytesIO(inner))
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
    parser = etree.XMLParser(**PARSER_OPTIONS)
    tree = etree.parse(stream, parser)
    refuse_dtd(tree)
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
