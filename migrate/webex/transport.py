"""A lean HTTP/1.1 transport for the Webex API: asyncio streams, keep-alive, nothing more.

The loader is CPU-bound with 20 requests in flight, and httpx's default transport
(httpcore over anyio) spent most of that CPU: every request walks the pool's
connections, asks each idle socket for its peer address and readability, and
wraps every read and write in cancel scopes (about 1 ms of CPU per request,
measured against the served sandbox; this transport needs about a fifth of it).
The Webex API needs none of what that machinery buys: one origin, HTTP/1.1,
small JSON bodies. Proxies are not handled here: where one is configured the
client keeps httpx's own transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterable
from typing import Any

import httpx

# Kept-alive connections idle longer than this are closed rather than reused (httpx's
# default): a server that dropped one meanwhile would fail the next request sent on it.
KEEPALIVE_S = 5.0
# The longest response head read; Webex's are a few hundred bytes.
HEAD_LIMIT = 1 << 20
DEFAULT_PORTS = {"http": 80, "https": 443}
NO_BODY_STATUS = frozenset({204, 304})

Origin = tuple[str, str, int]


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        """Still open on both sides and not idle so long the server may have dropped it."""
        return (
            now - self.idle_since < KEEPALIVE_S
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        self.writer.close()


class Http11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over asyncio streams, with up to ``max_keepalive`` idle connections kept
    per origin (the client caps how many requests are in flight)."""

    def __init__(
        self,
        *,
        timeout: httpx.Timeout,
        max_keepalive: int = 20,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._timeout = timeout
        self._max_keepalive = max_keepalive
        self._ssl_context = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._closed = False

    def _ssl(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            # httpx's own (certifi, SSL_CERT_FILE): the same trust as its transport.
            self._ssl_context = httpx.create_ssl_context()
        return self._ssl_context

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported scheme {scheme!r}", request=request)
        origin = (scheme, url.host, url.port or DEFAULT_PORTS[scheme])
        loop = asyncio.get_running_loop()
        connection = self._reuse(origin, loop.time())
        if connection is None:
            connection = await self._connect(origin, request)
        try:
            response, reusable = await self._exchange(connection, request)
        except BaseException:
            connection.close()
            raise
        if reusable and not self._closed:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < self._max_keepalive:
                connection.idle_since = loop.time()
                idle.append(connection)
                return response
        connection.close()
        return response

    def _reuse(self, origin: Origin, now: float) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()  # the most recently used: least likely to be dropped
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin, request: httpx.Request) -> _Connection:
        scheme, host, port = origin
        secure = scheme == "https"
        try:
            async with asyncio.timeout(self._timeout.connect):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=self._ssl() if secure else None,
                    server_hostname=host if secure else None,
                    limit=HEAD_LIMIT,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"connecting to {host}:{port} timed out") from None
        except (OSError, ssl.SSLError) as err:
            raise httpx.ConnectError(f"cannot connect to {host}:{port} ({err})") from None
        return _Connection(reader, writer)

    async def _exchange(
        self, connection: _Connection, request: httpx.Request
    ) -> tuple[httpx.Response, bool]:
        body = request.content if isinstance(request.stream, httpx.ByteStream) else None
        if body is None:
            body = await request.aread()
        head = b"".join(
            (
                request.method.encode("ascii"),
                b" ",
                request.url.raw_path,
                b" HTTP/1.1\r\n",
                *(name + b": " + value + b"\r\n" for name, value in request.headers.raw),
                b"\r\n",
            )
        )
        try:
            connection.writer.write(head + body if body else head)
            async with asyncio.timeout(self._timeout.read):
                return await self._read_response(connection.reader, request)
        except TimeoutError:
            raise httpx.ReadTimeout("no response in time", request=request) from None
        except asyncio.IncompleteReadError as err:
            what = "in the middle of a response" if err.partial else "without sending a response"
            raise httpx.RemoteProtocolError(
                f"server disconnected {what}", request=request
            ) from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("response head too long", request=request) from None
        except (ConnectionError, OSError) as err:
            raise httpx.ReadError(f"connection lost ({err})", request=request) from None

    @staticmethod
    async def _read_response(
        reader: asyncio.StreamReader, request: httpx.Request
    ) -> tuple[httpx.Response, bool]:
        while True:
            raw = await reader.readuntil(b"\r\n\r\n")
            lines = raw[:-4].decode("latin-1").split("\r\n")
            version, _, rest = lines[0].partition(" ")
            code, _, reason = rest.partition(" ")
            try:
                status = int(code)
            except ValueError:
                raise httpx.RemoteProtocolError(
                    f"not an HTTP status line: {lines[0][:80]!r}", request=request
                ) from None
            if not 100 <= status < 200:  # informational heads come before the real one
                break
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise httpx.RemoteProtocolError(f"bad header line {line[:80]!r}", request=request)
            headers.append((name.strip(), value.strip()))
        fields = {name.lower(): value for name, value in headers}
        connection = fields.get("connection", "").lower()
        reusable = (
            "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        )
        if request.method == "HEAD" or status in NO_BODY_STATUS:
            content = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            content = await _read_chunked(reader, request)
        elif "content-length" in fields:
            try:
                length = int(fields["content-length"])
            except ValueError:
                raise httpx.RemoteProtocolError("bad Content-Length", request=request) from None
            content = await reader.readexactly(length)
        else:  # delimited by the server closing the connection
            content = await reader.read()
            reusable = False
        response = httpx.Response(
            status,
            headers=headers,
            content=content,
            request=request,
            extensions={"http_version": version.encode("ascii"), "reason_phrase": reason.encode()},
        )
        return response, reusable

    async def aclose(self) -> None:
        self._closed = True
        connections = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        await _close_all(connections)


async def _read_chunked(reader: asyncio.StreamReader, request: httpx.Request) -> bytes:
    parts: list[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise httpx.RemoteProtocolError("bad chunk size", request=request) from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers: nothing the client reads
            return b"".join(parts)
        parts.append((await reader.readexactly(size + 2))[:-2])


async def _close_all(connections: Iterable[_Connection]) -> None:
    waits: list[Any] = []
    for connection in connections:
        connection.close()
        waits.append(connection.writer.wait_closed())
    for wait in waits:
        # Closing anyway: a peer that went first changes nothing.
        with contextlib.suppress(OSError, ssl.SSLError):
            await wait
