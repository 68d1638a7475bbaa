"""Reading what an answer says: its table rows, repeated elements, the type it names."""

from __future__ import annotations

import re

from lxml import etree

from migrate.extract.envelope import Table, as_list, table, text, to_data
from migrate.extract.oci.wire import XSI_TYPE, Answer
from migrate.extract.xmlsafe import PARSER_OPTIONS

_PARSER = etree.XMLParser(**PARSER_OPTIONS)


def rows(answer: Answer | None, heading: str) -> Table:
    """The rows of the response's table that has ``heading`` (none for an error)."""
    if answer is None or answer.is_error:
        return Table([], [])
    root = etree.fromstring(answer.raw, _PARSER)
    for child in root:
        if type(child.tag) is str and child.tag.rsplit("}", 1)[-1] == "command":
            data = to_data(child)
            return table(data, heading) if isinstance(data, dict) else Table([], [])
    return Table([], [])


def leaves(answer: Answer | None, name: str) -> list[str]:
    """Every ``name`` element directly under the response command (repeated elements)."""
    if answer is None or answer.is_error:
        return []
    root = etree.fromstring(answer.raw, _PARSER)
    found: list[str] = []
    for command in root:
        if type(command.tag) is str and command.tag.rsplit("}", 1)[-1] == "command":
            for child in command:
                if type(child.tag) is str and child.tag.rsplit("}", 1)[-1] == name:
                    value = (child.text or "").strip()
                    if value:
                        found.append(value)
    return found


def column(answer: Answer | None, heading: str) -> list[str]:
    values = (text(row.get(heading)) for row in rows(answer, heading))
    return list(dict.fromkeys(v for v in values if v))


def names_type(summary: str, type_name: str) -> bool:
    """Whether ``summary`` names ``type_name`` itself (not a longer version of it)."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(type_name)}(?![A-Za-z0-9])", summary) is not None


def type_of(request: bytes) -> str:
    root = etree.fromstring(request, _PARSER)
    for child in root:
        if type(child.tag) is str and child.tag.rsplit("}", 1)[-1] == "command":
            return (child.get(XSI_TYPE) or "").rsplit(":", 1)[-1]
    return ""


def schedule_keys(answer: Answer | None) -> list[tuple[str, str, str]]:
    """``(name, type, level)`` of each schedule a group's or provider's list names."""
    if answer is None or answer.is_error:
        return []
    root = etree.fromstring(answer.raw, _PARSER)
    found: list[tuple[str, str, str]] = []
    for command in root:
        if type(command.tag) is not str or command.tag.rsplit("}", 1)[-1] != "command":
            continue
        data = to_data(command)
        data = data if isinstance(data, dict) else {}
        entries = [
            (row.get("scheduleKey"), text(row.get("scheduleLevel")))
            for row in as_list(data.get("scheduleGlobalKey"))
            if isinstance(row, dict)
        ]
        entries += [(key, "Service Provider") for key in as_list(data.get("scheduleKey"))]
        for key, level in entries:
            key = key if isinstance(key, dict) else {}
            name, kind = text(key.get("scheduleName")), text(key.get("scheduleType"))
            if name and kind:
                found.append((name, kind, level or "Group"))
    return found
