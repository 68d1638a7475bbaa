"""Auto attendants: looked up by name in their location, created with both menus (their
schedules and the features their keys reach are created before them), deleted on
rollback before those."""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, look_create_look
from migrate.plan.actions import CREATE_AUTO_ATTENDANT, FEATURE_DELETES, Action
from migrate.webex import Webex, WebexNotFound

DELETE_AUTO_ATTENDANT = FEATURE_DELETES["auto_attendant"]


async def create_auto_attendant(ctx: Context, payload: dict[str, Any]) -> Result:
    attendants = ctx.webex.auto_attendants
    org_id, location_id = payload["orgId"], payload["locationId"]
    body: dict[str, Any] = payload["body"]

    async def lookup() -> str | None:
        found = await attendants.find(org_id, location_id, body["name"])
        return None if found is None else str(found["id"])

    async def create() -> str:
        return await attendants.create(org_id, location_id, body)

    attendant_id, adopted = await look_create_look(ctx, lookup, create)
    return {"id": attendant_id, "orgId": org_id, "locationId": location_id}, adopted


async def delete_auto_attendant(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # gone already: the goal is reached
        await ctx.webex.auto_attendants.delete(
            inverse["orgId"], inverse["locationId"], inverse["id"]
        )
    return {}, False


async def read_auto_attendant(
    webex: Webex, org_id: str, location_id: str, attendant_id: str, _action: Action
) -> dict[str, Any]:
    """Verify's read: the auto attendant with its schedules and menus."""
    return await webex.auto_attendants.get(org_id, location_id, attendant_id)


CREATE = Handler(CREATE_AUTO_ATTENDANT, create_auto_attendant, inverse=DELETE_AUTO_ATTENDANT)
DELETE = Handler(
    DELETE_AUTO_ATTENDANT, delete_auto_attendant, requires=("orgId", "locationId", "id")
)
