"""Numbers switched on at cutover, and off again by ``cutover --undo`` or rollback.

Exactly once: the handler reads the location's numbers first and switches
only those not yet in the wanted state, and the journal commits the numbers
(``create_sent``) before the request goes out. After a crash or a lost
answer the next run finds them active and sends nothing more, yet still
counts them as this cutover's, so the undo switches them off again.
"""

from __future__ import annotations

from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, failure
from migrate.plan.actions import ACTIVATE_NUMBERS, DEACTIVATE_NUMBERS

ACTIVE = "ACTIVE"


async def _states(ctx: Context, org_id: str, location_id: str) -> dict[str, str | None]:
    calling = ctx.webex.calling
    return {
        n.phone_number: n.state async for n in calling.list_numbers(org_id, location_id=location_id)
    }


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
    states = await _states(ctx, org_id, location_id)
    # A number removed since, or already off (a repeat after a lost answer), is left.
    todo = [n for n in numbers if states.get(n) == ACTIVE]
    if todo:
        await ctx.webex.calling.set_numbers_state(org_id, location_id, todo, active=False)
    return {}, False


ACTIVATE = Handler(ACTIVATE_NUMBERS, activate_numbers, inverse=DEACTIVATE_NUMBERS)
DEACTIVATE = Handler(DEACTIVATE_NUMBERS, deactivate_numbers, requires=("orgId", "locationId"))
