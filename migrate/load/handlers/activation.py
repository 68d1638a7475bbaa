"""Numbers switched on at cutover, and off again by ``cutover --undo`` or rollback.

Exactly once: the handler reads the location's numbers first and switches
only those not yet in the wanted state, and the journal commits the numbers
(``create_sent``) before the request goes out. After a crash or a lost
answer the next run finds them active and sends nothing more, yet still
counts them as this cutover's, so the undo switches them off again. Webex
deactivates only unassigned numbers: the undo switches those off and names
the rest.
"""

from __future__ import annotations

from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, failure
from migrate.plan.actions import ACTIVATE_NUMBERS, DEACTIVATE_NUMBERS
from migrate.webex.models import PhoneNumber

ACTIVE = "ACTIVE"


async def _numbers(ctx: Context, org_id: str, location_id: str) -> dict[str, PhoneNumber]:
    calling = ctx.webex.calling
    return {n.phone_number: n async for n in calling.list_numbers(org_id, location_id=location_id)}


async def _states(ctx: Context, org_id: str, location_id: str) -> dict[str, str | None]:
    return {n: found.state for n, found in (await _numbers(ctx, org_id, location_id)).items()}


async def activate_numbers(ctx: Context, payload: dict[str, Any]) -> Result:
    org_id, location_id = payload["orgId"], payload["locationId"]
    wanted = list(payload["phoneNumbers"])
    states = await _states(ctx, org_id, location_id)
    gone = [n for n in wanted if n not in states]
    if gone:
        raise failure(f"not in the location any more: {', '.join(gone)}", "number_missing")
    sent_before = {n for numbers in ctx.sent for n in (numbers or [])}
    todo = [n for n in wanted if states[n] != ACTIVE]
    if todo:
        ctx.sending(todo)
        await ctx.webex.calling.set_numbers_state(org_id, location_id, todo, active=True)
    ours = [n for n in wanted if n in todo or n in sent_before]
    return {
        "activated": ours,
        "already_active": [n for n in wanted if n not in ours],
        "locationId": location_id,
    }, False


async def deactivate_numbers(ctx: Context, inverse: dict[str, Any]) -> Result:
    org_id, location_id = inverse["orgId"], inverse["locationId"]
    numbers = list(inverse.get("phoneNumbers") or [])
    if not numbers:
        return {}, False
    found = await _numbers(ctx, org_id, location_id)
    # A number removed since, or already off (a repeat after a lost answer), is left.
    active = [n for n in numbers if n in found and found[n].state == ACTIVE]
    todo = [n for n in active if not found[n].owner_id]
    if todo:
        await ctx.webex.calling.set_numbers_state(org_id, location_id, todo, active=False)
    # Webex deactivates only unassigned numbers. Rollback removes the owners and then
    # the numbers, so it passes; `cutover --undo` must say which numbers still ring.
    assigned = [n for n in active if found[n].owner_id]
    if assigned and inverse.get("assigned") == "fail":
        raise failure(
            f"Webex deactivates only unassigned numbers; {len(assigned)} stay active "
            f"(assigned to users or workspaces): {', '.join(assigned)}",
            "numbers_assigned",
        )
    return {}, False


ACTIVATE = Handler(ACTIVATE_NUMBERS, activate_numbers, inverse=DEACTIVATE_NUMBERS)
DEACTIVATE = Handler(DEACTIVATE_NUMBERS, deactivate_numbers, requires=("orgId", "locationId"))
