"""Subscribers: looked up by customer and email, provisioned, updated, removed on rollback.

An update changes the package through the Wholesale API and the person's
names, email, location, number and extension through the People API
(``callingData=true``); its inverse is the same update back.

A subscriber whose existing Webex account must first be moved waits for the
user's consent (``pending_user_migration``): the action is parked. A person
already in an org the customer was attached to is adopted, not created.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load import journal as jr
from migrate.load.handlers.base import Context, Handler, Outcome, Result, look_create_look
from migrate.load.handlers.customer import existing_org
from migrate.load.handlers.numbers import present_numbers
from migrate.load.holds import PARKED_SUBSCRIBER as PARKED_SUBSCRIBER
from migrate.plan.actions import CREATE_SUBSCRIBER, REMOVE_SUBSCRIBER, UPDATE_SUBSCRIBER
from migrate.webex import WebexNotFound
from migrate.webex.models import Subscriber, SubscriberUpdateRequest


async def create_subscriber(ctx: Context, payload: dict[str, Any]) -> Result:
    body = payload["body"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    wholesale = ctx.webex.wholesale

    async def lookup() -> Subscriber | None:
        return await wholesale.find_subscriber(
            body["customerId"], body["email"], on_behalf_of=on_behalf
        )

    async def create() -> Subscriber:
        return await wholesale.provision_subscriber(body, on_behalf_of=on_behalf)

    org_id = existing_org(ctx)
    found: Subscriber | None = None
    adopted = False
    if org_id is not None and not ctx.sent:
        # A person of an org that was there before is adopted: the provisioning only
        # gives them their package, and rollback leaves them (no create_sent).
        found = await lookup()
        adopted = found is not None
        if found is None and await _person_exists(ctx, org_id, body["email"]):
            found, adopted = await create(), True
    if found is None:
        made, adopted = await look_create_look(ctx, lookup, create)
        found = made
    result = {
        "subscriberId": found.id,
        "personId": found.person_id,
        "customerId": body["customerId"],
    }
    if found.status == PARKED_SUBSCRIBER:
        raise Outcome(
            jr.PARKED,
            "waiting for the user to accept the move of an existing Webex account (consent email)",
            PARKED_SUBSCRIBER,
            "parked",
            result=result,
        )
    return result, adopted


async def _person_exists(ctx: Context, org_id: str, email: str) -> bool:
    async for person in ctx.webex.people.list_people(org_id, calling_data=False, email=email):
        if any(e.casefold() == email.casefold() for e in person.emails):
            return True
    return False


async def remove_subscriber(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # already gone: the goal is reached
        await ctx.webex.wholesale.remove_subscriber(inverse["subscriberId"])
    return {}, False


_PERSON = ("email", "firstName", "lastName", "locationId", "phoneNumber", "extension")


def _person_body(wire: dict[str, Any]) -> dict[str, Any]:
    first, last = wire.get("firstName") or "", wire.get("lastName") or ""
    body: dict[str, Any] = {
        "emails": [wire["email"]],
        "firstName": first,
        "lastName": last,
        "displayName": f"{first} {last}".strip() or wire["email"],
    }
    if wire.get("locationId"):  # a calling user: Webex replaces the calling data too
        body["locationId"] = wire["locationId"]
        body["extension"] = wire.get("extension")
        number = wire.get("phoneNumber")
        body["phoneNumbers"] = [{"type": "work", "value": number}] if number else []
    return body


async def _move_numbers(ctx: Context, payload: dict[str, Any]) -> None:
    """The user lets go of its number, the number moves location, then the user takes it.

    Each step looks first, so a run that died halfway picks up where it stopped.
    """
    org_id, person_id = payload["orgId"], payload["personId"]
    released = {**payload["before"], "phoneNumber": None}
    await ctx.webex.calling.update_person(org_id, person_id, _person_body(released))
    for move in payload["moveNumbers"]:
        number = move["number"]
        if number in await present_numbers(ctx, org_id, move["from"]):
            await ctx.webex.calling.remove_numbers(org_id, move["from"], [number])
        if number not in await present_numbers(ctx, org_id, move["to"]):
            await ctx.webex.calling.add_numbers(
                org_id, move["to"], [number], state=move.get("state") or "ACTIVE"
            )


async def update_subscriber(ctx: Context, payload: dict[str, Any]) -> Result:
    before, after = payload["before"], payload["after"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    becomes_calling = not before.get("locationId") and bool(after.get("locationId"))
    if payload.get("moveNumbers"):
        await _move_numbers(ctx, payload)
    if before["package"] != after["package"]:
        body: SubscriberUpdateRequest = {"packages": [after["package"]]}
        if becomes_calling:  # the Wholesale PUT places a user that had no calling
            body["provisioningParameters"] = {  # type: ignore[typeddict-item]
                k: v
                for k, v in {
                    "locationId": after["locationId"],
                    "primaryPhoneNumber": after.get("phoneNumber"),
                    "extension": after.get("extension"),
                }.items()
                if v
            }
        await ctx.webex.wholesale.update_subscriber(
            payload["subscriberId"], body, on_behalf_of=on_behalf
        )
    changed = [name for name in _PERSON if before.get(name) != after.get(name)]
    placed = becomes_calling and set(changed) <= {"locationId", "phoneNumber", "extension"}
    if payload.get("moveNumbers") or (changed and not placed):
        await ctx.webex.calling.update_person(
            payload["orgId"], payload["personId"], _person_body(after)
        )
    return {"subscriberId": payload["subscriberId"], "personId": payload["personId"]}, False


CREATE = Handler(CREATE_SUBSCRIBER, create_subscriber, inverse=REMOVE_SUBSCRIBER)
REMOVE = Handler(REMOVE_SUBSCRIBER, remove_subscriber, requires=("subscriberId",))
UPDATE = Handler(
    UPDATE_SUBSCRIBER,
    update_subscriber,
    inverse=UPDATE_SUBSCRIBER,
    requires=("subscriberId", "personId", "orgId"),
)
