"""Which Webex a stage talks to: the embedded sandbox or a real base URL.

The choice is made here, above the client and the loader, so that neither
knows which Webex it is talking to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from migrate.config import load_config
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.stages.settings import Settings
from migrate.webex import Webex

Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


@asynccontextmanager
async def open_webex(
    settings: Settings, wrap: Wrap | None = None, **client_options: Any
) -> AsyncIterator[Webex]:
    """``--sandbox`` (in-process, its state kept in the workspace between commands, and
    the ``sub_partner_org_id`` of ``migrate.toml`` registered) or ``--api-url``.
    ``wrap`` puts a transport in front of the real one (the dry-run's, which lets reads
    through and keeps writes back).
    """
    if not settings.sandbox:
        if wrap is not None:
            client_options["transport"] = wrap(httpx.AsyncHTTPTransport())
        async with Webex(settings.api_url, **client_options) as webex:
            yield webex
        return
    ws = settings.ws
    ws.ensure()
    sandbox = Sandbox(state_file=ws.sandbox_state)
    # Cisco sets sub-partners up, never the API: the rehearsal knows the configured one,
    # so that a sub-partner migration rehearses as it will run.
    sub_partner = load_config(settings.config).sub_partner_org_id
    if sub_partner:
        sandbox.add_sub_partner(org_id=sub_partner)
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
