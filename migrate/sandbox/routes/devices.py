"""``/devices``: add by MAC, get, list, delete, after ``specs/webex-device.json``.

``POST /devices?orgId=`` (200) takes ``mac`` (12 hex digits that no other device of
any org holds), ``model`` (one of :data:`~migrate.sandbox.devices.MODELS`, or its product name) and
exactly one of ``personId`` (a provisioned person with calling) / ``workspaceId``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.clock import iso_ms
from migrate.sandbox.devices import CUSTOMER_MANAGED, MAC, MODELS, colon_mac, model_named
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Device, Subscriber


def register(app: SandboxApp) -> None:
    routes = DeviceRoutes(app)
    app.route("GET", "/devices", routes.list_devices)
    app.route("POST", "/devices", routes.create_device)
    app.route("POST", "/devices/activationCode", routes.activation_code)
    app.route("GET", f"/devices/{SEGMENT}", routes.get_device)
    app.route("DELETE", f"/devices/{SEGMENT}", routes.delete_device)


def device_view(device: Device) -> dict[str, Any]:
    view: dict[str, Any] = {"id": device.id, "displayName": device.product}
    if device.workspace_id:
        view["workspaceId"] = device.workspace_id
    if device.person_id:
        view["personId"] = device.person_id
    view.update(
        {
            "orgId": device.org_id,
            "capabilities": [],
            "permissions": [],
            "connectionStatus": "disconnected",
            "product": device.product,
            "type": "phone",
            "tags": [],
            "mac": colon_mac(device.mac),
            "created": device.created,
            "managedBy": device.managed_by,
            "devicePlatform": "cisco",
        }
    )
    if device.location_id:
        view["locationId"] = device.location_id
    return view


class DeviceRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _org(self, req: SandboxRequest) -> str:
        return org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)

    def _device(self, device_id: str) -> Device:
        device = self.state.devices.get(device_id)
        if device is None:
            raise HttpError(404, "Device not found.", codes.NOT_FOUND)
        return device

    def _person(self, org_id: str, person_id: Any) -> Subscriber:
        customer = self.state.customer_by_org(org_id)
        person = next(
            (
                s
                for s in (self.state.subscribers_of(customer.id) if customer else [])
                if s.person_id == person_id and not s.deleted
            ),
            None,
        )
        if person is None:
            raise HttpError(404, "Person not found.", codes.NOT_FOUND)
        if person.status != "provisioned" or person.packages[0] in validation.NON_CALLING:
            raise HttpError(
                400, "The person has no Webex Calling license.", codes.INVALID_PARAMETER_VALUE
            )
        return person

    def create_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        mac, name = body.get("mac"), body.get("model")
        if not isinstance(mac, str) or not mac:
            raise bad_request("Mandatory parameter 'mac' is missing.", "mac", codes.NULL_PARAMETER)
        if not isinstance(name, str) or not name:
            raise bad_request(
                "Mandatory parameter 'model' is missing.", "model", codes.NULL_PARAMETER
            )
        if not MAC.match(mac):
            raise bad_request(f"Invalid MAC address {mac!r}: 12 hexadecimal digits.", "mac")
        mac = mac.upper()
        model = model_named(name)
        if model is None:
            raise bad_request("Valid model is required.", "model")
        person_id, workspace_id = body.get("personId"), body.get("workspaceId")
        if bool(person_id) == bool(workspace_id):
            raise bad_request("Give exactly one of personId and workspaceId.", "personId")
        location_id: str | None = None
        if workspace_id:
            ws = self.state.workspaces.get(workspace_id)
            if ws is None or ws.org_id != org_id:
                raise HttpError(404, "Workspace not found.", codes.NOT_FOUND)
            location_id = ws.location_id
        else:
            location_id = self._person(org_id, person_id).location_id
        holder = next((d for d in self.state.devices.values() if d.mac == mac), None)
        if holder is not None and holder.org_id == org_id:
            raise HttpError(409, f"A device with MAC {mac} already exists.", codes.DUPLICATE_NAME)
        if holder is not None:  # a phone registers with one organisation only
            raise bad_request(
                f"[Error {codes.MAC_IN_USE}] MAC Address is in use.", "mac", codes.MAC_IN_USE
            )
        device = Device(
            id=self.state.new_id("DEVICE"),
            org_id=org_id,
            mac=mac,
            model=model,
            product=MODELS[model],
            created=self.app.now_iso(),
            person_id=person_id or None,
            workspace_id=workspace_id or None,
            location_id=location_id,
            managed_by="CUSTOMER" if model in CUSTOMER_MANAGED else "CISCO",
        )
        self.state.devices[device.id] = device
        return SandboxResponse.json(200, device_view(device))

    def activation_code(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """A code a person types into a phone whose MAC nobody knows (valid 7 days)."""
        org_id = self._org(req)
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        person_id, workspace_id = body.get("personId"), body.get("workspaceId")
        if bool(person_id) == bool(workspace_id):
            raise bad_request("Give exactly one of personId and workspaceId.", "personId")
        name = body.get("model")
        if name is not None and (not isinstance(name, str) or model_named(name) is None):
            raise bad_request("Valid model is required.", "model")
        if workspace_id:
            ws = self.state.workspaces.get(workspace_id)
            if ws is None or ws.org_id != org_id:
                raise HttpError(404, "Workspace not found.", codes.NOT_FOUND)
        else:
            self._person(org_id, person_id)
        code = f"{self.state.new_uuid().int % 10**16:016d}"
        expiry = iso_ms(self.clock.now() + timedelta(days=7))
        return SandboxResponse.json(200, {"code": code, "expiryTime": expiry})

    def list_devices(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        raw_mac = req.param("mac")
        mac = re.sub(r"[^0-9A-Fa-f]", "", raw_mac).upper() if raw_mac is not None else None
        filters = {
            "person_id": req.param("personId"),
            "workspace_id": req.param("workspaceId"),
            "location_id": req.param("locationId"),
        }
        items = [
            device_view(d)
            for d in sorted(self.state.devices.values(), key=lambda d: (d.created, d.id))
            if d.org_id == org_id
            and (mac is None or d.mac == mac)
            and all(v is None or getattr(d, k) == v for k, v in filters.items())
        ]
        return page(req, items, default_max=100, cap=1000, offset_name="start")

    def get_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, device_view(self._device(m.group(1))))

    def delete_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        del self.state.devices[self._device(m.group(1)).id]
        return SandboxResponse(204)
