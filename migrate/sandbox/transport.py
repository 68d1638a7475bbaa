"""The in-process front end: httpx transports that call the sandbox app directly, no sockets."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

import httpx

from migrate.sandbox.app import SandboxApp
from migrate.sandbox.http import SandboxRequest, SandboxResponse


def _to_sandbox(request: httpx.Request, body: bytes) -> SandboxRequest:
    url = request.url
    return SandboxRequest(
        method=request.method.upper(),
        path=url.path,
        query=parse_qs(url.query.decode("ascii"), keep_blank_values=True),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        origin=f"{url.scheme}://{url.netloc.decode('ascii')}",
    )


def _to_httpx(response: SandboxResponse) -> httpx.Response:
    return httpx.Response(response.status, headers=response.headers, content=response.body)


def _timeout(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("sandbox: injected timeout, no response", request=request)


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """For ``httpx.AsyncClient(transport=...)``; latency is an ``asyncio.sleep``."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = self.app.handle(_to_sandbox(request, body))
        if response.delay > 0:
            await asyncio.sleep(response.delay)
        if response.drop:
            raise _timeout(request)
        return _to_httpx(response)


class SandboxTransport(httpx.BaseTransport):
    """For a sync ``httpx.Client``; latency is a ``time.sleep`` in the calling thread."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = self.app.handle(_to_sandbox(request, body))
        if response.delay > 0:
            time.sleep(response.delay)
        if response.drop:
            raise _timeout(request)
        return _to_httpx(response)
