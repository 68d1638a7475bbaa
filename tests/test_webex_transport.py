"""The client's lean HTTP/1.1 transport against scripted servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest

from migrate.webex import RetryPolicy, WebexClient, WebexTimeout
from migrate.webex.client import _api_transport
from migrate.webex.transport import Http11Transport

# One scripted answer: gets the request head and body, writes the response (or not).
Answer = Callable[[bytes, bytes, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Script:
    answers: list[Answer]
    connections: int = 0
    heads: list[bytes] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)


def ok(body: bytes, *headers: str) -> Answer:
    async def answer(_head: bytes, _body: bytes, writer: asyncio.StreamWriter) -> None:
        lines = [f"Content-Length: {len(body)}", *headers]
        writer.write(("HTTP/1.1 200 OK\r\n" + "".join(h + "\r\n" for h in lines) + "\r\n").encode())
        writer.write(body)

    return answer


def raw(data: bytes, *, close: bool = False) -> Answer:
    async def answer(_head: bytes, _body: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        if close:
            await writer.drain()
            writer.close()

    return answer


async def hang_up(_head: bytes, _body: bytes, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def silent(_head: bytes, _body: bytes, _writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(5)


@asynccontextmanager
async def scripted(*answers: Answer) -> AsyncIterator[tuple[Script, str]]:
    """A server answering each request with the next scripted answer, on any connection."""
    script = Script(list(answers))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        script.connections += 1
        try:
            while script.answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.decode().split("\r\n"):
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                body = await reader.readexactly(length)
                script.heads.append(head)
                script.bodies.append(body)
                await script.answers.pop(0)(head, body, writer)
                if writer.is_closing():
                    return
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield script, f"http://127.0.0.1:{port}"
    finally:
        server.close()


def transport(timeout: float = 2.0) -> Http11Transport:
    return Http11Transport(timeout=httpx.Timeout(timeout))


async def get(t: Http11Transport, url: str) -> httpx.Response:
    response = await t.handle_async_request(httpx.Request("GET", url))
    await response.aread()
    return response


def test_keep_alive_reuses_one_connection_and_sends_headers_and_body() -> None:
    async def go() -> None:
        async with scripted(ok(b'{"a":1}'), ok(b'{"b":2}')) as (script, url):
            t = transport()
            first = await t.handle_async_request(
                httpx.Request("POST", f"{url}/v1/x?q=1", headers={"X-Y": "z"}, json={"k": "v"})
            )
            second = await get(t, f"{url}/v1/y")
            await t.aclose()
        assert first.json() == {"a": 1} and second.json() == {"b": 2}
        assert script.connections == 1
        head = script.heads[0].decode()
        assert head.startswith("POST /v1/x?q=1 HTTP/1.1\r\n")
        assert "X-Y: z\r\n" in head and f"Host: {url.removeprefix('http://')}\r\n" in head
        assert json.loads(script.bodies[0]) == {"k": "v"}

    asyncio.run(go())


def test_chunked_gzip_and_informational_answers() -> None:
    packed = gzip.compress(b'{"items": [1, 2, 3]}')
    chunked = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        + f"{5:x};ext=1\r\n".encode()
        + packed[:5]
        + b"\r\n"
        + f"{len(packed) - 5:x}\r\n".encode()
        + packed[5:]
        + b"\r\n0\r\nX-Trailer: t\r\n\r\n"
    )

    async def go() -> None:
        async with scripted(raw(chunked), raw(b"HTTP/1.1 204 No Content\r\n\r\n")) as (
            script,
            url,
        ):
            t = transport()
            first = await get(t, f"{url}/a")
            second = await get(t, f"{url}/b")
            await t.aclose()
        assert first.status_code == 200 and first.json() == {"items": [1, 2, 3]}
        assert second.status_code == 204 and second.content == b""
        assert script.connections == 1  # both read to their end: the connection goes on

    asyncio.run(go())


def test_body_ended_by_close_and_connection_close_are_not_reused() -> None:
    async def go() -> None:
        async with scripted(
            raw(b"HTTP/1.0 200 OK\r\n\r\nuntil the end", close=True),
            ok(b"two", "Connection: close"),
            ok(b"three"),
        ) as (script, url):
            t = transport()
            bodies = [(await get(t, f"{url}/{i}")).content for i in range(3)]
            await t.aclose()
        assert bodies == [b"until the end", b"two", b"three"]
        assert script.connections == 3

    asyncio.run(go())


def test_a_kept_connection_the_server_dropped_is_not_used_again() -> None:
    async def go() -> None:
        async with scripted(
            raw(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", close=True),
            ok(b"two"),
            hang_up,
            ok(b"three"),
        ) as (script, url):
            t = transport()
            assert (await get(t, f"{url}/a")).content == b"one"
            await asyncio.sleep(0.05)  # the server's close arrives while the connection idles
            assert (await get(t, f"{url}/b")).content == b"two"
            # Dropped with the request sent: an error (it may have been acted on) ...
            with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                await get(t, f"{url}/c")
            # ... and that connection is not kept either.
            assert (await get(t, f"{url}/d")).content == b"three"
            await t.aclose()
        assert script.connections == 3

    asyncio.run(go())


def test_timeouts_and_refusals_are_httpx_errors() -> None:
    async def go() -> None:
        async with scripted(silent) as (_script, url):
            with pytest.raises(httpx.ReadTimeout):
                await get(transport(timeout=0.2), f"{url}/slow")
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(httpx.ConnectError):
            await get(transport(), f"http://127.0.0.1:{port}/gone")
        with pytest.raises(httpx.RemoteProtocolError, match="status line"):
            async with scripted(raw(b"SMTP ready\r\n\r\n")) as (_script, url):
                await get(transport(), f"{url}/x")

    asyncio.run(go())


def test_client_post_whose_answer_is_lost_is_ambiguous_and_a_get_is_repeated() -> None:
    async def go() -> None:
        async with scripted(hang_up, hang_up, ok(b'{"ok": true}')) as (script, url):
            client = WebexClient(
                url, token="t", retry=RetryPolicy(max_attempts=3, backoff_base=0.0)
            )
            with pytest.raises(WebexTimeout) as lost:
                await client.send_json("POST", "v1/things", {"a": 1})
            assert lost.value.ambiguous
            assert await client.get_json("v1/things", {"email": "a+b@x.example"}) == {"ok": True}
            await client.aclose()
        assert script.heads[-1].startswith(b"GET /v1/things?email=a%2Bb%40x.example HTTP/1.1")
        assert b"Authorization: Bearer t\r\n" in script.heads[-1]

    asyncio.run(go())


def test_a_configured_proxy_keeps_httpx_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    timeout = httpx.Timeout(5.0)
    assert isinstance(_api_transport("https://webexapis.com/v1", timeout, 4), Http11Transport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert isinstance(
        _api_transport("https://webexapis.com/v1", timeout, 4), httpx.AsyncHTTPTransport
    )
    monkeypatch.setenv("NO_PROXY", "webexapis.com")
    assert isinstance(_api_transport("https://webexapis.com/v1", timeout, 4), Http11Transport)
