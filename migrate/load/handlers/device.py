"""Devices: looked up by MAC, created for a person or a workspace, deleted on rollback.

A MAC belongs to one device only. A MAC found on *another* owner is a
failure, never an adoption: re-pointing someone else's phone is not this
toolkit's call.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, failure, look_create_look
from migrate.plan.actions import CREATE_DEVICE, DELETE_DEVICE
from migrate.webex import WebexNotFound
from migrate.webex.devices import Device, normalise_mac

MAC_IN_USE = "mac_in_use"


async def create_device(ctx: Context, payload: dict[str, Any]) -> Result:
    webex = ctx.webex
    org_id = payload["orgId"]
    body: dict[str, Any] = payload["body"]
    mac = normalise_mac(body["mac"])
    owner_field = "workspaceId" if body.get("workspaceId") else "personId"
    owner = body.get(owner_field)

    async def lookup() -> Device | None:
        found = await webex.devices.find_device(org_id, mac)
        if found is None:
            return None
        has = found.workspace_id if owner_field == "workspaceId" else found.person_id
        if has != owner:
            current = found.person_id or found.workspace_id or "no owner"
            raise failure(
                f"MAC {mac} is already device {found.id} of {current}, not of "
                f"this {owner_field}: remove it in Control Hub or fix the MAC",
                MAC_IN_USE,
            )
        return found

    async def create() -> Device:
        return await webex.devices.create_device(org_id, {**body, "mac": mac})

    found, adopted = await look_create_look(ctx, lookup, create)
    return {
        "deviceId": found.id,
        "orgId": org_id,
        "mac": mac,
        owner_field: owner,
        "model": body.get("model"),
    }, adopted


async def delete_device(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # gone already (its workspace took it along)
        await ctx.webex.devices.delete_device(inverse["deviceId"], org_id=inverse.get("orgId"))
    return {}, False


CREATE = Handler(CREATE_DEVICE, create_device, inverse=DELETE_DEVICE)
DELETE = Handler(DELETE_DEVICE, delete_device, requires=("deviceId",))
