"""Numbers switched on at cutover, and off again by ``cutover --undo`` or rollback.

Exactly once: the handler reads the location's numbers first and switches
only those not yet in the wanted state, and the journal commits the numbers
(``create_sent``) before the request goes out. After a crash or a lost
answer the next run finds them active and sends nothing more, yet still
counts them as this cutover's, so the undo switches them off again.

Webex deactivates only unassigned numbers. So ``cutover --undo``, given each
number's owner from the journal (``owners``), lets the person or workspace
release its number, switches the number off, and gives it back inactive: the
customer ends staged, as the load left it, and can be cut over again. Every
decision comes from one read at the start, so a dry-run sends exactly what the
real undo sends, and a run cut short finds a released number unowned and still
gives it back. Hunt groups, queues, auto attendants and paging groups do
the same through their own update. A number owned by anything else (a user
added by hand) stays on and is named.
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


def _without(person: dict[str, Any], number: str) -> dict[str, Any]:
    kept = [p for p in person.get("phoneNumbers") or [] if p.get("value") != number]
    return {**person, "phoneNumbers": kept}


def _with(person: dict[str, Any], number: str) -> dict[str, Any]:
    others = _without(person, number)["phoneNumbers"]
    return {**person, "phoneNumbers": [{"type": "work", "value": number, "primary": True}, *others]}


def _workspace_body(owner: dict[str, Any], number: str | None) -> dict[str, Any]:
    calling = {"extension": owner.get("extension"), "locationId": owner.get("locationId")}
    if number:
        calling["phoneNumber"] = number
    return {
        "displayName": owner["displayName"],
        "locationId": owner.get("locationId"),
        "calling": {
            "type": "webexCalling",
            "webexCalling": {k: v for k, v in calling.items() if v},
        },
    }


async def _hand_over(
    ctx: Context, org_id: str, owner: dict[str, Any], number: str, *, keep: bool
) -> None:
    """The owner takes the number (``keep``) or lets it go, keeping its extension."""
    if owner["kind"] == "feature":
        body = {"phoneNumber": number if keep else None}
        await ctx.webex.calling.update_location_feature(org_id, owner["path"], body)
        return
    if owner["kind"] == "workspace":
        body = _workspace_body(owner, number if keep else None)
        await ctx.webex.devices.update_workspace(owner["id"], body)
        return
    person = await ctx.webex.calling.get_person(org_id, owner["id"])
    body = _with(person, number) if keep else _without(person, number)
    await ctx.webex.calling.update_person(org_id, owner["id"], body)


async def deactivate_numbers(ctx: Context, inverse: dict[str, Any]) -> Result:
    org_id, location_id = inverse["orgId"], inverse["locationId"]
    numbers = list(inverse.get("phoneNumbers") or [])
    if not numbers:
        return {}, False
    found = await _numbers(ctx, org_id, location_id)
    owners: dict[str, dict[str, Any]] = inverse.get("owners") or {}
    # A number removed since, or already off (a repeat after a lost answer), is left.
    active = [n for n in numbers if n in found and found[n].state == ACTIVE]
    mine = {n for n in numbers if n in found and n in owners}
    # Released here: on and held by the owner the journal names. Given back: those, and
    # any left unowned by a run cut short after the release.
    release = [n for n in active if n in mine and found[n].owner_id == owners[n]["id"]]
    give_back = [*release, *(n for n in numbers if n in mine and not found[n].owner_id)]
    for number in release:
        await _hand_over(ctx, org_id, owners[number], number, keep=False)
    todo = [n for n in active if not found[n].owner_id or n in release]
    if todo:
        await ctx.webex.calling.set_numbers_state(org_id, location_id, todo, active=False)
    for number in give_back:
        await _hand_over(ctx, org_id, owners[number], number, keep=True)
    active = [n for n in active if n not in release]
    # Webex deactivates only unassigned numbers. Rollback removes the owners and then
    # the numbers, so it passes; `cutover --undo` must say which numbers still ring.
    assigned = [n for n in active if found[n].owner_id]
    if assigned and inverse.get("assigned") == "fail":
        raise failure(
            f"Webex deactivates only unassigned numbers; {len(assigned)} stay active "
            f"(assigned to features or to owners the journal does not know): "
            f"{', '.join(assigned)}",
            "numbers_assigned",
        )
    return {}, False


ACTIVATE = Handler(ACTIVATE_NUMBERS, activate_numbers, inverse=DEACTIVATE_NUMBERS)
DEACTIVATE = Handler(DEACTIVATE_NUMBERS, deactivate_numbers, requires=("orgId", "locationId"))
