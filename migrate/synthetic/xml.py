"""OCI-P document text: the envelope, commands, error responses and tables."""

from __future__ import annotations

from collections.abc import Iterable

HEAD = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<BroadsoftDocument protocol="OCI" xmlns="C" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<sessionId xmlns="">{session}</sessionId>\n'
)
TAIL = "</BroadsoftDocument>\n"


def esc(text: str) -> str:
    """Text content escaping; ids are built from safe characters and skip this."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def req(xtype: str, body: str) -> str:
    return f'<command xsi:type="{xtype}" xmlns="">{body}</command>\n'


def resp(xtype: str, body: str, prefixed: bool = False) -> str:
    if prefixed:
        return f'<command echo="" xsi:type="c:{xtype}" xmlns:c="C" xmlns="">{body}</command>\n'
    return f'<command echo="" xsi:type="{xtype}" xmlns="">{body}</command>\n'


def error(summary: str, code: int | None) -> str:
    code_element = f"<errorCode>{code}</errorCode>" if code is not None else ""
    return (
        '<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns="">'
        f"{code_element}<summary>{summary}</summary><summaryEnglish>{summary}</summaryEnglish>"
        "</command>\n"
    )


def table(tag: str, heads: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """An OCI table; empty cells are written ``<col/>`` as servers do."""
    head = "".join(["<colHeading>", "</colHeading><colHeading>".join(heads), "</colHeading>"])
    body = "".join(["<row><col>" + "</col><col>".join(row) + "</col></row>" for row in rows])
    return f"<{tag}>{head}{body.replace('<col></col>', '<col/>')}</{tag}>"
