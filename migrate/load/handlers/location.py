"""Locations: looked up by name in the customer's org, created, enabled for calling.

Webex deletes a location only after its Calling is disabled: rollback lists the
inverse and leaves the location to go with its customer's removal, or, in an
org that existed before, for the engineer to remove in Control Hub.
"""

from __future__ import annotations

from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, look_create_look, not_offered
from migrate.plan.actions import CREATE_LOCATION, DELETE_LOCATION, UPDATE_LOCATION
from migrate.webex import WebexError


async def create_location(ctx: Context, payload: dict[str, Any]) -> Result:
    org_id, body = payload["orgId"], payload["body"]
    calling = ctx.webex.calling

    async def lookup() -> str | None:
        async for loc in calling.list_locations(org_id, name=body["name"]):
            if loc.name == body["name"]:
                return loc.id
        return None

    async def create() -> str:
        return await calling.create_location(org_id, body)

    location_id, adopted = await look_create_look(ctx, lookup, create)

    async def enabled() -> bool | None:
        async for loc in calling.list_calling_locations(org_id):
            if loc.id == location_id:
                return True
        return None

    async def enable() -> bool:
        try:
            request: Any = {"id": location_id, **body}
            await calling.enable_location_for_calling(org_id, request)
        except WebexError as err:
            # Enabled between our look and our request (another run): success here.
            if err.status != 409:
                raise
        return True

    await look_create_look(ctx, enabled, enable, journaled=False)
    return {"locationId": location_id, "orgId": org_id}, adopted


async def update_location(ctx: Context, payload: dict[str, Any]) -> Result:
    org_id, location_id = payload["orgId"], payload["locationId"]
    await ctx.webex.calling.update_location(org_id, location_id, payload["body"])
    return {"locationId": location_id, "orgId": org_id}, False


CREATE = Handler(CREATE_LOCATION, create_location, inverse=DELETE_LOCATION)
DELETE = not_offered(
    DELETE_LOCATION,
    "Webex deletes a location only after its Calling is disabled, which this toolkit "
    "does not do: a new customer's location goes with the customer's removal; in an "
    "existing org remove it in Control Hub",
)
UPDATE = Handler(
    UPDATE_LOCATION, update_location, inverse=UPDATE_LOCATION, requires=("orgId", "locationId")
)
