"""OCI-P over TCP (optionally TLS): one document out, one document back, and login.

Documents are sent back to back and each ends with ``</BroadsoftDocument>``,
which is how a reader finds the end of a response. The raw response bytes
are kept as received: the export saves them unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from migrate.extract.xmlsafe import PARSER_OPTIONS

END = b"</BroadsoftDocument>"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_TYPE = f"{{{XSI}}}type"
MAX_RESPONSE = 512 * 1024 * 1024  # a user list of a huge group is big, but not this big
_PARSER = etree.XMLParser(**PARSER_OPTIONS)


class OciError(Exception):
    """The server answered ``ErrorResponse`` where the walk cannot go on (login)."""


class Dropped(ConnectionError):
    """The connection closed or timed out before the whole response came back."""


def signed_password(nonce: str, password: str) -> str:
    """md5(nonce ":" sha1(password)), lower-case hex, as BroadWorks signs passwords."""
    # The protocol fixes both hashes; they are not ours to choose.
    digest = hashlib.sha1(password.encode("utf-8")).hexdigest().lower()  # noqa: S324
    return hashlib.md5(f"{nonce}:{digest}".encode()).hexdigest().lower()  # noqa: S324


def command_xml(type_name: str, fields: list[tuple[str, str | list[tuple[str, str]]]]) -> str:
    """A request command; a field's value is text, or nested ``(name, text)`` children."""
    body = []
    for name, value in fields:
        if isinstance(value, str):
            body.append(f"<{name}>{escape(value)}</{name}>")
        else:
            inner = "".join(f"<{n}>{escape(v)}</{n}>" for n, v in value)
            body.append(f"<{name}>{inner}</{name}>")
    return f'<command xsi:type="{type_name}" xmlns="">{"".join(body)}</command>'


def document(session: str, command: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="{XSI}">'
        f'<sessionId xmlns="">{escape(session)}</sessionId>{command}</BroadsoftDocument>\n'
    ).encode()


@dataclass(frozen=True)
class Answer:
    raw: bytes  # the response document as received
    type: str  # xsi:type of the first command, prefix stripped
    summary: str  # an ErrorResponse's summary, else ""
    fields: dict[str, str]  # leaf elements of the first command

    @property
    def is_error(self) -> bool:
        return self.type == "ErrorResponse"


def read_answer(raw: bytes) -> Answer:
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as err:
        # Retried like a dropped connection: a cut or garbled stream looks the same.
        raise Dropped(f"a malformed response: {err}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise Dropped("the response declares a DTD; refused")
    for child in root:
        if type(child.tag) is str and child.tag.rsplit("}", 1)[-1] == "command":
            kind = (child.get(XSI_TYPE) or "").rsplit(":", 1)[-1]
            fields = {
                c.tag.rsplit("}", 1)[-1]: (c.text or "").strip()
                for c in child
                if type(c.tag) is str and not len(c)
            }
            summary = fields.get("summaryEnglish") or fields.get("summary") or ""
            return Answer(raw, kind, summary if kind == "ErrorResponse" else "", fields)
    raise Dropped("the response holds no command")


class Channel:
    """One OCI-P connection: send a document, read the one that answers it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._buffer = b""

    @classmethod
    async def open(
        cls, host: str, port: int, tls: ssl.SSLContext | None, timeout: float
    ) -> Channel:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=tls, limit=1 << 20), timeout
            )
        except (TimeoutError, OSError) as err:
            raise Dropped(f"cannot connect to {host}:{port}: {err}") from err
        return cls(reader, writer)

    async def exchange(self, request: bytes, timeout: float) -> bytes:
        try:
            self._writer.write(request)
            await self._writer.drain()
            return await asyncio.wait_for(self._read_document(), timeout)
        except TimeoutError as err:
            raise Dropped(f"no answer within {timeout:g}s") from err
        except OSError as err:
            raise Dropped(str(err)) from err

    async def _read_document(self) -> bytes:
        searched = 0
        while (end := self._buffer.find(END, searched)) < 0:
            searched = max(0, len(self._buffer) - len(END))
            chunk = await self._reader.read(1 << 16)
            if not chunk:
                raise Dropped("the server closed the connection")
            self._buffer += chunk
            if len(self._buffer) > MAX_RESPONSE:
                raise Dropped("a response larger than the largest one accepted")
        cut = end + len(END)
        document, self._buffer = self._buffer[:cut], self._buffer[cut:].lstrip()
        return document

    def close(self) -> None:
        self._writer.close()
