"""What call park, call pickup and paging handlers share: look up by name within the
location, create, and delete on rollback.

The name is unique per kind in a location, so a lookup before the create (and
after a lost answer) finds the one this load made instead of making a second.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, look_create_look
from migrate.webex import WebexNotFound


def handlers(kind: str, create_type: str, delete_type: str) -> tuple[Handler, Handler]:
    """The create handler of ``kind`` and its inverse."""

    async def create(ctx: Context, payload: dict[str, Any]) -> Result:
        api = ctx.webex.call_groups
        org_id, location_id = payload["orgId"], payload["locationId"]
        body: dict[str, Any] = payload["body"]

        async def lookup() -> str | None:
            return await api.find(kind, org_id, location_id, body["name"])

        async def make() -> str:
            return await api.create(kind, org_id, location_id, body)

        found, adopted = await look_create_look(ctx, lookup, make)
        return {"id": found, "orgId": org_id, "locationId": location_id}, adopted

    async def delete(ctx: Context, inverse: dict[str, Any]) -> Result:
        with contextlib.suppress(WebexNotFound):  # gone already: the goal is reached
            await ctx.webex.call_groups.delete(
                kind, inverse["orgId"], inverse["locationId"], inverse["id"]
            )
        return {}, False

    return (
        Handler(create_type, create, inverse=delete_type),
        Handler(delete_type, delete, requires=("id", "orgId", "locationId")),
    )
