"""Logged-in OCI-P sessions, a few at a time, paced and reconnecting.

The password is read once from the environment by the caller and lives only
in :class:`Login`; it is never logged, saved or put in an error message.
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
import time
from contextlib import suppress
from dataclasses import dataclass, field

from migrate.errors import InputError, PreconditionError
from migrate.extract.oci.wire import (
    Answer,
    Channel,
    Dropped,
    command_xml,
    document,
    read_answer,
    signed_password,
)

OCI_PORT = 2208
OCI_TLS_PORT = 2209


@dataclass(frozen=True)
class Login:
    user: str
    password: str = field(repr=False)
    # "signed": AuthenticationRequest + LoginRequest14sp4; "plain": LoginRequest22V5.
    flow: str = "signed"


@dataclass
class Target:
    host: str
    port: int
    tls: ssl.SSLContext | None = None
    timeout: float = 60.0
    connect_timeout: float = 10.0
    retries: int = 5


def parse_host(value: str, tls: bool) -> tuple[str, int]:
    """``HOST[:PORT]`` (``[v6]:PORT`` too); the port defaults to 2208, or 2209 with TLS."""
    default = OCI_TLS_PORT if tls else OCI_PORT
    host, port = value, ""
    if value.startswith("["):
        host, _sep, rest = value[1:].partition("]")
        port = rest.removeprefix(":")
    elif value.count(":") == 1:
        host, port = value.split(":")
    if not host:
        raise InputError(f"--from-oci {value}: no host")
    if not port:
        return host, default
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--from-oci {value}: the port must be a number from 1 to 65535")
    return host, int(port)


class Pacer:
    """At most ``rate`` requests a second across all sessions (0: no cap)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


class Session:
    """One connection, logged in; reconnects and logs in again when it drops."""

    def __init__(self, target: Target, login: Login, pacer: Pacer) -> None:
        self._target = target
        self._login = login
        self._pacer = pacer
        self._channel: Channel | None = None
        self._id = ""
        self.reconnects = 0

    async def _connect(self) -> Channel:
        target = self._target
        channel = await Channel.open(target.host, target.port, target.tls, target.connect_timeout)
        self._id = f"bw2wholesale,{secrets.token_hex(8)}"
        try:
            await self._authenticate(channel)
        except BaseException:
            channel.close()
            raise
        return channel

    async def _authenticate(self, channel: Channel) -> None:
        login, timeout = self._login, self._target.timeout
        if login.flow == "plain":
            request = command_xml(
                "LoginRequest22V5", [("userId", login.user), ("password", login.password)]
            )
        else:
            asked = command_xml("AuthenticationRequest", [("userId", login.user)])
            nonce = read_answer(await channel.exchange(document(self._id, asked), timeout))
            if nonce.is_error or not nonce.fields.get("nonce"):
                raise PreconditionError(
                    f"{self._where}: AuthenticationRequest refused: {nonce.summary or nonce.type}"
                )
            signed = signed_password(nonce.fields["nonce"], login.password)
            request = command_xml(
                "LoginRequest14sp4", [("userId", login.user), ("signedPassword", signed)]
            )
        answer = read_answer(await channel.exchange(document(self._id, request), timeout))
        if answer.is_error or not answer.type.startswith("LoginResponse"):
            # The server's words only: they never echo the password.
            raise PreconditionError(
                f"{self._where}: login as {login.user} refused: {answer.summary or answer.type}"
            )

    @property
    def _where(self) -> str:
        return f"{self._target.host}:{self._target.port}"

    async def ask(self, command: str) -> tuple[bytes, Answer]:
        """Send one request command; ``(request document, answer)``. Retries a dropped session."""
        attempt = 0
        while True:
            await self._pacer.wait()
            try:
                if self._channel is None:
                    self._channel = await self._connect()
                request = document(self._id, command)
                raw = await self._channel.exchange(request, self._target.timeout)
                return request, read_answer(raw)
            except Dropped as err:
                self.close()
                attempt += 1
                if attempt > self._target.retries:
                    raise Dropped(f"{self._where}: {err} ({attempt} attempts)") from None
                self.reconnects += 1
                await asyncio.sleep(min(0.05 * 2**attempt, 5.0))

    def close(self) -> None:
        if self._channel is not None:
            with suppress(Exception):
                self._channel.close()
            self._channel = None


class Pool:
    """``size`` sessions; ``ask`` borrows one, so at most ``size`` requests are in flight."""

    def __init__(self, target: Target, login: Login, size: int, max_rps: float) -> None:
        pacer = Pacer(max_rps)
        self._free: asyncio.Queue[Session] = asyncio.Queue()
        self._sessions = [Session(target, login, pacer) for _ in range(max(1, size))]
        for session in self._sessions:
            self._free.put_nowait(session)

    async def ask(self, command: str) -> tuple[bytes, Answer]:
        session = await self._free.get()
        try:
            return await session.ask(command)
        finally:
            self._free.put_nowait(session)

    @property
    def reconnects(self) -> int:
        return sum(s.reconnects for s in self._sessions)

    def close(self) -> None:
        for session in self._sessions:
            session.close()
