"""Which Webex a command talks to: the embedded sandbox or a real base URL.

With ``--sandbox`` the in-process sandbox is handed to the client as an
httpx transport, and its state lives in ``<workspace>/sandbox-state.json``
so that ``precheck``, ``load`` and ``verify`` run on the same Webex one
after another. Neither the client nor the library knows which one it got.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from migrate.cli.options import Settings
from migrate.webex import Webex

SANDBOX_STATE = "sandbox-state.json"
SANDBOX_URL = "https://sandbox.invalid/v1"
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the embedded sandbox takes any bearer


@asynccontextmanager
async def webex_for(settings: Settings, concurrency: int = 20) -> AsyncIterator[Webex]:
    if settings.sandbox:
        from migrate.sandbox import Sandbox

        settings.workspace.mkdir(parents=True, exist_ok=True)
        sandbox = Sandbox(state_file=settings.workspace / SANDBOX_STATE)
        webex = Webex(SANDBOX_URL, token=SANDBOX_TOKEN, transport=sandbox.transport(),
                      max_concurrency=concurrency)
        try:
            yield webex
        finally:
            await webex.aclose()
            sandbox.save()
        return
    webex = Webex(settings.api_url, max_concurrency=concurrency)
    try:
        yield webex
    finally:
        await webex.aclose()
