"""``/telephony/config/…/huntGroups`` and ``…/queues``: create, read, list, update, delete.

After wxc_sdk's ``telephony/huntgroup.py`` and ``telephony/callqueue`` (Cisco's
Calling OpenAPI is not shipped). Webex's rules kept here: a name unique in its
location, a number added to the location and free, an extension unique in the
location, agents that exist in the org (people and workspaces), a policy from the
enum, weights only (and summing to 100) with WEIGHTED, skill levels only with
skill-based routing, at most 50 agents with SIMULTANEOUS and 100 with WEIGHTED.
A Customer Assist queue is asked for with ``?hasCxEssentials=true``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Location, LocationFeature

POLICIES = ("CIRCULAR", "REGULAR", "SIMULTANEOUS", "UNIFORM", "WEIGHTED")
MAX_AGENTS = {"SIMULTANEOUS": 50, "WEIGHTED": 100}
MAX_AGENTS_DEFAULT = 1000
ROUTING_TYPES = ("PRIORITY_BASED", "SKILL_BASED")
MAX_QUEUE = 250
CX = "hasCxEssentials"
# Fields a create or update may carry (wxc_sdk's HGandCQ, HuntGroup and CallQueue).
COMMON_FIELDS = frozenset(
    {
        "name",
        "phoneNumber",
        "extension",
        "callingLineIdPolicy",
        "callingLineIdPhoneNumber",
        "alternateNumberSettings",
        "enabled",
        "languageCode",
        "firstName",
        "lastName",
        "timeZone",
        "agents",
        "callPolicies",
        "directLineCallerIdName",
        "dialByName",
    }
)
AGENT_FIELDS = frozenset({"id", "weight", "skillLevel", "joinEnabled"})


@dataclass(frozen=True)
class Family:
    path: str  # URL segment: huntGroups | queues
    list_key: str
    id_kind: str
    fields: frozenset[str]
    label: str


HUNT_GROUPS = Family(
    "huntGroups",
    "huntGroups",
    "HUNT_GROUP",
    COMMON_FIELDS | {"alternateNumbers", "huntGroupCallerIdForOutgoingCallsEnabled"},
    "hunt group",
)
QUEUES = Family(
    "queues",
    "queues",
    "CALL_QUEUE",
    COMMON_FIELDS
    | {
        "queueSettings",
        "allowCallWaitingForAgentsEnabled",
        "allowAgentJoinEnabled",
        "phoneNumberForOutgoingCallsEnabled",
        "department",
    },
    "call queue",
)


def register(app: SandboxApp) -> None:
    for family in (HUNT_GROUPS, QUEUES):
        routes = FeatureRoutes(app, family)
        here = f"/telephony/config/locations/{SEGMENT}/{family.path}"
        app.route("GET", f"/telephony/config/{family.path}", routes.list_features)
        app.route("POST", here, routes.create_feature)
        app.route("GET", f"{here}/{SEGMENT}", routes.get_feature)
        app.route("PUT", f"{here}/{SEGMENT}", routes.update_feature)
        app.route("DELETE", f"{here}/{SEGMENT}", routes.delete_feature)


class FeatureRoutes:
    def __init__(self, app: SandboxApp, family: Family) -> None:
        self.app = app
        self.state = app.state
        self.family = family
        self.table: dict[str, LocationFeature] = getattr(
            app.state, "hunt_groups" if family is HUNT_GROUPS else "call_queues"
        )

    # ------------------------------------------------------------------ lookups

    def _org(self, req: SandboxRequest) -> str:
        return org_in_use(
            self.state, self.app.clock, req.param("orgId") or self.state.partner_org_id
        )

    def _location(self, req: SandboxRequest, location_id: str) -> Location:
        org_id = self._org(req)
        location = self.state.locations.get(location_id)
        if location is None or location.org_id != org_id:
            raise HttpError(404, "Location not found.", codes.NOT_FOUND)
        if not location.calling_enabled:
            raise bad_request(
                "The location is not enabled for Webex Calling.",
                "locationId",
                codes.LOCATION_NOT_IN_ORG,
            )
        return location

    def _feature(self, location: Location, feature_id: str) -> LocationFeature:
        found = self.table.get(feature_id)
        if found is None or found.location_id != location.id:
            raise HttpError(404, f"The {self.family.label} was not found.", codes.NOT_FOUND)
        return found

    # ------------------------------------------------------------------ validation

    def _check(
        self, location: Location, body: Any, own: LocationFeature | None = None
    ) -> tuple[str, str | None, str | None, dict[str, Any]]:
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        unknown = sorted(set(body) - self.family.fields)
        if unknown:
            raise bad_request(f"Unknown field: {unknown[0]}.", unknown[0])
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 80:
            raise bad_request("name must be 1-80 characters.", "name", codes.NULL_PARAMETER)
        for other in self.table.values():
            if other is not own and other.location_id == location.id and other.name == name:
                raise HttpError(
                    409,
                    f"A {self.family.label} named {name!r} already exists in this location.",
                    codes.DUPLICATE_NAME,
                )
        number, extension = body.get("phoneNumber"), body.get("extension")
        if not number and not extension:
            raise bad_request(
                "A phoneNumber, an extension or both are required.",
                "phoneNumber",
                codes.NUMBER_OR_EXTENSION_REQUIRED,
            )
        if number is not None:
            self._check_number(location, number, own)
        if extension is not None:
            self._check_extension(location, extension, own)
        self._check_policies(body)
        return name, number, extension, body

    def _check_number(self, location: Location, number: Any, own: LocationFeature | None) -> None:
        if not isinstance(number, str) or not validation.E164.match(number):
            raise bad_request(f"{number} is not an E.164 number.", "phoneNumber")
        record = self.state.numbers.get(number)
        if record is None or record.location_id != location.id:
            raise HttpError(
                400,
                f"{number} has not been added to location {location.name!r}.",
                codes.NUMBER_NOT_IN_LOCATION,
            )
        if record.owner_id is not None and (own is None or record.owner_id != own.id):
            raise HttpError(409, f"{number} is already assigned.", codes.NUMBER_IN_USE)

    def _check_extension(
        self, location: Location, extension: Any, own: LocationFeature | None
    ) -> None:
        if not isinstance(extension, str) or not validation.EXTENSION.match(extension):
            raise bad_request("extension must be 2-10 digits.", "extension")
        taken = any(
            f.extension == extension and f.location_id == location.id and f is not own
            for f in (*self.state.hunt_groups.values(), *self.state.call_queues.values())
        )
        customer = self.state.customer_by_org(location.org_id)
        people = self.state.subscribers_of(customer.id) if customer else []
        taken = taken or any(
            not p.deleted and p.extension == extension and p.location_id == location.id
            for p in people
        )
        ws = self.state.workspace_with_extension(location.org_id, extension)
        if taken or (ws is not None and ws.calling_location_id == location.id):
            raise HttpError(
                409,
                f"Extension {extension} is already used in this location.",
                codes.EXTENSION_IN_USE,
            )

    def _check_policies(self, body: dict[str, Any]) -> None:
        policies = body.get("callPolicies")
        if not isinstance(policies, dict):
            raise bad_request("callPolicies is required.", "callPolicies", codes.NULL_PARAMETER)
        policy = policies.get("policy")
        if policy not in POLICIES:
            raise bad_request(
                f"callPolicies.policy must be one of {', '.join(POLICIES)}.", "callPolicies.policy"
            )
        routing = policies.get("routingType", "PRIORITY_BASED")
        if self.family is QUEUES and routing not in ROUTING_TYPES:
            raise bad_request(
                f"callPolicies.routingType must be one of {', '.join(ROUTING_TYPES)}.",
                "callPolicies.routingType",
            )
        if self.family is QUEUES:
            settings = body.get("queueSettings")
            size = settings.get("queueSize") if isinstance(settings, dict) else None
            if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_QUEUE:
                raise bad_request(
                    f"queueSettings.queueSize must be 1-{MAX_QUEUE}.", "queueSettings.queueSize"
                )
        agents = body.get("agents", [])
        if not isinstance(agents, list):
            raise bad_request("agents must be a list.", "agents")
        limit = MAX_AGENTS.get(policy, MAX_AGENTS_DEFAULT)
        if len(agents) > limit:
            raise bad_request(f"{policy} allows at most {limit} agents.", "agents")
        seen: set[str] = set()
        total = 0
        for i, agent in enumerate(agents):
            where = f"agents[{i}]"
            if not isinstance(agent, dict) or not isinstance(agent.get("id"), str):
                raise bad_request(f"{where}.id is required.", f"{where}.id", codes.NULL_PARAMETER)
            extra = sorted(set(agent) - AGENT_FIELDS)
            if extra:
                raise bad_request(f"Unknown field: {where}.{extra[0]}.", f"{where}.{extra[0]}")
            if agent["id"] in seen:
                raise bad_request(f"{where}: the agent is listed twice.", f"{where}.id")
            seen.add(agent["id"])
            if self._agent(agent["id"]) is None:
                raise HttpError(
                    400, f"{where}: agent {agent['id']} does not exist.", codes.NOT_FOUND
                )
            weight = agent.get("weight")
            if policy == "WEIGHTED":
                if not isinstance(weight, str) or not weight.isdigit() or int(weight) > 100:
                    raise bad_request(f"{where}.weight must be 0-100.", f"{where}.weight")
                total += int(weight)
            elif weight is not None:
                raise bad_request(
                    f"{where}.weight is only allowed with the WEIGHTED policy.", f"{where}.weight"
                )
            skill = agent.get("skillLevel")
            if skill is not None and (routing != "SKILL_BASED" or self.family is HUNT_GROUPS):
                raise bad_request(
                    f"{where}.skillLevel is only allowed with skill-based routing.",
                    f"{where}.skillLevel",
                )
            if skill is not None and (not isinstance(skill, int) or not 1 <= skill <= 20):
                raise bad_request(f"{where}.skillLevel must be 1-20.", f"{where}.skillLevel")
        if policy == "WEIGHTED" and agents and total != 100:
            raise bad_request("The agents' weights must sum to 100.", "agents")

    def _agent(self, agent_id: str) -> dict[str, Any] | None:
        """The agent as Webex lists it, or None when no person or workspace has the id."""
        for sub in self.state.subscribers.values():
            if sub.person_id == agent_id and not sub.deleted and not sub.person_deleted:
                view: dict[str, Any] = {
                    "id": agent_id,
                    "type": "PEOPLE",
                    "firstName": sub.first_name or "",
                    "lastName": sub.last_name or "",
                }
                if sub.primary_phone_number:
                    view["phoneNumber"] = sub.primary_phone_number
                if sub.extension:
                    view["extension"] = sub.extension
                return view
        ws = self.state.workspaces.get(agent_id)
        if ws is not None and ws.calling_type == "webexCalling":
            view = {"id": agent_id, "type": "PLACE", "firstName": "", "lastName": ws.display_name}
            if ws.phone_number:
                view["phoneNumber"] = ws.phone_number
            if ws.extension:
                view["extension"] = ws.extension
            return view
        return None

    # ------------------------------------------------------------------ views

    def _view(self, feature: LocationFeature) -> dict[str, Any]:
        location = self.state.locations.get(feature.location_id)
        view: dict[str, Any] = {"id": feature.id, "enabled": True}
        view.update({k: v for k, v in feature.body.items() if k != "agents"})
        view["name"] = feature.name
        view["locationId"] = feature.location_id
        view["locationName"] = location.name if location else ""
        agents = []
        for agent in feature.body.get("agents", []):
            found = self._agent(agent["id"])
            if found is not None:  # a deleted person leaves the feature, as in Webex
                agents.append({**found, **agent})
        view["agents"] = agents
        if self.family is QUEUES:
            view.setdefault(CX, False)
        return view

    def _row(self, feature: LocationFeature) -> dict[str, Any]:
        location = self.state.locations.get(feature.location_id)
        row: dict[str, Any] = {
            "id": feature.id,
            "name": feature.name,
            "locationId": feature.location_id,
            "locationName": location.name if location else "",
            "enabled": True,
        }
        if feature.phone_number:
            row["phoneNumber"] = feature.phone_number
        if feature.extension:
            row["extension"] = feature.extension
        return row

    # ------------------------------------------------------------------ handlers

    def list_features(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        location_id, name = req.param("locationId"), req.param("name")
        items = [
            self._row(f)
            for f in sorted(self.table.values(), key=lambda f: (f.created, f.id))
            if f.org_id == org_id
            and (location_id is None or f.location_id == location_id)
            and (name is None or name.casefold() in f.name.casefold())  # Webex: "contains"
        ]
        return page(
            req, items, default_max=2000, cap=2000, key=self.family.list_key, offset_name="start"
        )

    def create_feature(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        name, number, extension, body = self._check(location, json_body(req))
        stored = {k: v for k, v in body.items() if k not in ("name", "phoneNumber", "extension")}
        if number:
            stored["phoneNumber"] = number
        if extension:
            stored["extension"] = extension
        if self.family is QUEUES:
            stored[CX] = (req.param(CX) or "").lower() == "true"
        feature = LocationFeature(
            id=self.state.new_id(self.family.id_kind),
            org_id=location.org_id,
            location_id=location.id,
            name=name,
            phone_number=number,
            extension=extension,
            body=stored,
            created=self.app.now_iso(),
        )
        self.table[feature.id] = feature
        if number:
            self.state.numbers[number].owner_id = feature.id
        return SandboxResponse.json(201, {"id": feature.id})

    def get_feature(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        return SandboxResponse.json(200, self._view(self._feature(location, m.group(2))))

    def update_feature(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        feature = self._feature(location, m.group(2))
        changes = json_body(req)
        if not isinstance(changes, dict):
            raise bad_request("The request body must be a JSON object.", "body")
        merged = {"name": feature.name, **feature.body, **changes}
        merged.pop(CX, None)
        name, number, extension, body = self._check(location, merged, feature)
        old = self.state.numbers.get(feature.phone_number or "")
        if old is not None and old.owner_id == feature.id:
            old.owner_id = None
        feature.name, feature.phone_number, feature.extension = name, number, extension
        cx = feature.body.get(CX)
        feature.body = {k: v for k, v in body.items() if k != "name"}
        if cx is not None:
            feature.body[CX] = cx
        if number:
            self.state.numbers[number].owner_id = feature.id
        return SandboxResponse(204)

    def delete_feature(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        feature = self._feature(location, m.group(2))
        number = self.state.numbers.get(feature.phone_number or "")
        if number is not None and number.owner_id == feature.id:
            number.owner_id = None
        del self.table[feature.id]
        return SandboxResponse(204)
