"""A phone's lines and Webex's device lists, after ``specs/webex-device.json``.

* ``GET/PUT /telephony/config/devices/{deviceId}/members``: who appears on which
  line port. The PUT replaces the whole list (the primary owner stays when left
  out, as Webex says); each member is a person with calling or a workspace of the
  device's org, every port within the model's line ports, no port used twice (a
  member with ``lineWeight`` n takes n ports from its own). The mandatory fields
  and their error codes are the ones Webex answers with (25008 missing, 25024 an
  invalid value).
* ``GET /telephony/config/supportedDevices``: the shipped copy of Webex's list.
* ``POST /telephony/config/devices/actions/validateMacs/invoke``: a MAC a device of
  another org holds is ``UNAVAILABLE`` (Webex's error 5675); the asking org's own
  phone is not, since adding it again is adopting it.
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body
from migrate.sandbox.devices import LINE_PORTS, MAC, SUPPORTED
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Device

CONFIG = "/telephony/config"
MISSING_FIELD = 25008
INVALID_FIELD = 25024
LINE_TYPES = ("PRIMARY", "SHARED_CALL_APPEARANCE")
# PutMemberObject's required fields, as Webex checks them.
REQUIRED = ("id", "port", "lineType", "lineWeight", "primaryOwner")
_SEPARATORS = re.compile(r"[:.\-\s]")


def register(app: SandboxApp) -> None:
    routes = MemberRoutes(app)
    app.route("GET", f"{CONFIG}/devices/{SEGMENT}/members", routes.get_members)
    app.route("PUT", f"{CONFIG}/devices/{SEGMENT}/members", routes.put_members)
    app.route("GET", f"{CONFIG}/supportedDevices", routes.supported_devices)
    app.route("POST", f"{CONFIG}/devices/actions/validateMacs/invoke", routes.validate_macs)


def _owner_entry(device: Device) -> dict[str, Any]:
    return {
        "id": device.person_id or device.workspace_id,
        "port": 1,
        "primaryOwner": True,
        "lineType": "PRIMARY",
        "lineWeight": 1,
        "hotlineEnabled": False,
        "hotlineDestination": "",
        "allowCallDeclineEnabled": True,
    }


class MemberRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _device(self, req: SandboxRequest, device_id: str) -> Device:
        device = self.state.devices.get(device_id)
        org = req.param("orgId")
        if device is None or (org is not None and device.org_id != org):
            raise HttpError(404, "Device not found.", 4008)
        return device

    def _member(self, device: Device, member_id: Any) -> dict[str, Any] | None:
        """Who ``member_id`` is in the device's org, as the members list shows them."""
        customer = self.state.customer_by_org(device.org_id)
        for sub in self.state.subscribers_of(customer.id) if customer else []:
            calling = sub.packages[0] not in validation.NON_CALLING
            if (
                sub.person_id == member_id
                and not sub.deleted
                and sub.status == "provisioned"
                and calling
            ):
                return {
                    "firstName": sub.first_name or "",
                    "lastName": sub.last_name or "",
                    "phoneNumber": sub.primary_phone_number,
                    "extension": sub.extension,
                    "memberType": "PEOPLE",
                    "location_id": sub.location_id,
                }
        ws = self.state.workspaces.get(str(member_id))
        if ws is not None and ws.org_id == device.org_id:
            return {
                "firstName": ws.display_name,
                "lastName": "",
                "phoneNumber": ws.phone_number,
                "extension": ws.extension,
                "memberType": "PLACE",
                "location_id": ws.calling_location_id or ws.location_id,
            }
        return None

    def _view(self, device: Device, entry: dict[str, Any]) -> dict[str, Any] | None:
        who = self._member(device, entry["id"])
        if who is None:
            return None  # deleted since: Webex drops the line with its member
        view: dict[str, Any] = {
            "id": entry["id"],
            "firstName": who["firstName"],
            "lastName": who["lastName"],
        }
        view.update(
            {k: who[k] for k in ("phoneNumber", "extension") if who.get(k)}
            | {
                "primaryOwner": entry["primaryOwner"],
                "port": entry["port"],
                "lineType": entry["lineType"],
                "lineWeight": entry["lineWeight"],
                "hotlineEnabled": entry.get("hotlineEnabled", False),
                "hotlineDestination": entry.get("hotlineDestination") or "",
                "allowCallDeclineEnabled": entry.get("allowCallDeclineEnabled", True),
                "memberType": who["memberType"],
            }
        )
        if entry.get("lineLabel"):
            view["lineLabel"] = entry["lineLabel"]
        location = self.state.locations.get(who["location_id"] or "")
        if location is not None:
            view["location"] = {"id": location.id, "name": location.name}
        return view

    def get_members(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        device = self._device(req, m.group(1))
        entries = device.members or [_owner_entry(device)]
        views = [v for v in (self._view(device, e) for e in entries) if v is not None]
        return SandboxResponse.json(
            200,
            {
                "model": device.model,
                "members": sorted(views, key=lambda v: v["port"]),
                "maxLineCount": LINE_PORTS.get(device.model, 1),
            },
        )

    def put_members(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        device = self._device(req, m.group(1))
        org_in_use(self.state, self.clock, device.org_id)
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        raw = body.get("members")
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise bad_request("Invalid field value: members", "members", INVALID_FIELD)
        capacity = LINE_PORTS.get(device.model, 1)
        owner = device.person_id or device.workspace_id
        taken: dict[int, str] = {}
        entries: list[dict[str, Any]] = []
        for item in raw:
            entry = self._entry(device, item, capacity)
            for port in range(entry["port"], entry["port"] + entry["lineWeight"]):
                if port in taken:
                    raise bad_request(
                        f"Port {port} is assigned twice ({taken[port]} and {entry['id']}).",
                        "members.port",
                        INVALID_FIELD,
                    )
                taken[port] = entry["id"]
            entries.append(entry)
        if not any(e["id"] == owner and e["primaryOwner"] for e in entries):
            if 1 in taken:
                raise bad_request(
                    "Port 1 is the primary owner's line.", "members.port", INVALID_FIELD
                )
            entries.insert(0, _owner_entry(device))
        device.members = sorted(entries, key=lambda e: e["port"])
        return SandboxResponse(204)

    def _entry(self, device: Device, item: Any, capacity: int) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise bad_request("Invalid field value: members", "members", INVALID_FIELD)
        for name in REQUIRED:
            if item.get(name) is None:
                raise bad_request(
                    f"Missing Mandatory field name: members.{name}",
                    f"members.{name}",
                    MISSING_FIELD,
                )
        if item["lineType"] not in LINE_TYPES:
            raise bad_request(
                "Invalid field value: members.type", "members.lineType", INVALID_FIELD
            )
        port, weight = item["port"], item["lineWeight"]
        if not isinstance(port, int) or isinstance(port, bool) or not isinstance(weight, int):
            raise bad_request("Invalid field value: members.port", "members.port", INVALID_FIELD)
        if weight < 1 or port < 1 or port + weight - 1 > capacity:
            raise bad_request(
                f"Port {port} (weight {weight}) is outside the {capacity} line ports of "
                f"{device.model}.",
                "members.port",
                INVALID_FIELD,
            )
        if self._member(device, item["id"]) is None:
            raise HttpError(404, f"Member {item['id']} not found in the organization.", 4008)
        entry = {
            "id": item["id"],
            "port": port,
            "primaryOwner": bool(item["primaryOwner"]),
            "lineType": item["lineType"],
            "lineWeight": weight,
            "hotlineEnabled": bool(item.get("hotlineEnabled", False)),
            "hotlineDestination": str(item.get("hotlineDestination") or ""),
            "allowCallDeclineEnabled": bool(item.get("allowCallDeclineEnabled", True)),
        }
        if item.get("lineLabel"):
            entry["lineLabel"] = str(item["lineLabel"])
        return entry

    def supported_devices(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        wanted = req.param("type")
        devices = SUPPORTED["devices"]
        if wanted:
            exclude = wanted.startswith("not:")
            kind = wanted.removeprefix("not:")
            devices = [d for d in devices if (d["type"] == kind) != exclude]
        return SandboxResponse.json(
            200, {"upgradeChannelList": SUPPORTED["upgradeChannelList"], "devices": devices}
        )

    def validate_macs(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        body = json_body(req)
        macs = body.get("macs") if isinstance(body, dict) else None
        if not isinstance(macs, list) or not all(isinstance(x, str) for x in macs):
            raise bad_request("Mandatory parameter 'macs' is missing.", "macs", 1001)
        claimed = {d.mac: d.org_id for d in self.state.devices.values()}
        seen: set[str] = set()
        statuses: list[dict[str, Any]] = []
        for mac in macs:
            plain = _SEPARATORS.sub("", mac).upper()
            status: dict[str, Any] = {"mac": mac, "state": "AVAILABLE"}
            if not MAC.match(plain):
                status.update(state="INVALID", message="MAC Address is invalid.")
            elif plain in seen:
                status["state"] = "DUPLICATE_IN_LIST"
            elif claimed.get(plain, org_id) != org_id:
                status.update(
                    state="UNAVAILABLE",
                    errorCode=codes.MAC_IN_USE,
                    message=f"[Error {codes.MAC_IN_USE}] MAC Address is in use.",
                )
            seen.add(plain)
            statuses.append(status)
        ok = all(s["state"] == "AVAILABLE" for s in statuses)
        return SandboxResponse.json(
            200, {"status": "OK" if ok else "ERRORS", "macStatus": statuses}
        )
