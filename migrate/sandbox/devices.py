"""The sandbox's workspaces and devices (issue #7), after ``specs/webex-device.json`` and
research/wholesale-api.md §6.

``POST /workspaces`` (201) takes ``displayName``, ``orgId``, ``locationId``,
``supportedDevices`` and ``calling``; a ``webexCalling`` workspace needs a
calling location and a number (added to that location, unassigned) or an
extension (unique in the org) or both; ``licenses`` must be the org's.
``POST /devices?orgId=`` (200) takes ``mac`` (12 hex digits, unique in the
org), ``model`` (one of :data:`MODELS`, or its product name) and exactly one
of ``personId`` (a provisioned person with calling) / ``workspaceId``.
Lists page with ``start``/``max`` and ``Link``; deleting a workspace deletes
its devices and frees its number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.http import SandboxRequest, SandboxResponse
from migrate.sandbox.routes import Handler, HttpError, SandboxApp, _license_id
from migrate.sandbox.state import Device, Location, Subscriber, Workspace
from migrate.sandbox.validation import Problem

# Webex `model` → product (display) name: the phones a BroadWorks estate brings, as the
# supported-devices API names them. mappings/devices.csv must only produce these.
MODELS: dict[str, str] = {
    **{
        f"DMS Cisco {m}": f"Cisco {m}"
        for m in (
            "6821",
            "6825",
            "6841",
            "6851",
            "6861",
            "6871",
            "7811",
            "7821",
            "7832",
            "7841",
            "7861",
            "8811",
            "8832",
            "8841",
            "8845",
            "8851",
            "8861",
            "8865",
            "8875",
            "191",
            "192",
        )
    },
    **{
        f"DMS Polycom VVX {m}": f"Polycom VVX {m}"
        for m in (
            "101",
            "150",
            "201",
            "250",
            "300",
            "301",
            "310",
            "311",
            "350",
            "400",
            "401",
            "410",
            "411",
            "450",
            "500",
            "501",
            "600",
            "601",
            "1500",
        )
    },
    **{
        f"DMS Poly Edge {m}": f"Poly Edge {m}"
        for m in ("E100", "E220", "E300", "E320", "E350", "E400", "E450", "E500", "E550")
    },
    **{f"DMS Poly CCX {m}": f"Poly CCX {m}" for m in ("400", "500", "505", "600", "700")},
    "Generic IPPhone Customer Managed": "Generic IPPhone Customer Managed",
}
CUSTOMER_MANAGED = frozenset({"Generic IPPhone Customer Managed"})
_BY_PRODUCT = {product.casefold(): model for model, product in MODELS.items()}
MAC = re.compile(r"^[0-9A-Fa-f]{12}$")
EXTENSION = re.compile(r"^\d{2,10}$")
CALLING_TYPES = (
    "freeCalling",
    "hybridCalling",
    "webexCalling",
    "webexEdgeForDevices",
    "thirdPartySipCalling",
    "none",
)
SUPPORTED_DEVICES = ("collaborationDevices", "phones")


def _bad(message: str, field: str, code: int = codes.INVALID_PARAMETER_VALUE) -> HttpError:
    return HttpError(400, [Problem(message, code, field)])


def _colon_mac(mac: str) -> str:
    return ":".join(mac[i : i + 2] for i in range(0, 12, 2))


class DeviceRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state

    def register(self, add: Callable[[str, str, Handler], None]) -> None:
        seg = r"([^/]+)"
        add("GET", "/workspaces", self.list_workspaces)
        add("POST", "/workspaces", self.create_workspace)
        add("GET", f"/workspaces/{seg}", self.get_workspace)
        add("DELETE", f"/workspaces/{seg}", self.delete_workspace)
        add("GET", "/devices", self.list_devices)
        add("POST", "/devices", self.create_device)
        add("GET", f"/devices/{seg}", self.get_device)
        add("DELETE", f"/devices/{seg}", self.delete_device)

    # ------------------------------------------------------------------ helpers

    def _org(self, req: SandboxRequest, body_org: Any = None) -> str:
        """The org acted on: the body's ``orgId`` (POST /workspaces), else ``?orgId=``,
        else the partner's own."""
        if body_org is not None and not isinstance(body_org, str):
            raise _bad("orgId must be a string.", "orgId")
        org_id = body_org or req.param("orgId") or self.state.partner_org_id
        if org_id != self.state.partner_org_id:
            customer = self.state.customer_by_org(org_id)
            if customer is not None:
                self.app.settle(customer)
            if org_id not in self.state.orgs:
                raise HttpError(404, "Organization not found.", codes.NOT_FOUND)
        return org_id

    def _calling_location(self, org_id: str, location_id: Any) -> Location:
        location = self.state.locations.get(location_id) if isinstance(location_id, str) else None
        if location is None or location.org_id != org_id:
            raise HttpError(
                400,
                [
                    Problem(
                        "locationId is not a location of this organization.",
                        codes.LOCATION_NOT_IN_ORG,
                        "locationId",
                    )
                ],
            )
        return location

    # ------------------------------------------------------------------ workspaces

    def workspace_view(self, ws: Workspace) -> dict[str, Any]:
        view: dict[str, Any] = {"id": ws.id, "orgId": ws.org_id}
        if ws.location_id:
            view["locationId"] = ws.location_id
            view["workspaceLocationId"] = ws.location_id
        view.update(
            {
                "displayName": ws.display_name,
                "created": ws.created,
                "type": "notSet",
                "supportedDevices": ws.supported_devices,
                "calling": {"type": ws.calling_type},
            }
        )
        if ws.calling_type == "webexCalling":
            view["calling"]["webexCalling"] = {"licenses": list(ws.licenses)}
        view["calendar"] = {"type": "none"}
        return view

    def _workspace(self, workspace_id: str) -> Workspace:
        ws = self.state.workspaces.get(workspace_id)
        if ws is None:
            raise HttpError(404, "Workspace not found.", codes.NOT_FOUND)
        return ws

    def create_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        body = self.app._body(req)
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.", "body")
        name = body.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise _bad(
                "Mandatory parameter 'displayName' is missing.", "displayName", codes.NULL_PARAMETER
            )
        org_id = self._org(req, body.get("orgId"))
        location_id = body.get("locationId")
        if location_id is not None:
            self._calling_location(org_id, location_id)
        supported = body.get("supportedDevices", "collaborationDevices")
        if supported not in SUPPORTED_DEVICES:
            raise _bad(
                f"supportedDevices must be one of {', '.join(SUPPORTED_DEVICES)}.",
                "supportedDevices",
            )
        if any(
            w.org_id == org_id and w.display_name == name for w in self.state.workspaces.values()
        ):
            raise HttpError(
                409, f"A workspace named {name!r} already exists.", codes.DUPLICATE_NAME
            )
        calling = body.get("calling") or {"type": "freeCalling"}
        if not isinstance(calling, dict) or calling.get("type") not in CALLING_TYPES:
            raise _bad(f"calling.type must be one of {', '.join(CALLING_TYPES)}.", "calling.type")
        ws = Workspace(
            id=self.state.new_id("PLACES"),
            org_id=org_id,
            display_name=name,
            location_id=location_id,
            supported_devices=supported,
            calling_type=calling["type"],
            created=self.app._now_iso(),
        )
        if ws.calling_type == "webexCalling":
            self._webex_calling(ws, calling.get("webexCalling") or {})
        self.state.workspaces[ws.id] = ws
        if ws.phone_number:
            self.state.numbers[ws.phone_number].owner_id = ws.id
        return SandboxResponse.json(201, self.workspace_view(ws))

    def _webex_calling(self, ws: Workspace, params: Any) -> None:
        if not isinstance(params, dict):
            raise _bad("calling.webexCalling must be an object.", "calling.webexCalling")
        location_id = params.get("locationId") or ws.location_id
        if location_id is None:
            raise _bad(
                "A webexCalling workspace needs a locationId.",
                "calling.webexCalling.locationId",
                codes.NULL_PARAMETER,
            )
        location = self._calling_location(ws.org_id, location_id)
        if not location.calling_enabled:
            raise HttpError(
                400,
                [
                    Problem(
                        "The location is not enabled for Webex Calling.",
                        codes.LOCATION_NOT_IN_ORG,
                        "locationId",
                    )
                ],
            )
        number, extension = params.get("phoneNumber"), params.get("extension")
        if not number and not extension:
            raise _bad(
                "A webexCalling workspace needs a phoneNumber, an extension or both.",
                "calling.webexCalling",
                codes.NUMBER_OR_EXTENSION_REQUIRED,
            )
        if number is not None:
            if not isinstance(number, str) or not validation.E164.match(number):
                raise _bad(f"{number} is not an E.164 number.", "phoneNumber")
            record = self.state.numbers.get(number)
            if record is None or record.location_id != location.id:
                raise HttpError(
                    400,
                    f"{number} has not been added to location {location.name!r}.",
                    codes.NUMBER_NOT_IN_LOCATION,
                )
            if record.owner_id is not None:
                raise HttpError(409, f"{number} is already assigned.", codes.NUMBER_IN_USE)
        if extension is not None:
            if not isinstance(extension, str) or not EXTENSION.match(extension):
                raise _bad("extension must be 2-10 digits.", "extension")
            customer = self.state.customer_by_org(ws.org_id)
            people = self.state.subscribers_of(customer.id) if customer else []
            if self.state.workspace_with_extension(ws.org_id, extension) or any(
                not p.deleted and p.extension == extension for p in people
            ):
                raise HttpError(
                    409,
                    f"Extension {extension} is already used in this organization.",
                    codes.EXTENSION_IN_USE,
                )
        licenses = params.get("licenses") or []
        if not isinstance(licenses, list) or not all(isinstance(x, str) for x in licenses):
            raise _bad("licenses must be a list of license ids.", "licenses")
        customer = self.state.customer_by_org(ws.org_id)
        known = {_license_id(ws.org_id, p) for p in (customer.packages if customer else [])}
        unknown = [x for x in licenses if x not in known]
        if unknown:
            raise _bad(
                f"Unknown license ids for this organization: {', '.join(unknown)}.", "licenses"
            )
        if not licenses and customer is not None:
            # Webex applies the oldest suitable licence; here: the common-area one if any.
            package = next(
                (p for p in ("common_area_calling", "webex_calling") if p in customer.packages),
                None,
            )
            licenses = [_license_id(ws.org_id, package)] if package else []
        ws.calling_location_id = location.id
        ws.location_id = ws.location_id or location.id
        ws.phone_number, ws.extension, ws.licenses = number, extension, list(licenses)

    def list_workspaces(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        name, location_id = req.param("displayName"), req.param("locationId")
        calling = req.param("calling")
        items = [
            self.workspace_view(w)
            for w in sorted(self.state.workspaces.values(), key=lambda w: (w.created, w.id))
            if w.org_id == org_id
            and (name is None or w.display_name == name)
            and (location_id is None or w.location_id == location_id)
            and (calling is None or w.calling_type == calling)
        ]
        return self.app._page(req, items, default_max=100, cap=1000, offset_name="start")

    def get_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, self.workspace_view(self._workspace(m.group(1))))

    def delete_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        ws = self._workspace(m.group(1))
        self.state.drop_devices(workspace_id=ws.id)
        number = self.state.numbers.get(ws.phone_number or "")
        if number is not None and number.owner_id == ws.id:
            number.owner_id = None
        del self.state.workspaces[ws.id]
        return SandboxResponse(204)

    # ------------------------------------------------------------------ devices

    def device_view(self, device: Device) -> dict[str, Any]:
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
                "mac": _colon_mac(device.mac),
                "created": device.created,
                "managedBy": device.managed_by,
                "devicePlatform": "cisco",
            }
        )
        if device.location_id:
            view["locationId"] = device.location_id
        return view

    def _device(self, device_id: str) -> Device:
        device = self.state.devices.get(device_id)
        if device is None:
            raise HttpError(404, "Device not found.", codes.NOT_FOUND)
        return device

    def create_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        body = self.app._body(req)
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.", "body")
        mac, model = body.get("mac"), body.get("model")
        for name, value in (("mac", mac), ("model", model)):
            if not isinstance(value, str) or not value:
                raise _bad(f"Mandatory parameter '{name}' is missing.", name, codes.NULL_PARAMETER)
        assert isinstance(mac, str) and isinstance(model, str)
        if not MAC.match(mac):
            raise _bad(f"Invalid MAC address {mac!r}: 12 hexadecimal digits.", "mac")
        mac = mac.upper()
        model = model if model in MODELS else _BY_PRODUCT.get(model.casefold(), "")
        if not model:
            raise _bad("Valid model is required.", "model")
        person_id, workspace_id = body.get("personId"), body.get("workspaceId")
        if bool(person_id) == bool(workspace_id):
            raise _bad("Give exactly one of personId and workspaceId.", "personId")
        location_id: str | None = None
        if workspace_id:
            ws = self.state.workspaces.get(workspace_id)
            if ws is None or ws.org_id != org_id:
                raise HttpError(404, "Workspace not found.", codes.NOT_FOUND)
            location_id = ws.location_id
        else:
            person = self._person(org_id, person_id)
            location_id = person.location_id
        if any(d.org_id == org_id and d.mac == mac for d in self.state.devices.values()):
            raise HttpError(409, f"A device with MAC {mac} already exists.", codes.DUPLICATE_NAME)
        device = Device(
            id=self.state.new_id("DEVICE"),
            org_id=org_id,
            mac=mac,
            model=model,
            product=MODELS[model],
            created=self.app._now_iso(),
            person_id=person_id or None,
            workspace_id=workspace_id or None,
            location_id=location_id,
            managed_by="CUSTOMER" if model in CUSTOMER_MANAGED else "CISCO",
        )
        self.state.devices[device.id] = device
        return SandboxResponse.json(200, self.device_view(device))

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
            self.device_view(d)
            for d in sorted(self.state.devices.values(), key=lambda d: (d.created, d.id))
            if d.org_id == org_id
            and (mac is None or d.mac == mac)
            and all(v is None or getattr(d, k) == v for k, v in filters.items())
        ]
        return self.app._page(req, items, default_max=100, cap=1000, offset_name="start")

    def get_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, self.device_view(self._device(m.group(1))))

    def delete_device(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        device = self._device(m.group(1))
        del self.state.devices[device.id]
        return SandboxResponse(204)


__all__ = ["MODELS", "DeviceRoutes"]
