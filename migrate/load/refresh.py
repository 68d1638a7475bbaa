"""``plan --refresh``: what Webex holds now for each object the journal says exists.

Reads only. The result, by create action key, is the object's fields as Webex
shows them (only those it shows: the rest stay what the journal says), or
None when Webex no longer has the object, so the plan creates it again. A
change made in Control Hub, or an object deleted there, is then planned like
any other difference.
"""

from __future__ import annotations

from typing import Any

from migrate.load import journal as jr
from migrate.load.journal import JournalAction
from migrate.plan.actions import (
    ADD_NUMBERS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
)
from migrate.webex import Webex, WebexNotFound

Observations = dict[str, dict[str, Any] | None]


def _subject(key: str) -> str:
    return key.split(":", 1)[1]


def _locations(actions: list[JournalAction]) -> dict[str, str]:
    """Webex location id → model location id, from what the load created or found."""
    out: dict[str, str] = {}
    for a in actions:
        result = a.result or {}
        if a.state != jr.SUCCEEDED or not result.get("locationId"):
            continue
        if a.type == CREATE_LOCATION:
            out[str(result["locationId"])] = _subject(a.key)
        elif a.type == AWAIT_CUSTOMER and a.payload.get("firstLocation"):
            out[str(result["locationId"])] = str(a.payload["firstLocation"])
    return out


async def observe(webex: Webex, actions: list[JournalAction]) -> Observations:
    locations = _locations(actions)
    orgs = {
        a.customer: str((a.result or {}).get("orgId"))
        for a in actions
        if a.type == AWAIT_CUSTOMER and a.state == jr.SUCCEEDED
    }
    out: Observations = {}
    for a in actions:
        if a.state != jr.SUCCEEDED or a.adopted:
            continue
        result = a.result or {}
        try:
            if a.type == CREATE_CUSTOMER:
                customer = await webex.wholesale.get_customer(result["customerId"])
                out[a.key] = {"packages": sorted(customer.packages)}
            elif a.type == CREATE_SUBSCRIBER:
                out[a.key] = await _subscriber(webex, result, orgs.get(a.customer), locations)
            elif a.type == ADD_NUMBERS and a.customer in orgs:
                present = webex.calling.list_numbers(
                    orgs[a.customer], location_id=result.get("locationId")
                )
                out[a.key] = {"phoneNumbers": sorted([n.phone_number async for n in present])}
            elif a.type == CREATE_LOCATION and a.customer in orgs:
                location = await webex.calling.get_location(orgs[a.customer], result["locationId"])
                out[a.key] = {"name": location.name}
            elif a.type == CREATE_WORKSPACE:
                workspace = await webex.devices.get_workspace(result["workspaceId"])
                out[a.key] = {"displayName": workspace.display_name}
            elif a.type == CREATE_DEVICE:
                await webex.devices.get_device(result["deviceId"], org_id=orgs.get(a.customer))
                out[a.key] = {}
        except WebexNotFound:
            out[a.key] = None
    return out


async def _subscriber(
    webex: Webex, result: dict[str, Any], org_id: str | None, locations: dict[str, str]
) -> dict[str, Any]:
    subscriber = await webex.wholesale.get_subscriber(result["subscriberId"])
    fields: dict[str, Any] = {"package": subscriber.packages[0] if subscriber.packages else None}
    if org_id and subscriber.person_id:
        person = await webex.calling.get_person(org_id, subscriber.person_id)
        numbers = [n.get("value") for n in person.get("phoneNumbers") or [] if isinstance(n, dict)]
        fields.update(
            email=(person.get("emails") or [subscriber.email])[0],
            firstName=person.get("firstName") or None,
            lastName=person.get("lastName") or None,
            location=locations.get(str(person.get("locationId"))),
            phoneNumber=numbers[0] if numbers else None,
            extension=person.get("extension") or None,
        )
    return fields
