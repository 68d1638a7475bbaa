"""``/workspaces``: create, get, list, delete, after ``specs/webex-device.json`` and
research/wholesale-api.md §6.

``POST /workspaces`` (201) takes ``displayName``, ``orgId``, ``locationId``,
``supportedDevices`` and ``calling``; a ``webexCalling`` workspace needs a
calling location and a number (added to that location, unassigned) or an
extension (unique in the org) or both; ``licenses`` must be the org's.
Deleting a workspace deletes its devices and frees its number.
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Location, Workspace, license_id
from migrate.sandbox.validation import Problem

CALLING_TYPES = (
    "freeCalling",
    "hybridCalling",
    "webexCalling",
    "webexEdgeForDevices",
    "thirdPartySipCalling",
    "none",
)
SUPPORTED_DEVICES = ("collaborationDevices", "phones")


def register(app: SandboxApp) -> None:
    routes = WorkspaceRoutes(app)
    app.route("GET", "/workspaces", routes.list_workspaces)
    app.route("POST", "/workspaces", routes.create_workspace)
    app.route("GET", f"/workspaces/{SEGMENT}", routes.get_workspace)
    app.route("PUT", f"/workspaces/{SEGMENT}", routes.update_workspace)
    app.route("DELETE", f"/workspaces/{SEGMENT}", routes.delete_workspace)


def workspace_view(ws: Workspace) -> dict[str, Any]:
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


class WorkspaceRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _org(self, req: SandboxRequest, body_org: Any = None) -> str:
        """The org acted on: the body's ``orgId`` (POST), else ``?orgId=``, else the
        partner's own."""
        if body_org is not None and not isinstance(body_org, str):
            raise bad_request("orgId must be a string.", "orgId")
        org_id = body_org or req.param("orgId") or self.state.partner_org_id
        return org_in_use(self.state, self.clock, org_id)

    def _location_in_org(self, org_id: str, location_id: Any) -> Location:
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

    def _workspace(self, workspace_id: str) -> Workspace:
        ws = self.state.workspaces.get(workspace_id)
        if ws is None:
            raise HttpError(404, "Workspace not found.", codes.NOT_FOUND)
        return ws

    def create_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        name = body.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise bad_request(
                "Mandatory parameter 'displayName' is missing.", "displayName", codes.NULL_PARAMETER
            )
        org_id = self._org(req, body.get("orgId"))
        location_id = body.get("locationId")
        if location_id is not None:
            self._location_in_org(org_id, location_id)
        supported = body.get("supportedDevices", "collaborationDevices")
        if supported not in SUPPORTED_DEVICES:
            raise bad_request(
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
            raise bad_request(
                f"calling.type must be one of {', '.join(CALLING_TYPES)}.", "calling.type"
            )
        ws = Workspace(
            id=self.state.new_id("PLACES"),
            org_id=org_id,
            display_name=name,
            location_id=location_id,
            supported_devices=supported,
            calling_type=calling["type"],
            created=self.app.now_iso(),
        )
        if ws.calling_type == "webexCalling":
            self._webex_calling(ws, calling.get("webexCalling") or {})
        self.state.workspaces[ws.id] = ws
        if ws.phone_number:
            self.state.numbers[ws.phone_number].owner_id = ws.id
        return SandboxResponse.json(201, workspace_view(ws))

    def _webex_calling(self, ws: Workspace, params: Any) -> None:
        if not isinstance(params, dict):
            raise bad_request("calling.webexCalling must be an object.", "calling.webexCalling")
        location_id = params.get("locationId") or ws.location_id
        if location_id is None:
            raise bad_request(
                "A webexCalling workspace needs a locationId.",
                "calling.webexCalling.locationId",
                codes.NULL_PARAMETER,
            )
        location = self._location_in_org(ws.org_id, location_id)
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
            raise bad_request(
                "A webexCalling workspace needs a phoneNumber, an extension or both.",
                "calling.webexCalling",
                codes.NUMBER_OR_EXTENSION_REQUIRED,
            )
        if number is not None:
            if not isinstance(number, str) or not validation.E164.fullmatch(number):
                raise bad_request(f"{number} is not an E.164 number.", "phoneNumber")
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
            if not isinstance(extension, str) or not validation.EXTENSION.fullmatch(extension):
                raise bad_request("extension must be 2-10 digits.", "extension")
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
            raise bad_request("licenses must be a list of license ids.", "licenses")
        customer = self.state.customer_by_org(ws.org_id)
        known = {license_id(ws.org_id, p) for p in (customer.packages if customer else [])}
        unknown = [x for x in licenses if x not in known]
        if unknown:
            raise bad_request(
                f"Unknown license ids for this organization: {', '.join(unknown)}.", "licenses"
            )
        if not licenses and customer is not None:
            # Webex applies the oldest suitable licence; here: the common-area one if any.
            package = next(
                (p for p in ("common_area_calling", "webex_calling") if p in customer.packages),
                None,
            )
            licenses = [license_id(ws.org_id, package)] if package else []
        ws.calling_location_id = location.id
        ws.location_id = ws.location_id or location.id
        ws.phone_number, ws.extension, ws.licenses = number, extension, list(licenses)

    def list_workspaces(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        name, location_id = req.param("displayName"), req.param("locationId")
        calling = req.param("calling")
        items = [
            workspace_view(w)
            for w in sorted(self.state.workspaces.values(), key=lambda w: (w.created, w.id))
            if w.org_id == org_id
            and (name is None or w.display_name == name)
            and (location_id is None or w.location_id == location_id)
            and (calling is None or w.calling_type == calling)
        ]
        return page(req, items, default_max=100, cap=1000, offset_name="start")

    def get_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, workspace_view(self._workspace(m.group(1))))

    def update_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """``PUT /workspaces/{id}`` (200): name, location and the Webex Calling number and
        extension; the licence stays unless the body names one."""
        ws = self._workspace(m.group(1))
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        name = body.get("displayName", ws.display_name)
        if not isinstance(name, str) or not name.strip():
            raise bad_request("displayName must not be empty.", "displayName")
        if any(
            w.org_id == ws.org_id and w.display_name == name and w.id != ws.id
            for w in self.state.workspaces.values()
        ):
            raise HttpError(
                409, f"A workspace named {name!r} already exists.", codes.DUPLICATE_NAME
            )
        location_id = body.get("locationId", ws.location_id)
        if location_id is not None:
            self._location_in_org(ws.org_id, location_id)
        calling = body.get("calling")
        if isinstance(calling, dict) and calling.get("type") == "webexCalling":
            if ws.calling_type != "webexCalling":
                raise bad_request("calling.type cannot change with an update.", "calling.type")
            saved = (ws.phone_number, ws.extension, ws.calling_location_id, ws.location_id)
            held = self.state.numbers.get(ws.phone_number or "")
            if held is not None and held.owner_id == ws.id:
                held.owner_id = None  # its own number and extension are free for it
            ws.phone_number = ws.extension = None
            ws.location_id = location_id
            params = dict(calling.get("webexCalling") or {})
            params.setdefault("licenses", list(ws.licenses))
            try:
                self._webex_calling(ws, params)
            except HttpError:
                ws.phone_number, ws.extension, ws.calling_location_id, ws.location_id = saved
                if held is not None:
                    held.owner_id = ws.id
                raise
            self._hold_number(ws)
        ws.display_name, ws.location_id = name, location_id
        return SandboxResponse.json(200, workspace_view(ws))

    def _hold_number(self, ws: Workspace) -> None:
        if ws.phone_number:
            self.state.numbers[ws.phone_number].owner_id = ws.id

    def delete_workspace(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        ws = self._workspace(m.group(1))
        self.state.drop_devices(workspace_id=ws.id)
        number = self.state.numbers.get(ws.phone_number or "")
        if number is not None and number.owner_id == ws.id:
            number.owner_id = None
        del self.state.workspaces[ws.id]
        return SandboxResponse(204)
