"""``/telephony/config/locations/{id}/schedules``: list, create, get, delete, after
wxc_sdk's ``common/schedules.py`` (the Calling spec is not shipped).

A schedule is ``businessHours`` or ``holidays`` and its name is unique per type within
the location (409 otherwise). Each event has a unique name, a start and end date, and
either ``allDayEnabled`` or a start and end time (``HH:MM``); location schedules repeat
weekly (``recurWeekly``) or yearly (``recurYearlyByDate`` / ``recurYearlyByDay``),
ending never, on a date, or after a number of occurrences. A schedule an auto attendant
uses cannot be deleted (409).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.routes.locations import location_in_request
from migrate.sandbox.state import Schedule

BASE = f"/telephony/config/locations/{SEGMENT}/schedules"
TYPES = ("businessHours", "holidays")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = (
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
)
WEEKS = ("FIRST", "SECOND", "THIRD", "FOURTH")
PATTERNS = ("recurWeekly", "recurYearlyByDate", "recurYearlyByDay")
ENDS = ("recurForEver", "recurEndDate", "recurEndOccurrence")
NAME_MAX = 80


def register(app: SandboxApp) -> None:
    routes = ScheduleRoutes(app)
    app.route("GET", BASE, routes.list_schedules)
    app.route("POST", BASE, routes.create_schedule)
    app.route("GET", f"{BASE}/{SEGMENT}/{SEGMENT}", routes.get_schedule)
    app.route("DELETE", f"{BASE}/{SEGMENT}/{SEGMENT}", routes.delete_schedule)


def _date(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise bad_request(f"{field} must be a date (YYYY-MM-DD).", field)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{field} must be a date (YYYY-MM-DD).", field) from None
    return value


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"Mandatory parameter '{field}' is missing.", field, codes.NULL_PARAMETER)
    if len(value) > NAME_MAX:
        raise bad_request(
            f"{field} is longer than {NAME_MAX} characters.", field, codes.INVALID_PARAMETER_SIZE
        )
    return value


def _recurrence(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise bad_request("recurrence must be an object.", where)
    unknown = sorted(set(value) - set(PATTERNS) - set(ENDS))
    if unknown:
        # recurDaily is a person's schedule's; monthly repeats do not exist in Webex.
        raise bad_request(f"Location schedules do not support {', '.join(unknown)}.", where)
    patterns = [p for p in PATTERNS if value.get(p) is not None]
    if len(patterns) != 1:
        raise bad_request(f"Exactly one of {', '.join(PATTERNS)} is required.", where)
    if sum(value.get(e) not in (None, False) for e in ENDS) > 1:
        raise bad_request(f"At most one of {', '.join(ENDS)}.", where)
    pattern = value[patterns[0]]
    if not isinstance(pattern, dict):
        raise bad_request(f"{patterns[0]} must be an object.", where)
    if patterns[0] == "recurWeekly" and not any(pattern.get(d) is True for d in DAYS):
        raise bad_request("recurWeekly needs at least one day.", where)
    if patterns[0] != "recurWeekly" and pattern.get("month") not in MONTHS:
        raise bad_request(f"month must be one of {', '.join(MONTHS)}.", where)
    if patterns[0] == "recurYearlyByDay" and pattern.get("week") not in WEEKS:
        raise bad_request(f"week must be one of {', '.join(WEEKS)}.", where)
    if patterns[0] == "recurYearlyByDate" and not (
        isinstance(pattern.get("dayOfMonth"), int) and 1 <= pattern["dayOfMonth"] <= 31
    ):
        raise bad_request("dayOfMonth must be 1-31.", where)
    if value.get("recurEndDate") is not None:
        _date(value["recurEndDate"], "recurEndDate")


def validate_event(raw: Any, index: int) -> dict[str, Any]:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise bad_request("An event must be an object.", where)
    event: dict[str, Any] = {"name": _name(raw.get("name"), f"{where}.name")}
    event["startDate"] = _date(raw.get("startDate"), f"{where}.startDate")
    event["endDate"] = _date(raw.get("endDate"), f"{where}.endDate")
    if event["endDate"] < event["startDate"]:
        raise bad_request("endDate is before startDate.", f"{where}.endDate")
    all_day = raw.get("allDayEnabled", False)
    if not isinstance(all_day, bool):
        raise bad_request("allDayEnabled must be a boolean.", f"{where}.allDayEnabled")
    event["allDayEnabled"] = all_day
    if not all_day:
        for field in ("startTime", "endTime"):
            if not isinstance(raw.get(field), str) or not TIME.match(raw[field]):
                raise bad_request(f"{field} must be HH:MM when not all day.", f"{where}.{field}")
            event[field] = raw[field]
    if raw.get("recurrence") is not None:
        _recurrence(raw["recurrence"], f"{where}.recurrence")
        event["recurrence"] = raw["recurrence"]
    return event


class ScheduleRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _schedule(self, location_id: str, schedule_type: str, schedule_id: str) -> Schedule:
        schedule = self.state.schedules.get(schedule_id)
        if (
            schedule is None
            or schedule.location_id != location_id
            or schedule.type != schedule_type
        ):
            raise HttpError(404, "Schedule not found.", codes.NOT_FOUND)
        return schedule

    def _view(self, schedule: Schedule, events: bool) -> dict[str, Any]:
        location = self.state.locations.get(schedule.location_id)
        view: dict[str, Any] = {
            "id": schedule.id,
            "name": schedule.name,
            "type": schedule.type,
            "locationName": location.name if location else "",
            "locationId": schedule.location_id,
        }
        if events:
            view["events"] = [dict(e) for e in schedule.events]
        return view

    def list_schedules(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        wanted_type, name = req.param("type"), req.param("name")
        items = [
            self._view(s, events=False)
            for s in self.state.schedules.values()
            if s.location_id == location.id
            and (wanted_type is None or s.type == wanted_type)
            # Webex's name filter matches the start of the name.
            and (name is None or s.name.casefold().startswith(name.casefold()))
        ]
        return page(req, items, default_max=2000, cap=2000, key="schedules")

    def create_schedule(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        body = json_body(req)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        name = _name(body.get("name"), "name")
        schedule_type = body.get("type")
        if schedule_type not in TYPES:
            raise bad_request(f"type must be one of {', '.join(TYPES)}.", "type")
        raw_events = body.get("events") or []
        if not isinstance(raw_events, list):
            raise bad_request("events must be a list.", "events")
        events = [validate_event(raw, i) for i, raw in enumerate(raw_events)]
        names = [e["name"] for e in events]
        if len(set(names)) != len(names):
            raise bad_request("Event names must be unique within a schedule.", "events")
        if any(
            s.location_id == location.id and s.type == schedule_type and s.name == name
            for s in self.state.schedules.values()
        ):
            raise HttpError(
                409,
                f"A {schedule_type} schedule named {name!r} already exists in this location.",
                codes.DUPLICATE_NAME,
            )
        schedule = Schedule(
            id=self.state.new_id("SCHEDULE"),
            org_id=org_id,
            location_id=location.id,
            type=schedule_type,
            name=name,
            events=[{"id": self.state.new_id("SCHEDULE_EVENT"), **e} for e in events],
        )
        self.state.schedules[schedule.id] = schedule
        return SandboxResponse.json(201, {"id": schedule.id})

    def get_schedule(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        schedule = self._schedule(location.id, m.group(2), m.group(3))
        return SandboxResponse.json(200, self._view(schedule, events=True))

    def delete_schedule(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = location_in_request(self.state, req, m.group(1))
        schedule = self._schedule(location.id, m.group(2), m.group(3))
        field = "businessSchedule" if schedule.type == "businessHours" else "holidaySchedule"
        users = [
            a.name
            for a in self.state.auto_attendants.values()
            if a.location_id == location.id and a.settings.get(field) == schedule.name
        ]
        if users:
            raise HttpError(
                409,
                f"Schedule {schedule.name!r} is used by auto attendant(s) {', '.join(users)}.",
                codes.SCHEDULE_IN_USE,
            )
        del self.state.schedules[schedule.id]
        return SandboxResponse(204)
