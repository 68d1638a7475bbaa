"""Numbers: added to a location (only those not there yet), removed on rollback.

A number is the load's when it was missing at the first look or was in an
add the journal says was sent (an add whose answer was lost, or a run killed
after sending it); the others were there before and are adopted.
"""

from __future__ import annotations

from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, look_create_look
from migrate.plan.actions import ADD_NUMBERS, REMOVE_NUMBERS, UPDATE_NUMBERS
from migrate.webex import WebexNotFound


async def present_numbers(ctx: Context, org_id: str, location_id: str) -> set[str]:
    calling = ctx.webex.calling
    return {n.phone_number async for n in calling.list_numbers(org_id, location_id=location_id)}


async def add_numbers(ctx: Context, payload: dict[str, Any]) -> Result:
    org_id, location_id = payload["orgId"], payload["locationId"]
    wanted = list(payload["body"]["phoneNumbers"])
    sent_before = {n for numbers in ctx.sent for n in (numbers or [])}
    before = await present_numbers(ctx, org_id, location_id)
    missing = [n for n in wanted if n not in before]

    async def all_there() -> bool | None:
        return True if set(wanted) <= await present_numbers(ctx, org_id, location_id) else None

    async def add() -> bool:
        now = await present_numbers(ctx, org_id, location_id)
        todo = [n for n in wanted if n not in now]  # after a lost answer: only the rest
        # Numbers inactive in BroadWorks go in inactive whatever the load's state.
        dark = set(payload.get("inactive") or ())
        state = payload["body"].get("state", "ACTIVE")
        for group_state, group in (
            (state, [n for n in todo if n not in dark]),
            ("INACTIVE", [n for n in todo if n in dark]),
        ):
            if group:
                await ctx.webex.calling.add_numbers(org_id, location_id, group, state=group_state)
        return True

    if missing:
        await look_create_look(ctx, all_there, add, detail=lambda: missing)
    ours = [n for n in wanted if n in missing or n in sent_before]
    return {
        "added": ours,
        "adopted": [n for n in wanted if n not in ours],
        "locationId": location_id,
    }, not ours


async def remove_numbers(ctx: Context, inverse: dict[str, Any]) -> Result:
    org_id, location_id = inverse["orgId"], inverse["locationId"]
    numbers = list(inverse.get("phoneNumbers") or [])
    if not numbers:
        return {}, False
    try:
        await ctx.webex.calling.remove_numbers(org_id, location_id, numbers)
    except WebexNotFound:
        # Some are gone already (a repeat of a removal whose answer was lost): the rest.
        left = await present_numbers(ctx, org_id, location_id)
        rest = [n for n in numbers if n in left]
        if rest:
            await ctx.webex.calling.remove_numbers(org_id, location_id, rest)
    return {}, False


ADD = Handler(ADD_NUMBERS, add_numbers, inverse=REMOVE_NUMBERS)
REMOVE = Handler(REMOVE_NUMBERS, remove_numbers, requires=("orgId", "locationId"))
# Numbers a later plan added to a location: the same look-add-look, only those numbers.
UPDATE = Handler(UPDATE_NUMBERS, add_numbers, inverse=REMOVE_NUMBERS)
