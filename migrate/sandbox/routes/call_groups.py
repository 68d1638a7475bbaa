"""A location's call parks, call pickups and paging groups: create, read, list, update,
delete, with the fields and checks of wxc_sdk (telephony/callpark.py, callpickup.py,
paging.py).

Bodies name members by id; reads return them as objects (id, names, type, numbers),
in the order they were given. Webex's rules: names unique per kind in a location
(at most 80 characters, 30 for paging); members are people or Webex Calling
workspaces of the org; a call park's or pickup's members are of its location and
in no other call park (pickup) of it; a paging group has a number of its location
that nobody holds or an extension nobody uses, and at most 75 targets. Unknown
fields are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import CallGroup, Location, Subscriber, Workspace
from migrate.sandbox.validation import Problem

RECALL_OPTIONS = (
    "ALERT_PARKING_USER_ONLY",
    "ALERT_PARKING_USER_FIRST_THEN_HUNT_GROUP",
    "ALERT_HUNT_GROUP_ONLY",
)
NOTIFICATION_TYPES = ("NONE", "AUDIO_ONLY", "VISUAL_ONLY", "AUDIO_AND_VISUAL")
MAX_PAGING_TARGETS = 75
_IDS = "ids"  # a list of member ids


@dataclass(frozen=True)
class Spec:
    path: str  # the segment under /telephony/config/locations/{id}/
    id_kind: str  # the type in its base64 id
    list_key: str
    max_name: int
    fields: dict[str, Any]  # body field → type (or a tuple of allowed values, or _IDS)
    exclusive: bool  # a member may be in one of these per location only


SPECS: dict[str, Spec] = {
    "callParks": Spec(
        "callParks",
        "CALL_PARK",
        "callParks",
        80,
        {
            "name": str,
            "recall": {"option": RECALL_OPTIONS, "huntGroupId": str},
            "agents": _IDS,
            "parkOnAgentsEnabled": bool,
            "callParkExtensions": list,
        },
        True,
    ),
    "callPickups": Spec(
        "callPickups",
        "CALL_PICKUP",
        "callPickups",
        80,
        {
            "name": str,
            "notificationType": NOTIFICATION_TYPES,
            "notificationDelayTimerSeconds": int,
            "agents": _IDS,
        },
        True,
    ),
    "paging": Spec(
        "paging",
        "PAGING_GROUP",
        "locationPaging",
        30,
        {
            "name": str,
            "enabled": bool,
            "phoneNumber": str,
            "extension": str,
            "languageCode": str,
            "firstName": str,
            "lastName": str,
            "originatorCallerIdEnabled": bool,
            "originators": _IDS,
            "targets": _IDS,
            "dialByName": str,
        },
        False,
    ),
}
Member = Subscriber | Workspace


def register(app: SandboxApp) -> None:
    routes = CallGroupRoutes(app)
    base = f"/telephony/config/locations/{SEGMENT}"
    for segment in SPECS:
        app.route("GET", f"{base}/{segment}", routes.lister(segment))
        app.route("POST", f"{base}/{segment}", routes.creator(segment))
        app.route("GET", f"{base}/{segment}/{SEGMENT}", routes.getter(segment))
        app.route("PUT", f"{base}/{segment}/{SEGMENT}", routes.updater(segment))
        app.route("DELETE", f"{base}/{segment}/{SEGMENT}", routes.deleter(segment))
    app.route("GET", "/telephony/config/paging", routes.list_org_paging)


Route = Callable[[SandboxRequest, re.Match[str]], SandboxResponse]


def _check_fields(schema: dict[str, Any], body: dict[str, Any], prefix: str = "") -> None:
    for name, value in body.items():
        where = f"{prefix}{name}"
        if name not in schema:
            raise bad_request(f"Unknown field {where}.", where)
        kind = schema[name]
        if value is None:
            continue
        if isinstance(kind, dict):
            if not isinstance(value, dict):
                raise bad_request(f"{where} must be an object.", where)
            _check_fields(kind, value, f"{where}.")
        elif isinstance(kind, tuple):
            if value not in kind:
                raise bad_request(f"{where} must be one of {', '.join(kind)}.", where)
        elif kind == _IDS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad_request(f"{where} must be a list of ids.", where)
        elif kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise bad_request(f"{where} must be an integer.", where)
        elif not isinstance(value, kind):
            raise bad_request(f"{where} must be a {kind.__name__}.", where)


class CallGroupRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    # -- lookups

    def _location(self, req: SandboxRequest, location_id: str) -> tuple[str, Location]:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        location = self.state.locations.get(location_id)
        if location is None or location.org_id != org_id:
            raise HttpError(404, "Location not found.", codes.NOT_FOUND)
        if not location.calling_enabled:
            raise HttpError(
                400,
                [
                    Problem(
                        "The location is not enabled for Webex Calling.", codes.LOCATION_NOT_IN_ORG
                    )
                ],
            )
        return org_id, location

    def _group(self, segment: str, location: Location, group_id: str) -> CallGroup:
        group = self.state.call_groups.get(group_id)
        if group is None or group.kind != segment or group.location_id != location.id:
            raise HttpError(404, "Feature not found.", codes.NOT_FOUND)
        return group

    def _member(self, org_id: str, member_id: str) -> Member | None:
        workspace = self.state.workspaces.get(member_id)
        if workspace is not None:
            ok = workspace.org_id == org_id and workspace.calling_type == "webexCalling"
            return workspace if ok else None
        customer = self.state.customer_by_org(org_id)
        for sub in self.state.subscribers_of(customer.id) if customer else []:
            if sub.person_id == member_id and not sub.deleted and not sub.person_deleted:
                return sub
        return None

    @staticmethod
    def _member_location(member: Member) -> str | None:
        if isinstance(member, Workspace):
            return member.calling_location_id
        return member.location_id

    # -- validation

    def _validated(
        self,
        segment: str,
        org_id: str,
        location: Location,
        body: Any,
        current: CallGroup | None = None,
    ) -> dict[str, Any]:
        spec = SPECS[segment]
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        _check_fields(spec.fields, body)
        data = {**(current.data if current else {}), **body}
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request(
                "Mandatory parameter 'name' is missing.", "name", codes.NULL_PARAMETER
            )
        if len(name) > spec.max_name:
            raise bad_request(
                f"name is longer than {spec.max_name} characters.",
                "name",
                codes.INVALID_PARAMETER_SIZE,
            )
        for other in self.state.call_groups.values():
            if (
                other.kind == segment
                and other.location_id == location.id
                and other.name == name
                and other is not current
            ):
                raise HttpError(
                    409, f"{name!r} already exists in this location.", codes.DUPLICATE_NAME
                )
        for field in ("agents", "originators", "targets"):
            self._members(segment, org_id, location, data.get(field) or [], field, current)
        if segment == "callParks":
            recall = data.get("recall") or {}
            option = recall.get("option", "ALERT_PARKING_USER_ONLY")
            if option != "ALERT_PARKING_USER_ONLY" and not recall.get("huntGroupId"):
                raise bad_request(f"recall {option} needs a huntGroupId.", "recall.huntGroupId")
        if segment == "paging":
            self._paging(org_id, location, data, current)
        return data

    def _members(
        self,
        segment: str,
        org_id: str,
        location: Location,
        ids: list[str],
        field: str,
        current: CallGroup | None,
    ) -> None:
        spec = SPECS[segment]
        if len(set(ids)) != len(ids):
            raise bad_request(f"{field} names a member twice.", field)
        if field == "targets" and len(ids) > MAX_PAGING_TARGETS:
            raise bad_request(f"A paging group has at most {MAX_PAGING_TARGETS} targets.", field)
        for member_id in ids:
            member = self._member(org_id, member_id)
            if member is None:
                raise bad_request(f"{member_id} is not a person or workspace of this org.", field)
            if not spec.exclusive:
                continue
            if self._member_location(member) != location.id:
                raise bad_request(f"{member_id} is not in this location.", field)
            for other in self.state.call_groups.values():
                if (
                    other.kind == segment
                    and other.location_id == location.id
                    and other is not current
                    and member_id in (other.data.get("agents") or [])
                ):
                    raise HttpError(
                        409,
                        [
                            Problem(
                                f"{member_id} is already a member of {other.name!r}.",
                                codes.INVALID_PARAMETER_VALUE,
                                field,
                            )
                        ],
                    )

    def _paging(
        self, org_id: str, location: Location, data: dict[str, Any], current: CallGroup | None
    ) -> None:
        number, extension = data.get("phoneNumber"), data.get("extension")
        if not number and not extension:
            raise bad_request(
                "Either phoneNumber or extension is mandatory.",
                "phoneNumber",
                codes.NUMBER_OR_EXTENSION_REQUIRED,
            )
        if data.get("originators") and data.get("originatorCallerIdEnabled") is None:
            raise bad_request(
                "originatorCallerIdEnabled is required with originators.",
                "originatorCallerIdEnabled",
            )
        mine = current.id if current else None
        if number:
            if not validation.E164.match(number):
                raise bad_request(f"{number} is not an E.164 number.", "phoneNumber")
            record = self.state.numbers.get(number)
            if record is None or record.location_id != location.id:
                raise HttpError(
                    400,
                    f"{number} has not been added to location {location.name!r}.",
                    codes.NUMBER_NOT_IN_LOCATION,
                )
            if record.owner_id not in (None, mine):
                raise HttpError(409, f"{number} is already assigned.", codes.NUMBER_IN_USE)
        if extension:
            if not validation.EXTENSION.match(extension):
                raise bad_request("extension must be 2-10 digits.", "extension")
            customer = self.state.customer_by_org(org_id)
            people = self.state.subscribers_of(customer.id) if customer else []
            taken = (
                any(not p.deleted and p.extension == extension for p in people)
                or self.state.workspace_with_extension(org_id, extension) is not None
                or any(
                    g.org_id == org_id and g.id != mine and g.data.get("extension") == extension
                    for g in self.state.call_groups.values()
                )
            )
            if taken:
                raise HttpError(
                    409, f"Extension {extension} is already used.", codes.EXTENSION_IN_USE
                )

    def _hold(self, group: CallGroup, number: Any) -> None:
        held = self.state.numbers.get(number) if isinstance(number, str) else None
        if held is not None:
            held.owner_id = group.id

    def _release(self, group: CallGroup) -> None:
        held = self.state.numbers.get(group.data.get("phoneNumber") or "")
        if held is not None and held.owner_id == group.id:
            held.owner_id = None

    # -- views

    def _member_view(self, org_id: str, member_id: str) -> dict[str, Any] | None:
        member = self._member(org_id, member_id)
        if member is None:
            return None  # deleted since: Webex drops it from the feature
        if isinstance(member, Workspace):
            view: dict[str, Any] = {"id": member.id, "firstName": member.display_name}
            view["displayName"] = member.display_name
            view["type"] = "PLACE"
            number, extension = member.phone_number, member.extension
        else:
            view = {"id": member.person_id, "firstName": member.first_name}
            view["lastName"] = member.last_name
            view["displayName"] = " ".join(p for p in (member.first_name, member.last_name) if p)
            view["type"] = "PEOPLE"
            number, extension = member.primary_phone_number, member.extension
        return {
            **{k: v for k, v in view.items() if v},
            "numbers": [{"external": number, "extension": extension, "primary": True}],
        }

    def _paging_member_view(self, org_id: str, member_id: str) -> dict[str, Any] | None:
        full = self._member_view(org_id, member_id)
        if full is None:
            return None
        number = full["numbers"][0]
        view: dict[str, Any] = {
            k: full[k] for k in ("id", "firstName", "lastName", "type") if k in full
        }
        if number.get("external"):
            view["phoneNumber"] = number["external"]
        if number.get("extension"):
            view["extension"] = number["extension"]
        return view

    def _view(self, group: CallGroup, *, summary: bool = False) -> dict[str, Any]:
        location = self.state.locations[group.location_id]
        view: dict[str, Any] = {"id": group.id, **group.data}
        if summary:
            view = {"id": group.id, "name": group.name}
            if group.kind == "paging":
                view.update(
                    {k: group.data[k] for k in ("phoneNumber", "extension") if group.data.get(k)}
                )
        view["locationName"] = location.name
        view["locationId"] = location.id
        if summary:
            return view
        member = self._paging_member_view if group.kind == "paging" else self._member_view
        for field in ("agents", "originators", "targets"):
            if field in view:
                views = [member(group.org_id, m) for m in view[field]]
                view[field] = [v for v in views if v is not None]
        if group.kind == "callParks":
            view.setdefault("recall", {"option": "ALERT_PARKING_USER_ONLY"})
            view.setdefault("parkOnAgentsEnabled", False)
            view.setdefault("callParkExtensions", [])
        if group.kind == "callPickups":
            view.setdefault("notificationType", "NONE")
            view.setdefault("notificationDelayTimerSeconds", 6)
        if group.kind == "paging":
            view.setdefault("enabled", True)
            view.setdefault("originatorCallerIdEnabled", False)
        return view

    # -- handlers

    def lister(self, segment: str) -> Route:
        def handle(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            _org, location = self._location(req, m.group(1))
            return self._list(req, segment, [location.id])

        return handle

    def list_org_paging(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        wanted = req.param("locationId")
        locations = [
            loc.id
            for loc in self.state.locations.values()
            if loc.org_id == org_id and (wanted is None or loc.id == wanted)
        ]
        return self._list(req, "paging", locations)

    def _list(self, req: SandboxRequest, segment: str, locations: list[str]) -> SandboxResponse:
        name = req.param("name")
        items = [
            self._view(g, summary=True)
            for g in sorted(self.state.call_groups.values(), key=lambda g: (g.name, g.id))
            if g.kind == segment
            and g.location_id in locations
            and (name is None or name.casefold() in g.name.casefold())  # Webex: contains
        ]
        return page(
            req, items, default_max=2000, cap=2000, key=SPECS[segment].list_key, offset_name="start"
        )

    def creator(self, segment: str) -> Route:
        def handle(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            org_id, location = self._location(req, m.group(1))
            data = self._validated(segment, org_id, location, json_body(req))
            group = CallGroup(
                id=self.state.new_id(SPECS[segment].id_kind),
                org_id=org_id,
                location_id=location.id,
                kind=segment,
                name=data["name"],
                data=data,
            )
            self.state.call_groups[group.id] = group
            self._hold(group, data.get("phoneNumber"))
            return SandboxResponse.json(201, {"id": group.id})

        return handle

    def getter(self, segment: str) -> Route:
        def handle(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            _org, location = self._location(req, m.group(1))
            return SandboxResponse.json(200, self._view(self._group(segment, location, m.group(2))))

        return handle

    def updater(self, segment: str) -> Route:
        def handle(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            org_id, location = self._location(req, m.group(1))
            group = self._group(segment, location, m.group(2))
            changes = json_body(req)
            if not isinstance(changes, dict):
                raise bad_request("The request body must be a JSON object.", "body")
            # Webex's telephony PUTs change the fields given; the rest stay.
            merged = {k: v for k, v in {**group.data, **changes}.items() if v is not None}
            data = self._validated(segment, org_id, location, merged, group)
            self._release(group)
            group.data, group.name = data, data["name"]
            self._hold(group, data.get("phoneNumber"))
            return SandboxResponse.json(200, {"id": group.id})

        return handle

    def deleter(self, segment: str) -> Route:
        def handle(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            _org, location = self._location(req, m.group(1))
            group = self._group(segment, location, m.group(2))
            self._release(group)
            del self.state.call_groups[group.id]
            return SandboxResponse(204)

        return handle
