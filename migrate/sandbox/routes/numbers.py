"""``/telephony/config/locations/{id}/numbers`` (add, activate or deactivate, remove) and
``/telephony/config/numbers`` (list, with each number's owner: a person or a workspace)."""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.routes.locations import location_in_request
from migrate.sandbox.state import Number
from migrate.sandbox.validation import Problem


def register(app: SandboxApp) -> None:
    routes = NumberRoutes(app)
    app.route("POST", f"/telephony/config/locations/{SEGMENT}/numbers", routes.add_numbers)
    app.route("PUT", f"/telephony/config/locations/{SEGMENT}/numbers", routes.set_state)
    app.route("DELETE", f"/telephony/config/locations/{SEGMENT}/numbers", routes.remove_numbers)
    app.route("GET", "/telephony/config/numbers", routes.list_numbers)


MAX_STATE_CHANGES = 500  # numbers one activate / deactivate request may name
STATE_ACTIONS = {"ACTIVATE": "ACTIVE", "DEACTIVATE": "INACTIVE"}


def _phone_numbers(body: Any, limit: int) -> list[str]:
    numbers = body.get("phoneNumbers") if isinstance(body, dict) else None
    if not isinstance(numbers, list) or not numbers:
        raise HttpError(
            400,
            [
                Problem(
                    "Mandatory parameter 'phoneNumbers' is missing.",
                    codes.NULL_PARAMETER,
                    "phoneNumbers",
                )
            ],
        )
    if len(numbers) > limit:
        raise HttpError(400, f"At most {limit} numbers per request.", codes.INVALID_PARAMETER_SIZE)
    bad = [n for n in numbers if not (isinstance(n, str) and validation.E164.fullmatch(n))]
    if bad:
        raise HttpError(
            400,
            f"Not E.164 numbers: {', '.join(map(str, bad))}.",
            codes.INVALID_PARAMETER_VALUE,
        )
    return list(dict.fromkeys(numbers))


class NumberRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def add_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = location_in_request(self.state, req, m.group(1))
        if not location.calling_enabled:
            raise HttpError(
                400, "The location is not enabled for Webex Calling.", codes.LOCATION_NOT_IN_ORG
            )
        body = json_body(req)
        numbers = _phone_numbers(body, 1000)
        taken = [n for n in numbers if n in self.state.numbers]
        if taken:
            raise HttpError(
                409, f"Numbers already in use: {', '.join(taken)}.", codes.NUMBER_IN_USE
            )
        state = body.get("state", "ACTIVE")
        if state not in STATE_ACTIONS.values():
            raise HttpError(
                400,
                f"Invalid state {state!r}: use ACTIVE or INACTIVE.",
                codes.INVALID_PARAMETER_VALUE,
            )
        number_type = body.get("numberType", "DID")
        for number in numbers:
            self.state.numbers[number] = Number(
                number, location.org_id, location.id, state, number_type
            )
        return SandboxResponse(200)

    def set_state(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """Activate (the default) or deactivate numbers of this location, all or none.

        Webex's rules: at most 500 numbers, all of this location; never mobile
        numbers; only unassigned numbers can be deactivated.
        """
        location = location_in_request(self.state, req, m.group(1))
        body = json_body(req)
        numbers = _phone_numbers(body, MAX_STATE_CHANGES)
        action = body.get("action", "ACTIVATE")
        if action not in STATE_ACTIONS:
            raise HttpError(
                400,
                f"Invalid action {action!r}: use ACTIVATE or DEACTIVATE.",
                codes.INVALID_PARAMETER_VALUE,
            )
        elsewhere = [
            n
            for n in numbers
            if (record := self.state.numbers.get(n)) is None or record.location_id != location.id
        ]
        if elsewhere:
            raise HttpError(
                400,
                f"Numbers not in this location: {', '.join(elsewhere)}.",
                codes.NUMBER_NOT_IN_LOCATION,
            )
        records = [self.state.numbers[n] for n in numbers]
        mobile = [r.phone_number for r in records if r.number_type == "MOBILE"]
        if mobile:
            raise HttpError(
                400,
                f"Mobile numbers change state when assigned, not here: {', '.join(mobile)}.",
                codes.INVALID_PARAMETER_VALUE,
            )
        # Webex deactivates only unassigned numbers (an assigned one is a user's line).
        assigned = [r.phone_number for r in records if r.owner_id is not None]
        if action == "DEACTIVATE" and assigned:
            raise HttpError(
                400,
                f"Only unassigned numbers can be deactivated: {', '.join(assigned)}.",
                codes.NUMBER_IN_USE,
            )
        for number in numbers:
            record = self.state.numbers[number]
            record.state = STATE_ACTIONS[action]
            if action == "ACTIVATE":
                record.activations += 1
            else:
                record.deactivations += 1
        return SandboxResponse(204)

    def remove_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = location_in_request(self.state, req, m.group(1))
        numbers = _phone_numbers(json_body(req), 5)
        for number in numbers:
            record = self.state.numbers.get(number)
            if record is None or record.location_id != location.id:
                raise HttpError(404, f"{number} is not in this location.", codes.NOT_FOUND)
            if record.owner_id is not None:
                raise HttpError(
                    409, f"{number} is assigned; unassign it first.", codes.NUMBER_IN_USE
                )
        for number in numbers:
            del self.state.numbers[number]
        return SandboxResponse(204)

    def _number_view(self, number: Number) -> dict[str, Any]:
        location = self.state.locations.get(number.location_id)
        view: dict[str, Any] = {
            "phoneNumber": number.phone_number,
            "state": number.state,
            "phoneNumberType": "PRIMARY",
            "mainNumber": False,
            "tollFreeNumber": number.number_type == "TOLLFREE",
            "isServiceNumber": False,
            "location": {"id": number.location_id, "name": location.name if location else ""},
        }
        owner = self.state.subscribers.get(number.owner_id or "")
        if owner is not None:
            if owner.extension:
                view["extension"] = owner.extension
            view["owner"] = {
                "id": owner.person_id,
                "type": "PEOPLE",
                "firstName": owner.first_name or "",
                "lastName": owner.last_name or "",
            }
        place = self.state.workspaces.get(number.owner_id or "")
        if place is not None:
            if place.extension:
                view["extension"] = place.extension
            view["owner"] = {"id": place.id, "type": "PLACE", "lastName": place.display_name}
        for owner_type, table in (
            ("HUNT_GROUP", self.state.hunt_groups),
            ("CALL_QUEUE", self.state.call_queues),
        ):
            feature = table.get(number.owner_id or "")
            if feature is not None:
                if feature.extension:
                    view["extension"] = feature.extension
                view["owner"] = {"id": feature.id, "type": owner_type, "lastName": feature.name}
        attendant = self.state.auto_attendants.get(number.owner_id or "")
        if attendant is not None:
            if attendant.extension:
                view["extension"] = attendant.extension
            view["owner"] = {
                "id": attendant.id,
                "type": "AUTO_ATTENDANT",
                "lastName": attendant.name,
            }
        group = self.state.call_groups.get(number.owner_id or "")
        if group is not None:
            if group.data.get("extension"):
                view["extension"] = group.data["extension"]
            view["owner"] = {"id": group.id, "type": "PAGING_GROUP", "lastName": group.name}
        return view

    def list_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location_id = req.param("locationId")
        items = [
            self._number_view(number)
            for number in sorted(self.state.numbers.values(), key=lambda n: n.phone_number)
            if number.org_id == org_id and not (location_id and number.location_id != location_id)
        ]
        return page(req, items, default_max=2000, cap=2000, key="phoneNumbers", offset_name="start")
