"""Shared call appearances: others' lines PUT on a phone's member list, and back.

The PUT replaces the whole list, so it is built from the list read first: every
member the phone has keeps its port, the planned lines are added on theirs. The
list read before the first PUT is journaled with it (the action's sent detail), so
a run that crashed after the PUT still restores what the phone had before, not
what this load wrote; it is also the action's result, which the inverse PUTs back.
A phone that already shows every planned line on its port is adopted: no PUT.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, failure
from migrate.plan.actions import ADD_SHARED_LINES, RESTORE_DEVICE_MEMBERS
from migrate.webex import WebexNotFound
from migrate.webex.devices import SHARED_CALL_APPEARANCE, put_member

PORT_TAKEN = "port_taken"


def _wanted(member: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": member["id"],
        "port": member["port"],
        "primaryOwner": False,
        "lineType": SHARED_CALL_APPEARANCE,
        "lineWeight": 1,
        "hotlineEnabled": False,
        "hotlineDestination": "",
        "allowCallDeclineEnabled": True,
    }


def _holds(members: list[dict[str, Any]], wanted: dict[str, Any]) -> bool:
    return any(m.get("id") == wanted["id"] and m.get("port") == wanted["port"] for m in members)


async def add_shared_lines(ctx: Context, payload: dict[str, Any]) -> Result:
    api = ctx.webex.devices
    org_id, device_id = payload["orgId"], payload["deviceId"]
    wanted = [_wanted(m) for m in payload["members"]]
    current = [put_member(m) for m in (await api.members(device_id, org_id=org_id)).members]
    result = {"orgId": org_id, "deviceId": device_id, "members": wanted}
    before = next((d for d in ctx.sent if isinstance(d, list)), None)
    if all(_holds(current, w) for w in wanted):
        # Already so: this load's PUT landed before a crash (sent), or someone set the
        # lines up by hand (nothing sent: adopted, and rollback leaves them).
        return {**result, "previous": before if before is not None else current}, before is None
    ours = {w["id"] for w in wanted}
    kept = [m for m in current if m.get("id") not in ours]
    taken = {
        port: m["id"]
        for m in kept
        for port in range(int(m["port"]), int(m["port"]) + int(m.get("lineWeight") or 1))
    }
    clash = [w for w in wanted if w["port"] in taken]
    if clash:
        first = clash[0]
        raise failure(
            f"port {first['port']} of device {device_id} already holds {taken[first['port']]}: "
            "free it in Control Hub or move the shared line",
            PORT_TAKEN,
        )
    if before is None:
        before = current
        ctx.sending(before)
    body = sorted([*kept, *wanted], key=lambda m: int(m["port"]))
    await api.update_members(device_id, body, org_id=org_id)
    return {**result, "previous": before}, False


async def restore_members(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # the phone is gone, and its lines with it
        await ctx.webex.devices.update_members(
            inverse["deviceId"], list(inverse["previous"]), org_id=inverse.get("orgId")
        )
    return {}, False


ADD = Handler(ADD_SHARED_LINES, add_shared_lines, inverse=RESTORE_DEVICE_MEMBERS)
RESTORE = Handler(RESTORE_DEVICE_MEMBERS, restore_members, requires=("deviceId", "previous"))
