"""OCI-P as the emulator speaks it: documents in, documents out, the login handshake.

Documents travel over TCP back to back, each ending with
``</BroadsoftDocument>``. Login follows both flows BroadWorks offers:
``AuthenticationRequest`` → nonce → ``LoginRequest14sp4`` with
md5(nonce ":" sha1(password)), or ``LoginRequest22V5`` with the password
itself (meant for TLS).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

from migrate.sandbox.broadworks.replay import Replay, base_of, keys_of, local_type

END = b"</BroadsoftDocument>"
C_NS = "C"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)
_HEAD = (
    b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    + f'<BroadsoftDocument protocol="OCI" xmlns="{C_NS}" xmlns:xsi="{XSI}">'.encode()
)
LOGIN_TYPES = frozenset(
    {"AuthenticationRequest", "LoginRequest14sp4", "LoginRequest22V5", "LogoutRequest"}
)


def signed_password(nonce: str, password: str) -> str:
    # The protocol fixes both hashes.
    digest = hashlib.sha1(password.encode("utf-8")).hexdigest().lower()  # noqa: S324
    return hashlib.md5(f"{nonce}:{digest}".encode()).hexdigest().lower()  # noqa: S324


@dataclass
class Credentials:
    user: str
    password: str | None  # None: any password is accepted (a rehearsal without secrets)

    def plain_ok(self, user: str, password: str) -> bool:
        if user != self.user:
            return False
        return self.password is None or hmac.compare_digest(password, self.password)

    def signed_ok(self, user: str, nonce: str, signed: str) -> bool:
        if user != self.user:
            return False
        return self.password is None or hmac.compare_digest(
            signed.lower(), signed_password(nonce, self.password)
        )


@dataclass
class Connection:
    """One client connection's login state."""

    nonce: str | None = None
    user: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.user is not None


@dataclass
class Asked:
    """A data request as the emulator's log keeps it (login requests are not logged)."""

    type: str
    keys: dict[str, str]
    outcome: str  # "answered", "error" (an ErrorResponse), "dropped"
    connection: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def _leaf(command: etree._Element, name: str) -> str:
    for child in command:
        if type(child.tag) is str and child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""


def _command(type_name: str, core: bool = False, **fields: str) -> etree._Element:
    element = etree.Element("command")
    element.set(f"{{{XSI}}}type", f"c:{type_name}" if core else type_name)
    element.set("echo", "")
    for name, value in fields.items():
        etree.SubElement(element, name).text = value
    return element


def error(summary: str, code: int | None = None) -> etree._Element:
    element = _command("ErrorResponse", core=True)
    element.set("type", "Error")
    if code is not None:
        etree.SubElement(element, "errorCode").text = str(code)
        summary = f"[Error {code}] {summary}"
    etree.SubElement(element, "summary").text = summary
    etree.SubElement(element, "summaryEnglish").text = summary
    return element


def parse(document: bytes) -> tuple[str, list[etree._Element]]:
    """The session id and the commands of a request document."""
    root = etree.fromstring(document, _PARSER)
    session = ""
    commands: list[etree._Element] = []
    for child in root:
        if type(child.tag) is not str:
            continue
        name = child.tag.rsplit("}", 1)[-1]
        if name == "sessionId":
            session = (child.text or "").strip()
        elif name == "command":
            commands.append(child)
    return session, commands


def render(session: str, commands: list[etree._Element]) -> bytes:
    """A response document as servers write it: ``command`` in no namespace, core types ``c:``."""
    parts = [
        _HEAD,
        b'<sessionId xmlns="">',
        escape(session).encode("ISO-8859-1", "xmlcharrefreplace"),
    ]
    parts.append(b"</sessionId>")
    for command in commands:
        raw = etree.tostring(command, encoding="ISO-8859-1", xml_declaration=False, with_tail=False)
        assert isinstance(raw, bytes)
        start = raw.split(b">", 1)[0]
        extra = b"" if b'xmlns=""' in start else b' xmlns=""'
        if b'type="c:' in start and b"xmlns:c=" not in start:
            extra += b' xmlns:c="C"'
        parts.append(raw.replace(b"<command", b"<command" + extra, 1))
    parts.append(b"</BroadsoftDocument>\n")
    return b"".join(parts)


def login(command: etree._Element, state: Connection, credentials: Credentials) -> etree._Element:
    kind = local_type(command)
    user = _leaf(command, "userId")
    if kind == "AuthenticationRequest":
        state.nonce = str(secrets.randbelow(10**13))
        return _command(
            "AuthenticationResponse", userId=user, nonce=state.nonce, passwordAlgorithm="MD5"
        )
    if kind == "LogoutRequest":
        state.user = None
        return _command("SuccessResponse", core=True)
    if kind == "LoginRequest14sp4":
        nonce, state.nonce = state.nonce, None
        if nonce is None or not credentials.signed_ok(
            user, nonce, _leaf(command, "signedPassword")
        ):
            return error("Invalid password", 4962)
        state.user = user
        return _command(
            "LoginResponse14sp4",
            loginType="System",
            locale="en_US",
            encoding="ISO-8859-1",
            passwordExpiresDays="2147483647",
        )
    if not credentials.plain_ok(user, _leaf(command, "password")):
        return error("Invalid password", 4962)
    state.user = user
    return _command(
        "LoginResponse22V5",
        loginType="System",
        locale="en_US",
        encoding="ISO-8859-1",
        isEnterprise="false",
        passwordExpiresDays="2147483647",
        userDomain="emulator.invalid",
    )


def answer(command: etree._Element, replay: Replay) -> tuple[etree._Element, Asked]:
    """The saved response for a data request, or the ErrorResponse a server would send."""
    kind = local_type(command)
    keys = keys_of(command)
    asked = Asked(kind, dict(sorted(keys)), "answered")
    if not replay.knows(kind):
        asked.outcome = "error"
        return error(f"OCI-P request type {kind} is not supported by this release", 4001), asked
    stored = replay.answer(kind, keys)
    if stored is None:
        asked.outcome = "error"
        about = ", ".join(f"{k}={v}" for k, v in sorted(keys)) or base_of(kind)
        return error(f"Not found: {about}", 4008), asked
    copy = etree.fromstring(stored, _PARSER)
    if base_of(local_type(copy)) == "ErrorResponse":
        asked.outcome = "error"
    return copy, asked
