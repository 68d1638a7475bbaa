"""A lean HTTP/1.1 transport for the Webex API: h11 over asyncio streams, keep-alive.

The loader is CPU-bound with 20 requests in flight, and httpx's default transport
(httpcore over anyio) spent most of that CPU: every request walks the pool's
connections, asks each idle socket for its peer address and readability, and
wraps every read and write in cancel scopes (about 1 ms of CPU per request,
measured against the served sandbox). The Webex API needs none of what that
machinery buys: one origin, HTTP/1.1, small JSON bodies. The protocol itself
(framing, chunked bodies, keep-alive rules) is h11's, the parser httpcore uses;
this module only keeps the idle connections and maps errors to httpx's. Proxies
are not handled here: where one is configured the client keeps httpx's own
transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterable
from typing import Any

import h11
import httpx

# Kept-alive connections idle longer than this are closed rather than reused (httpx's
# default): a server that dropped one meanwhile would fail the next request sent on it.
KEEPALIVE_S = 5.0
READ_SIZE = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
NO_BODY_STATUS = frozenset({204, 304})

Origin = tuple[str, str, int]


class _Connection:
    __slots__ = ("h11", "idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0
        self.h11 = h11.Connection(h11.CLIENT)

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
        h11c = connection.h11
        out = h11c.send(
            h11.Request(
                method=request.method, target=request.url.raw_path, headers=request.headers.raw
            )
        )
        if body:
            out += h11c.send(h11.Data(data=body))
        out += h11c.send(h11.EndOfMessage())
        try:
            connection.writer.write(out)
            async with asyncio.timeout(self._timeout.read):
                return await self._read_response(connection, request)
        except TimeoutError:
            raise httpx.ReadTimeout("no response in time", request=request) from None
        except h11.RemoteProtocolError as err:
            raise httpx.RemoteProtocolError(str(err), request=request) from None
        except (ConnectionError, OSError) as err:
            raise httpx.ReadError(f"connection lost ({err})", request=request) from None

    @staticmethod
    async def _read_response(
        connection: _Connection, request: httpx.Request
    ) -> tuple[httpx.Response, bool]:
        h11c, reader = connection.h11, connection.reader
        head: h11.Response | None = None
        parts: list[bytes] = []
        while True:
            event = h11c.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(READ_SIZE)
                if not data and h11c.their_state is h11.SEND_RESPONSE:
                    raise httpx.RemoteProtocolError(
                        "server disconnected without sending a response", request=request
                    )
                h11c.receive_data(data)
            elif isinstance(event, h11.Response):
                head = event
            elif isinstance(event, h11.Data):
                parts.append(bytes(event.data))
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                break
        assert head is not None
        reusable = h11c.our_state is h11.DONE and h11c.their_state is h11.DONE
        if reusable:
            h11c.start_next_cycle()
        response = httpx.Response(
            head.status_code,
            headers=head.headers.raw_items(),
            content=b"".join(parts),
            request=request,
            extensions={
                "http_version": b"HTTP/" + head.http_version,
                "reason_phrase": head.reason,
            },
        )
        return response, reusable

    async def aclose(self) -> None:
        self._closed = True
        connections = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        await _close_all(connections)


async def _close_all(connections: Iterable[_Connection]) -> None:
    waits: list[Any] = []
    for connection in connections:
        connection.close()
        waits.append(connection.writer.wait_closed())
    for wait in waits:
        # Closing anyway: a peer that went first changes nothing.
        with contextlib.suppress(OSError, ssl.SSLError):
            await wait
