"""Which Webex a command talks to: the embedded sandbox or a real base URL.

The wiring lives here, in the CLI, so that neither the client nor the
library knows which Webex it is talking to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from migrate.cli.options import Settings
from migrate.webex import Webex

SANDBOX_STATE = "sandbox-state.json"


Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


@asynccontextmanager
async def open_webex(
    settings: Settings, wrap: Wrap | None = None, **client_options: Any
) -> AsyncIterator[Webex]:
    """The Webex a stage command talks to: ``--sandbox`` (in-process, state kept in
    ``<workspace>/sandbox-state.json`` between commands) or ``--api-url``.

    The wiring lives here, in the CLI, so that neither the client nor the loader
    knows which Webex it is talking to. ``wrap`` puts a transport in front of the
    real one (the dry-run's, which lets reads through and keeps writes back).
    """
    if not settings.sandbox:
        if wrap is not None:
            client_options["transport"] = wrap(httpx.AsyncHTTPTransport())
        async with Webex(settings.api_url, **client_options) as webex:
            yield webex
        return
    from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox

    settings.workspace.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(state_file=settings.workspace / SANDBOX_STATE)
    # Never the user's real token: the sandbox has no use for it.
    client_options.setdefault("token", SANDBOX_TOKEN)
    try:
        transport: httpx.AsyncBaseTransport = sandbox.transport()
        if wrap is not None:
            transport = wrap(transport)
        async with Webex(IN_PROCESS_URL, transport=transport, **client_options) as webex:
            yield webex
    finally:
        sandbox.save()
