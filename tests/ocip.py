"""Build OCI-P documents for tests, following the protocol facts of the research notes.

Namespaces as servers send them: ``BroadsoftDocument`` in the default
namespace ``C``, ``command`` reset to no namespace, ``xsi:type`` naming the
command (core responses prefixed ``c:``), ISO-8859-1 declared and used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def el(name: str, value: object = None, **children: object) -> str:
    if value is None and not children:
        return f"<{name}/>"
    inner = escape(str(value)) if value is not None else ""
    inner += "".join(el(k, v) for k, v in children.items())
    return f"<{name}>{inner}</{name}>"


def table(name: str, headings: Sequence[str], rows: Sequence[Sequence[str | None]]) -> str:
    head = "".join(f"<colHeading>{escape(h)}</colHeading>" for h in headings)
    body = "".join(
        "<row>"
        + "".join("<col/>" if c is None else f"<col>{escape(c)}</col>" for c in row)
        + "</row>"
        for row in rows
    )
    return f"<{name}>{head}{body}</{name}>"


def command(xsi_type: str, body: str = "", prefix: bool = False, **attrs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    if prefix:
        return f'<command xsi:type="c:{xsi_type}" xmlns:c="C" xmlns=""{extra}>{body}</command>'
    return f'<command xsi:type="{xsi_type}" xmlns=""{extra}>{body}</command>'


def document(*commands: str, encoding: str = "ISO-8859-1") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="{XSI}">'
        '<sessionId xmlns="">10.0.0.1,1743299062,1496154334750</sessionId>'
        + "".join(commands)
        + "</BroadsoftDocument>\n"
    )
    return text.encode(encoding)


def write_pair(
    folder: Path,
    name: str,
    requests: Sequence[str],
    responses: Sequence[str],
    encoding: str = "ISO-8859-1",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    request = folder / f"{name}.xml"
    request.write_bytes(document(*requests, encoding=encoding))
    (folder / f"{name}.xml.response.xml").write_bytes(document(*responses, encoding=encoding))
    return request


def error_response(summary: str, code: int | None = None, kind: str = "Error") -> str:
    body = (
        (el("errorCode", code) if code is not None else "")
        + el("summary", summary)
        + el("summaryEnglish", summary)
    )
    return command("ErrorResponse", body, prefix=True, type=kind)
