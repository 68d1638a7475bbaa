"""Plan the hardware: workspaces for places, then devices by MAC.

Per customer, after its subscribers: one ``create_workspace`` per workspace
(``POST /workspaces``: Webex Calling in its location, with its number and/or
extension and the common-area licence, which the loader reads from the
customer at run time), then one ``create_device`` per migrated device
(``POST /devices``: ``mac``, ``model`` and exactly one of ``personId`` /
``workspaceId``, a reference to the owner's create action). A device runs
after its owner; devices run one at a time per customer, which is also what
Webex asks for ("wait for each API call to finish before starting the next").

A phone with shared call appearances then gets one ``add_shared_lines``
(``PUT /telephony/config/devices/{id}/members``): the other people's and
workspaces' lines on the ports the map gave them, after the phone and each of
those owners exist. A line whose owner is left alone is left alone with it.

What cannot be planned is returned as (entity, key, reason) for the plan's
"left alone" list; devices the map already refused are in not_migrated.jsonl
and are not repeated here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from typing import Any

from migrate.mapping.shared_lines import shared_port
from migrate.plan import model as wm
from migrate.plan.actions import (
    ADD_NUMBERS,
    ADD_SHARED_LINES,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    INVERSES,
    Action,
    Growing,
    action_key,
    ref,
)

COMMON_AREA_PACKAGE = "common_area_calling"
# A common-area desk phone, not a video room system (research §6, inferred).
SUPPORTED_DEVICES = "phones"

Left = tuple[str, str, str]  # entity, key, reason


class DevicePlanner:
    """Plans the workspaces and devices it is given, customer by customer."""

    def __init__(
        self,
        workspaces: Iterable[wm.Workspace],
        devices: Iterable[wm.Device],
        blocked: Mapping[tuple[str, str], str],
    ) -> None:
        self.blocked = blocked
        self.workspaces: dict[str, list[wm.Workspace]] = defaultdict(list)
        for ws in workspaces:
            self.workspaces[ws.customer_id].append(ws)
        self.devices: dict[str, list[wm.Device]] = defaultdict(list)
        for device in devices:
            if device.migrate:
                self.devices[device.customer_id].append(device)

    def actions_for(
        self,
        customer: wm.Customer,
        usable: dict[str, wm.Location],
        wait: str,
        numbers_by_location: dict[str, list[str]],
        planned: Container[str],
        ordinal: int,
    ) -> tuple[list[Action], list[Left]]:
        actions: list[Action] = []
        left: list[Left] = []
        planned = Growing(planned)
        params = (
            {"onBehalfOfSubPartnerOrgId": customer.sub_partner_org_id}
            if customer.sub_partner_org_id
            else {}
        )
        for ws in sorted(self.workspaces.get(customer.id, []), key=lambda w: w.id):
            reason = self.blocked.get(("subscriber", ws.id)) or self.blocked.get(
                ("workspace", ws.id)
            )
            location = usable.get(ws.location_id)
            if reason is None and location is None:
                reason = f"its location {ws.location_id} is left alone"
            if reason is None and not ws.phone_number and not ws.extension:
                reason = "a Webex Calling workspace needs a number or an extension"
            if reason:
                left.append(("workspace", ws.id, reason))
                continue
            assert location is not None
            actions.append(
                _workspace_action(ws, location, wait, numbers_by_location, params, ordinal)
            )
            planned.add(actions[-1].key)
            ordinal += 1
        for device in sorted(self.devices.get(customer.id, []), key=lambda d: d.id):
            reason = self.blocked.get(("device", device.id))
            owner_key = _owner_key(device)
            if reason is None and owner_key is None:
                reason = "no owner to assign the device to"
            if reason is None and owner_key not in planned:
                reason = f"its owner {device.owner} is left alone"
            if reason is None and not (device.mac and device.model):
                reason = "no MAC or no Webex model"
            if reason:
                left.append(("device", device.id, reason))
                continue
            assert owner_key is not None
            actions.append(_device_action(device, owner_key, wait, ordinal))
            ordinal += 1
            shared, shared_left = self._shared_lines(device, wait, planned, ordinal)
            left += shared_left
            if shared is not None:
                actions.append(shared)
                ordinal += 1
        return actions, left

    def _shared_lines(
        self, device: wm.Device, wait: str, planned: Container[str], ordinal: int
    ) -> tuple[Action | None, list[Left]]:
        places = {ws.id for ws in self.workspaces.get(device.customer_id, [])}
        members: list[dict[str, Any]] = []
        shown: list[dict[str, Any]] = []
        left: list[Left] = []
        for index, user in enumerate(device.shared_lines):
            kind = "workspace" if user in places else "person"
            source = action_key(
                CREATE_WORKSPACE if kind == "workspace" else CREATE_SUBSCRIBER, user
            )
            if source not in planned:
                left.append(
                    ("shared_line", f"{device.id}/{user}", f"its {kind} {user} is left alone")
                )
                continue
            port = shared_port(index)
            id_field = "workspaceId" if kind == "workspace" else "personId"
            members.append(
                {
                    "id": ref(source, id_field),
                    "port": port,
                    "memberType": "PLACE" if kind == "workspace" else "PEOPLE",
                    "source": source,
                }
            )
            shown.append({"user": user, "kind": kind, "port": port})
        if not members:
            return None, left
        key = action_key(ADD_SHARED_LINES, device.id)
        device_key = action_key(CREATE_DEVICE, device.id)
        action = Action(
            key,
            ADD_SHARED_LINES,
            device.customer_id,
            ordinal,
            {
                "orgId": ref(wait, "orgId"),
                "deviceId": ref(device_key, "deviceId"),
                "members": members,
                "fields": {"device": device.id, "mac": device.mac, "members": shown},
            },
            depends_on=tuple(dict.fromkeys([wait, device_key, *(m["source"] for m in members)])),
            inverse={
                "type": INVERSES[ADD_SHARED_LINES],
                "orgId": ref(wait, "orgId"),
                "deviceId": ref(key, "deviceId"),
                "previous": ref(key, "previous"),
            },
            lookup={"orgId": ref(wait, "orgId"), "deviceId": ref(device_key, "deviceId")},
            summary=f"add {len(members)} shared line(s) to {device.device_name}: "
            + ", ".join(f"{m['user']} on port {m['port']}" for m in shown),
        )
        return action, left


def _location_ref(location: wm.Location, wait: str) -> tuple[str, dict[str, str]]:
    # The primary location comes with the customer; the others have their own action.
    if location.is_primary:
        return wait, ref(wait, "locationId")
    key = action_key(CREATE_LOCATION, location.id)
    return key, ref(key, "locationId")


def _owner_key(device: wm.Device) -> str | None:
    if device.owner is None:
        return None
    if device.owner_kind == "workspace":
        return action_key(CREATE_WORKSPACE, device.owner)
    if device.owner_kind == "person":
        return action_key(CREATE_SUBSCRIBER, device.owner)
    return None


def _workspace_action(
    ws: wm.Workspace,
    location: wm.Location,
    wait: str,
    numbers_by_location: dict[str, list[str]],
    params: dict[str, str],
    ordinal: int,
) -> Action:
    key = action_key(CREATE_WORKSPACE, ws.id)
    source, location_ref = _location_ref(location, wait)
    depends = [wait, source]
    if ws.phone_number and ws.phone_number in set(numbers_by_location.get(location.id, [])):
        depends.append(action_key(ADD_NUMBERS, location.id))  # the number must be there
    calling = {
        k: v
        for k, v in {
            "phoneNumber": ws.phone_number,
            "extension": ws.extension,
            "locationId": location_ref,
        }.items()
        if v
    }
    body: dict[str, Any] = {
        "displayName": ws.name,
        "orgId": ref(wait, "orgId"),
        "locationId": location_ref,
        "supportedDevices": SUPPORTED_DEVICES,
        "calling": {"type": "webexCalling", "webexCalling": calling},
    }
    return Action(
        key,
        CREATE_WORKSPACE,
        ws.customer_id,
        ordinal,
        # The licence id exists only once the customer is provisioned: the loader reads
        # it from the customer (includePackageLicenseInfo) and adds it to the body.
        {
            "orgId": ref(wait, "orgId"),
            "customerId": ref(wait, "customerId"),
            "params": params,
            "licensePackage": COMMON_AREA_PACKAGE,
            "body": body,
            "fields": {
                "displayName": ws.name,
                "location": location.id,
                "phoneNumber": ws.phone_number,
                "extension": ws.extension,
            },
            "refs": {"location": location_ref},
        },
        depends_on=tuple(dict.fromkeys(depends)),
        inverse={
            "type": INVERSES[CREATE_WORKSPACE],
            "orgId": ref(wait, "orgId"),
            "workspaceId": ref(key, "workspaceId"),
        },
        lookup={"orgId": ref(wait, "orgId"), "displayName": ws.name, "locationId": location_ref},
        summary=f"create workspace {ws.name} ({ws.id}) with "
        + " / ".join(x for x in (ws.phone_number, ws.extension) if x),
    )


def _device_action(device: wm.Device, owner_key: str, wait: str, ordinal: int) -> Action:
    key = action_key(CREATE_DEVICE, device.id)
    owner_field = "workspaceId" if device.owner_kind == "workspace" else "personId"
    body = {"mac": device.mac, "model": device.model, owner_field: ref(owner_key, owner_field)}
    return Action(
        key,
        CREATE_DEVICE,
        device.customer_id,
        ordinal,
        {
            "orgId": ref(wait, "orgId"),
            "body": body,
            "fields": {"mac": device.mac, "model": device.model, "owner": owner_key},
        },
        depends_on=(wait, owner_key),
        inverse={
            "type": INVERSES[CREATE_DEVICE],
            "orgId": ref(wait, "orgId"),
            "deviceId": ref(key, "deviceId"),
        },
        lookup={"orgId": ref(wait, "orgId"), "mac": device.mac},
        summary=f"add {device.model} {device.mac} ({device.device_name}) for "
        f"{device.owner_kind} {device.owner}",
    )
