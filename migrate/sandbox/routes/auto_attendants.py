"""Auto attendants: ``/telephony/config/autoAttendants`` (the org's list) and
``/telephony/config/locations/{id}/autoAttendants`` (create, get, delete), after wxc_sdk's
``telephony/autoattendant.py`` (the Calling spec is not shipped).

Webex's checks: a name unique within the location; a number of the location that no
one holds, or an extension (2–10 digits) no one in the location has, or both;
``businessSchedule`` naming a businessHours schedule of the location and
``holidaySchedule`` (optional) a holidays one; both menus, each key 0–9, * or # at
most once, with a known action and, for a transfer, the number or extension to dial.
The number is held by the attendant until it is deleted.
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.routes.locations import location_in_request
from migrate.sandbox.state import AutoAttendant, Location

BASE = f"/telephony/config/locations/{SEGMENT}/autoAttendants"
KEYS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#")
ACTIONS = (
    "PLAY_ANNOUNCEMENT",
    "TRANSFER_WITH_PROMPT",
    "TRANSFER_WITHOUT_PROMPT",
    "TRANSFER_TO_OPERATOR",
    "TRANSFER_TO_MAILBOX",
    "NAME_DIALING",
    "EXTENSION_DIALING",
    "REPEAT_MENU",
    "EXIT",
    "RETURN_TO_PREVIOUS_MENU",
)
NEEDS_VALUE = ("TRANSFER_WITH_PROMPT", "TRANSFER_WITHOUT_PROMPT", "TRANSFER_TO_MAILBOX")
DIALING = ("ENTERPRISE", "GROUP")
GREETINGS = ("DEFAULT", "CUSTOM")
MENUS = ("businessHoursMenu", "afterHoursMenu")
# Fields kept as sent and shown by a GET (besides id, name, number and extension).
SETTINGS = (
    "firstName",
    "lastName",
    "businessSchedule",
    "holidaySchedule",
    "extensionDialing",
    "nameDialing",
    "languageCode",
    "timeZone",
    *MENUS,
)


def register(app: SandboxApp) -> None:
    routes = AutoAttendantRoutes(app)
    app.route("GET", "/telephony/config/autoAttendants", routes.list_auto_attendants)
    app.route("POST", BASE, routes.create_auto_attendant)
    app.route("GET", f"{BASE}/{SEGMENT}", routes.get_auto_attendant)
    app.route("PUT", f"{BASE}/{SEGMENT}", routes.update_auto_attendant)
    app.route("DELETE", f"{BASE}/{SEGMENT}", routes.delete_auto_attendant)


def validate_menu(raw: Any, field: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise bad_request(f"Mandatory parameter '{field}' is missing.", field, codes.NULL_PARAMETER)
    if raw.get("greeting") not in GREETINGS:
        raise bad_request(f"greeting must be one of {', '.join(GREETINGS)}.", f"{field}.greeting")
    if not isinstance(raw.get("extensionEnabled"), bool):
        raise bad_request("extensionEnabled must be a boolean.", f"{field}.extensionEnabled")
    keys = raw.get("keyConfigurations")
    if not isinstance(keys, list):
        raise bad_request("keyConfigurations must be a list.", f"{field}.keyConfigurations")
    seen: set[str] = set()
    for index, key in enumerate(keys):
        where = f"{field}.keyConfigurations[{index}]"
        if not isinstance(key, dict) or key.get("key") not in KEYS:
            raise bad_request(f"key must be one of {' '.join(KEYS)}.", f"{where}.key")
        if key["key"] in seen:
            raise bad_request(f"Key {key['key']} is configured twice.", f"{where}.key")
        seen.add(key["key"])
        if key.get("action") not in ACTIONS:
            raise bad_request(f"action must be one of {', '.join(ACTIONS)}.", f"{where}.action")
        value = key.get("value")
        if key["action"] in NEEDS_VALUE and not (isinstance(value, str) and value):
            raise bad_request(f"{key['action']} needs a value to transfer to.", f"{where}.value")
        if value is not None and not (
            isinstance(value, str)
            and (validation.E164.match(value) or validation.EXTENSION.match(value))
        ):
            raise bad_request("value must be an E.164 number or an extension.", f"{where}.value")
    treatment = raw.get("callTreatment")
    if treatment is not None:
        timer = treatment.get("noInputTimer") if isinstance(treatment, dict) else None
        if timer is not None and not (isinstance(timer, int) and 1 <= timer <= 60):
            raise bad_request("noInputTimer must be 1-60.", f"{field}.callTreatment.noInputTimer")
    return raw


class AutoAttendantRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _attendant(self, location_id: str, attendant_id: str) -> AutoAttendant:
        found = self.state.auto_attendants.get(attendant_id)
        if found is None or found.location_id != location_id:
            raise HttpError(404, "Auto attendant not found.", codes.NOT_FOUND)
        return found

    def _summary(self, aa: AutoAttendant) -> dict[str, Any]:
        location = self.state.locations.get(aa.location_id)
        view: dict[str, Any] = {
            "id": aa.id,
            "name": aa.name,
            "locationName": location.name if location else "",
            "locationId": aa.location_id,
            "tollFreeNumber": False,
        }
        if aa.phone_number:
            view["phoneNumber"] = aa.phone_number
        if aa.extension:
            view["extension"] = aa.extension
        return view

    def list_auto_attendants(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location_id, name = req.param("locationId"), req.param("name")
        items = [
            self._summary(a)
            for a in self.state.auto_attendants.values()
            if a.org_id == org_id
            and (location_id is None or a.location_id == location_id)
            and (name is None or a.name.casefold().startswith(name.casefold()))
        ]
        return page(req, items, default_max=2000, cap=2000, key="autoAttendants")

    def _check_number(self, location: Location, number: Any) -> None:
        if not isinstance(number, str) or not validation.E164.match(number):
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

    def _check_extension(self, location: Location, extension: Any) -> None:
        if not isinstance(extension, str) or not validation.EXTENSION.match(extension):
            raise bad_request("extension must be 2-10 digits.", "extension")
        taken = (
            any(
                a.location_id == location.id and a.extension == extension
                for a in self.state.auto_attendants.values()
            )
            or any(
                not s.deleted and s.location_id == location.id and s.extension == extension
                for s in self.state.subscribers.values()
            )
            or any(
                w.calling_location_id == location.id and w.extension == extension
                for w in self.state.workspaces.values()
            )
        )
        if taken:
            raise HttpError(
                409,
                f"Extension {extension} is already used in location {location.name!r}.",
                codes.EXTENSION_IN_USE,
            )

    def _check_schedule(self, location: Location, body: dict[str, Any], field: str) -> None:
        schedule_type = "businessHours" if field == "businessSchedule" else "holidays"
        name = body.get(field)
        if not any(
            s.location_id == location.id and s.type == schedule_type and s.name == name
            for s in self.state.schedules.values()
        ):
            raise HttpError(
                400,
                f"{field} {name!r} is not a {schedule_type} schedule of this location.",
                codes.NOT_FOUND,
            )

    def create_auto_attendant(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request(
                "Mandatory parameter 'name' is missing.", "name", codes.NULL_PARAMETER
            )
        if any(
            a.location_id == location.id and a.name == name
            for a in self.state.auto_attendants.values()
        ):
            raise HttpError(
                409,
                f"An auto attendant named {name!r} already exists in this location.",
                codes.DUPLICATE_NAME,
            )
        number, extension = body.get("phoneNumber"), body.get("extension")
        if number is None and extension is None:
            raise HttpError(
                400, "phoneNumber or extension is required.", codes.NUMBER_OR_EXTENSION_REQUIRED
            )
        if number is not None:
            self._check_number(location, number)
        if extension is not None:
            self._check_extension(location, extension)
        if body.get("businessSchedule") is None:
            raise bad_request(
                "Mandatory parameter 'businessSchedule' is missing.",
                "businessSchedule",
                codes.NULL_PARAMETER,
            )
        self._check_schedule(location, body, "businessSchedule")
        if body.get("holidaySchedule") is not None:
            self._check_schedule(location, body, "holidaySchedule")
        for field in ("extensionDialing", "nameDialing"):
            if body.get(field, "ENTERPRISE") not in DIALING:
                raise bad_request(f"{field} must be one of {', '.join(DIALING)}.", field)
        for menu in MENUS:
            validate_menu(body.get(menu), menu)
        aa = AutoAttendant(
            id=self.state.new_id("AUTO_ATTENDANT"),
            org_id=org_id,
            location_id=location.id,
            name=name,
            phone_number=number,
            extension=extension,
            settings={
                "extensionDialing": "ENTERPRISE",
                "nameDialing": "ENTERPRISE",
                **{k: body[k] for k in SETTINGS if body.get(k) is not None},
            },
        )
        self.state.auto_attendants[aa.id] = aa
        if number is not None:
            self.state.numbers[number].owner_id = aa.id
        return SandboxResponse.json(201, {"id": aa.id})

    def get_auto_attendant(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        aa = self._attendant(location.id, m.group(2))
        view = self._summary(aa)
        del view["locationName"], view["locationId"]
        view.update(
            {
                "enabled": True,
                "alternateNumbers": [],
                "timeZone": location.time_zone,
                **aa.settings,
            }
        )
        return SandboxResponse.json(200, view)

    def update_auto_attendant(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """``PUT``: the fields given change, the rest stay; ``phoneNumber: null`` lets the
        number go (the extension stays)."""
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        aa = self._attendant(location.id, m.group(2))
        changes = json_body(req)
        if not isinstance(changes, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        number = changes.get("phoneNumber", aa.phone_number)
        extension = changes.get("extension", aa.extension)
        if number is None and extension is None:
            raise HttpError(
                400, "phoneNumber or extension is required.", codes.NUMBER_OR_EXTENSION_REQUIRED
            )
        held = self.state.numbers.get(aa.phone_number or "")
        if held is not None and held.owner_id == aa.id:
            held.owner_id = None  # its own number is free for it
        try:
            if number is not None:
                self._check_number(location, number)
        except HttpError:
            if held is not None:
                held.owner_id = aa.id
            raise
        if extension is not None and extension != aa.extension:
            self._check_extension(location, extension)
        for menu in MENUS:
            if menu in changes:
                validate_menu(changes[menu], menu)
        aa.name = str(changes.get("name", aa.name))
        aa.phone_number, aa.extension = number, extension
        aa.settings.update({k: changes[k] for k in SETTINGS if changes.get(k) is not None})
        if number is not None:
            self.state.numbers[number].owner_id = aa.id
        return SandboxResponse(204)

    def delete_auto_attendant(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        aa = self._attendant(location.id, m.group(2))
        held = self.state.numbers.get(aa.phone_number or "")
        if held is not None and held.owner_id == aa.id:
            held.owner_id = None
        del self.state.auto_attendants[aa.id]
        return SandboxResponse(204)
