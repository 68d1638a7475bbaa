"""Location schedules: looked up by type and name in their location, created with their
events, deleted on rollback (after the auto attendants that use them: Webex refuses to
delete a schedule in use, and rollback undoes the newest first)."""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, look_create_look
from migrate.plan.actions import CREATE_SCHEDULE, FEATURE_DELETES, Action
from migrate.webex import Webex, WebexNotFound

DELETE_SCHEDULE = FEATURE_DELETES["schedule"]


async def create_schedule(ctx: Context, payload: dict[str, Any]) -> Result:
    schedules = ctx.webex.schedules
    org_id, location_id = payload["orgId"], payload["locationId"]
    body: dict[str, Any] = payload["body"]

    async def lookup() -> str | None:
        found = await schedules.find(org_id, location_id, body["type"], body["name"])
        return None if found is None else str(found["id"])

    async def create() -> str:
        return await schedules.create(org_id, location_id, body)

    schedule_id, adopted = await look_create_look(ctx, lookup, create)
    return {"id": schedule_id, "orgId": org_id, "locationId": location_id}, adopted


async def delete_schedule(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # gone already: the goal is reached
        await ctx.webex.schedules.delete(
            inverse["orgId"], inverse["locationId"], inverse["body"]["type"], inverse["id"]
        )
    return {}, False


async def read_schedule(
    webex: Webex, org_id: str, location_id: str, schedule_id: str, action: Action
) -> dict[str, Any]:
    """Verify's read: the schedule with its events, as Webex has it."""
    return await webex.schedules.get(
        org_id, location_id, action.payload["body"]["type"], schedule_id
    )


CREATE = Handler(CREATE_SCHEDULE, create_schedule, inverse=DELETE_SCHEDULE)
DELETE = Handler(DELETE_SCHEDULE, delete_schedule, requires=("orgId", "locationId", "id"))
