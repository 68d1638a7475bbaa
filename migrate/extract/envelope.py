"""From an OCI-P ``command`` element to plain Python data.

A command becomes a dict keyed by local element names: leaves are strings
(``xsi:nil`` and empty elements are ``None``), repeated elements become
lists, and an ``OCITable`` (``colHeading`` + ``row``/``col``) becomes a list
of dicts keyed by heading, because the schema lets later releases reorder
and add columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

# UserGetResponse21sp1V2, GroupGetResponse14sp7, ServiceProviderGetResponse13mp2,
# GroupAccessDeviceGetUserListResponse21sp1, UserGetResponse22V9 ...
_VERSION = re.compile(
    r"^(?P<base>.*?(?:Response|Request))(?P<version>\d+(?:sp\d+|mp\d+)?(?:V\d+)?)?$"
)
_ERROR_IN_SUMMARY = re.compile(r"\[Error (\d+)\]")


@dataclass(frozen=True)
class CommandType:
    name: str  # as in xsi:type, prefix stripped: "UserGetResponse22V5"
    base: str  # without the version suffix: "UserGetResponse"
    version: str  # "22V5", or "" for unversioned commands

    @property
    def is_request(self) -> bool:
        return self.base.endswith("Request")


def command_type(element: etree._Element) -> CommandType:
    raw = element.get(XSI_TYPE) or ""
    known = _TYPES.get(raw)
    if known is None:
        known = _TYPES[raw] = _parse_type(raw)
    return known


# An export has a few dozen distinct command types and millions of commands.
_TYPES: dict[str, CommandType] = {}


def _parse_type(raw: str) -> CommandType:
    name = raw.rsplit(":", 1)[-1].strip()
    match = _VERSION.match(name)
    if match is None:
        return CommandType(name, name, "")
    return CommandType(name, match.group("base"), match.group("version") or "")


def to_data(element: etree._Element) -> Any:
    """Convert an element's content: a string, ``None``, a dict, or a table (list of dicts).

    This runs once per element of every export, so it avoids helpers: the
    parser already dropped comments and processing instructions, and leaves
    are trimmed here so that parsers can take strings as they come.
    """
    if not len(element):
        value = element.text
        if value is None:
            return None
        value = value.strip()
        return value or None
    return _content(element)


# Local names by namespaced tag: an export uses a few hundred tags, millions of times.
_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    name = _LOCAL[tag] = tag[tag.index("}") + 1 :] if tag[0] == "{" else tag
    return name


def _content(element: etree._Element) -> Any:
    """``to_data`` of an element with children; leaves are read inline, not by a call each."""
    data: dict[str, Any] = {}
    first = True
    local = _LOCAL
    for child in element:
        tag = child.tag
        if type(tag) is not str:  # an unexpanded entity reference
            continue
        name = local.get(tag) or _local(tag)
        if first:
            if name == "colHeading":
                return _table(element)
            first = False
        if len(child):
            value = _content(child)
        else:
            value = child.text
            if value is not None:
                value = value.strip() or None
        if name in data:
            existing = data[name]
            if type(existing) is _Repeated:
                existing.append(value)
            else:
                data[name] = _Repeated([existing, value])
        else:
            data[name] = value
    return data


class _Repeated(list[Any]):
    """Marks a list built from repeated elements (as opposed to a table)."""


class Table(list[dict[str, str | None]]):
    """Rows of an OCITable keyed by heading; ``headings`` as the document gave them.

    Every cell is a trimmed string or ``None``, never structure: parsers read
    cells with ``row.get(heading)`` and need no ``text()``.
    """

    def __init__(self, headings: list[str], rows: list[dict[str, str | None]]) -> None:
        super().__init__(rows)
        self.headings = headings


def _table(element: etree._Element) -> Table:
    headings: list[str] = []
    rows: list[dict[str, str | None]] = []
    local = _LOCAL
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = local.get(tag) or _local(tag)
        if name == "colHeading":
            headings.append((child.text or "").strip())
        elif name == "row":
            values = []
            for col in child:
                value = col.text
                if value is not None:
                    value = value.strip() or None
                values.append(value)
            row = dict(zip(headings, values, strict=False))
            if len(values) < len(headings):
                for heading in headings[len(values) :]:
                    row[heading] = None
            rows.append(row)
    return Table(headings, rows)


def as_list(value: Any) -> list[Any]:
    """Repeated elements and tables as a list; a single element as a one-item list."""
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]


def text(value: Any) -> str | None:
    """A leaf value (``to_data`` already trimmed it); ``None`` for absent or structured values."""
    return value if type(value) is str else None


def boolean(value: Any) -> bool | None:
    if type(value) is not str:
        return None
    return _BOOLEANS.get(value.lower())


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def integer(value: Any) -> int | None:
    """An int, or the ``quantity`` of an ``UnboundedPositiveInt``; unlimited is ``None``."""
    if isinstance(value, dict):
        value = value.get("quantity")
    raw = text(value)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def table(data: dict[str, Any], heading: str) -> Table:
    """The table of this command that has the column ``heading``.

    Tables are found by a heading they must have, not by element name, so a
    release that renames or adds a table does not blind the parser.
    """
    for value in data.values():
        if isinstance(value, Table) and heading in value.headings:
            return value
    return Table([], [])


def error_code(data: dict[str, Any]) -> int | None:
    """The OCI error code: ``errorCode`` when present, else ``[Error NNNN]`` in the summary."""
    code = integer(data.get("errorCode"))
    if code is not None:
        return code
    for field in ("summary", "summaryEnglish", "detail"):
        match = _ERROR_IN_SUMMARY.search(text(data.get(field)) or "")
        if match:
            return int(match.group(1))
    return None
