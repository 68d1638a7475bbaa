"""``migrate verify``: read the migrated customers back from Webex and compare with the plan.

Read-only: only GET requests are sent. What is expected comes from the plan's
actions (what BroadWorks held, mapped); which customers are in scope comes
from the journal (a customer the load never touched is "not loaded yet", not
a difference); an action the journal marks ``rolled_back`` is expected to be
gone. Each kind of object is one entry of :data:`KINDS`: the action type that
creates it, the fields compared, how the plan describes it and how it is read
back (workspaces, devices and the people behind subscribers are entries like the
others). A kind the plan holds without an entry, a field the APIs do not show, and
a listing Webex refused to give are each reported: never a silent pass.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate import workspace as layout
from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.compare import (
    DIFFERENT,
    MISSING,
    UNEXPECTED,
    UNREAD,
    Difference,
    body_differences,
    resolved,
)
from migrate.load.cutover import activation_key
from migrate.load.journal import Journal, JournalAction
from migrate.load.verify_features import CALL_FEATURE, verify_call_features
from migrate.load.verify_features import READERS as FEATURE_READERS
from migrate.load.verify_shared_lines import SHARED_LINE, verify_shared_lines
from migrate.plan import model as wm
from migrate.plan.actions import (
    ADD_NUMBERS,
    ADD_SHARED_LINES,
    APPLY_PERSON_SETTINGS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    REMOVE,
    UPDATE,
    Action,
    is_ref,
)
from migrate.plan.builder import Plan
from migrate.webex import Webex, WebexError
from migrate.webex.devices import Device, Workspace, normalise_mac
from migrate.webex.models import Customer, Location, PhoneNumber, Subscriber, SubscriberStatus
from migrate.webex.people import Person


class Unreadable:
    """A field the APIs used here do not expose for this object: not compared, counted."""

    def __repr__(self) -> str:
        return "unreadable"


UNREADABLE = Unreadable()
Value = str | None | Unreadable


@dataclass(frozen=True)
class Expected:
    kind: str
    key: str  # what Webex and the plan share: externalId, location name, number, email
    fields: dict[str, str | None]
    action: str  # the plan action that creates it
    state: str  # its journal state


@dataclass(frozen=True)
class Actual:
    kind: str
    key: str
    fields: dict[str, Value]
    webex_id: str | None


@dataclass
class VerifyResult:
    customers: list[str]
    not_loaded: list[str]
    differences: list[Difference]
    checked: dict[str, int]  # objects compared per kind
    matched: dict[str, int]  # of those, identical
    not_compared: list[tuple[str, str]]  # (what, why): never silent
    requests: int = 0
    seconds: float = 0.0
    verified_at: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        found = Counter(d.problem for d in self.differences)
        counts = {p: found.get(p, 0) for p in (MISSING, UNEXPECTED, DIFFERENT)}
        if found.get(UNREAD):
            counts[UNREAD] = found[UNREAD]
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "not_loaded": self.not_loaded,
            "differences": [asdict(d) for d in self.differences],
            "counts": self.counts(),
            "checked": self.checked,
            "matched": self.matched,
            "not_compared": [list(n) for n in self.not_compared],
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "verified_at": self.verified_at,
            "ok": self.ok,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerifyResult:
        return cls(
            customers=list(data["customers"]),
            not_loaded=list(data["not_loaded"]),
            differences=[Difference(**d) for d in data["differences"]],
            checked=dict(data["checked"]),
            matched=dict(data["matched"]),
            not_compared=[(str(a), str(b)) for a, b in data["not_compared"]],
            requests=int(data.get("requests", 0)),
            seconds=float(data.get("seconds", 0.0)),
            verified_at=str(data.get("verified_at", "")),
        )


# ---------------------------------------------------------------- the plan, per customer


@dataclass
class CustomerPlan:
    """One customer's planned actions with what reading them needs (names behind refs)."""

    id: str
    actions: dict[str, Action]
    states: dict[str, str]
    on_behalf_of: str | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    existing_org: bool = False  # attached to a Webex org that was there before

    def state(self, key: str) -> str:
        return self.states.get(key, jr.PENDING)

    def location_name(self, value: Any) -> str | None:
        """The name of the location a ``locationId`` reference points to."""
        if not is_ref(value):
            return None
        source = self.actions.get(value["$ref"])
        if source is None:
            return None
        if source.type == AWAIT_CUSTOMER:
            return _first_location(
                self.actions.get(source.depends_on[0]) if source.depends_on else None
            )[0]
        if source.type == CREATE_LOCATION:
            name = source.payload.get("body", {}).get("name")
            return str(name) if name else None
        return None


def _first_location(create: Action | None) -> tuple[str | None, str | None]:
    """(name, time zone) of the location that travels with the customer's provisioning."""
    if create is None:
        return None, None
    location = (
        create.payload.get("body", {})
        .get("provisioningParameters", {})
        .get("calling", {})
        .get("location", {})
    )
    return location.get("name"), location.get("timezone")


def _packages(values: Iterable[Any]) -> str:
    return ",".join(sorted(str(v) for v in values))


# ---------------------------------------------------------------- reading Webex back


@dataclass
class Readback:
    """What Webex holds for one customer; each listing is fetched once, on first use."""

    webex: Webex
    customer: Customer
    on_behalf_of: str | None
    _locations: list[Location] | None = None
    _numbers: list[PhoneNumber] | None = None
    _subscribers: list[Subscriber] | None = None
    _workspaces: list[Workspace] | None = None
    _devices: list[Device] | None = None
    _people: list[Person] | None = None

    async def locations(self) -> list[Location]:
        if self._locations is None:
            org = self.customer.org_id
            self._locations = (
                [loc async for loc in self.webex.calling.list_locations(org)] if org else []
            )
        return self._locations

    async def numbers(self) -> list[PhoneNumber]:
        if self._numbers is None:
            org = self.customer.org_id
            self._numbers = [n async for n in self.webex.calling.list_numbers(org)] if org else []
        return self._numbers

    async def subscribers(self) -> list[Subscriber]:
        if self._subscribers is None:
            self._subscribers = [
                s
                async for s in self.webex.wholesale.list_subscribers(
                    customer_id=self.customer.id, on_behalf_of=self.on_behalf_of
                )
            ]
        return self._subscribers

    async def location_names(self) -> dict[str, str | None]:
        return {loc.id: loc.name for loc in await self.locations()}

    async def workspaces(self) -> list[Workspace]:
        if self._workspaces is None:
            org = self.customer.org_id
            self._workspaces = (
                [w async for w in self.webex.devices.list_workspaces(org)] if org else []
            )
        return self._workspaces

    async def devices(self) -> list[Device]:
        if self._devices is None:
            org = self.customer.org_id
            self._devices = [d async for d in self.webex.devices.list_devices(org)] if org else []
        return self._devices

    async def people(self) -> list[Person]:
        if self._people is None:
            org = self.customer.org_id
            self._people = (
                [p async for p in self.webex.people.list_people(org, calling_data=True)]
                if org
                else []
            )
        return self._people


# ---------------------------------------------------------------- the table of kinds

ExpectFn = Callable[[Action, CustomerPlan], list[Expected]]
ReadFn = Callable[[Readback], Awaitable[list[Actual]]]


@dataclass(frozen=True)
class Kind:
    name: str
    action_type: str
    fields: tuple[str, ...]
    expected: ExpectFn
    actual: ReadFn
    # Another side of that kind's objects: where the object itself is missing or
    # unexpected, that kind already says so, and this one does not say it again.
    part_of: str | None = None


def _expect_customer(action: Action, plan: CustomerPlan) -> list[Expected]:
    body = action.payload["body"]
    return [
        Expected(
            "customer",
            str(body["externalId"]),
            {"packages": _packages(body.get("packages", [])), "status": "provisioned"},
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_customer(back: Readback) -> list[Actual]:
    c = back.customer
    return [
        Actual(
            "customer",
            c.external_id or "",
            {"packages": _packages(c.packages), "status": c.status},
            c.id,
        )
    ]


def _expect_locations(action: Action, plan: CustomerPlan) -> list[Expected]:
    if action.type == CREATE_CUSTOMER:
        name, zone = _first_location(action)
        if not name:
            return []
        return [Expected("location", name, {"timeZone": zone}, action.key, plan.state(action.key))]
    body = action.payload["body"]
    return [
        Expected(
            "location",
            str(body["name"]),
            {"timeZone": body.get("timeZone")},
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_locations(back: Readback) -> list[Actual]:
    return [
        Actual("location", loc.name or "", {"timeZone": loc.raw.get("timeZone")}, loc.id)
        for loc in await back.locations()
    ]


def _expect_numbers(action: Action, plan: CustomerPlan) -> list[Expected]:
    location = plan.location_name(action.payload.get("locationId"))
    loaded = action.payload.get("body", {}).get("state", "ACTIVE")
    dark = set(action.payload.get("inactive") or ())
    # A cutover in force switched these on; an undone one left them as loaded.
    switch = activation_key(action.key)
    switched = (
        set((plan.results.get(switch) or {}).get("activated") or ())
        if plan.state(switch) == jr.SUCCEEDED
        else set()
    )
    journal_state = plan.state(action.key)
    # Rollback removes only the numbers the load added; those it adopted stay.
    adopted = set((plan.results.get(action.key) or {}).get("adopted") or ())
    return [
        Expected(
            "number",
            str(n),
            {
                "location": location,
                "state": "ACTIVE" if n in switched else "INACTIVE" if n in dark else loaded,
            },
            action.key,
            jr.SUCCEEDED if journal_state == jr.ROLLED_BACK and n in adopted else journal_state,
        )
        for n in action.payload["body"]["phoneNumbers"]
    ]


async def _read_numbers(back: Readback) -> list[Actual]:
    names = await back.location_names()
    return [
        Actual(
            "number",
            n.phone_number,
            {"location": names.get(n.location_id or "", n.location_id), "state": n.state},
            None,
        )
        for n in await back.numbers()
    ]


def _expect_subscribers(action: Action, plan: CustomerPlan) -> list[Expected]:
    body = action.payload["body"]
    params = body.get("provisioningParameters", {})
    return [
        Expected(
            "subscriber",
            str(body["email"]).casefold(),
            {
                "package": _packages(body.get("packages", [])),
                "number": params.get("primaryPhoneNumber"),
                "extension": params.get("extension"),
                "location": plan.location_name(params.get("locationId")),
            },
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_subscribers(back: Readback) -> list[Actual]:
    names = await back.location_names()
    # The Wholesale subscriber resource carries no number, extension or location: the
    # Calling number inventory does, through the number's owner (the person).
    owned = {n.owner_id: n for n in await back.numbers() if n.owner_id}
    out = []
    for sub in await back.subscribers():
        number = owned.get(sub.person_id) if sub.person_id else None
        fields: dict[str, Value] = {"package": _packages(sub.packages)}
        if number is not None:
            fields.update(
                number=number.phone_number,
                extension=number.raw.get("extension") or None,
                location=names.get(number.location_id or "", number.location_id),
            )
        else:
            # Without a number the APIs used here show neither extension nor location.
            fields.update(number=None, extension=UNREADABLE, location=UNREADABLE)
        out.append(Actual("subscriber", (sub.email or "").casefold(), fields, sub.id))
    return out


def _display_name(first: Any, last: Any) -> str | None:
    # Webex names a person made without a display name "first last".
    return " ".join(str(n) for n in (first, last) if n) or None


def _expect_people(action: Action, plan: CustomerPlan) -> list[Expected]:
    body = action.payload["body"]
    params = body.get("provisioningParameters", {})
    email = str(body["email"]).casefold()
    first, last = params.get("firstName"), params.get("lastName")
    return [
        Expected(
            "person",
            email,
            {
                "email": email,
                "firstName": first,
                "lastName": last,
                "displayName": _display_name(first, last),
                "location": plan.location_name(params.get("locationId")),
                "extension": params.get("extension"),
                "number": params.get("primaryPhoneNumber"),
            },
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_people(back: Readback) -> list[Actual]:
    """Each Wholesale subscriber's person (``personId``), keyed by the subscriber's e-mail so
    that a person whose own e-mail changed shows as that difference."""
    names = await back.location_names()
    people = {p.id: p for p in await back.people()}
    out = []
    for sub in await back.subscribers():
        key = (sub.email or "").casefold()
        if sub.status == SubscriberStatus.PENDING_USER_MIGRATION:
            # Until its user accepts the move, the person belongs to another org.
            out.append(Actual("person", key, dict.fromkeys(PERSON_FIELDS, UNREADABLE), None))
            continue
        person = people.get(sub.person_id or "")
        if person is None:
            continue  # the subscriber is there, its person is not: missing
        fields: dict[str, Value] = {
            "email": (person.email or "").casefold() or None,
            "firstName": person.first_name,
            "lastName": person.last_name,
            "displayName": person.display_name,
            "location": names.get(person.location_id or "", person.location_id),
            "extension": person.extension,
            "number": person.primary_number,
        }
        out.append(Actual("person", key, fields, person.id))
    return out


def _expect_workspaces(action: Action, plan: CustomerPlan) -> list[Expected]:
    body = action.payload["body"]
    calling = body.get("calling", {}).get("webexCalling", {})
    return [
        Expected(
            "workspace",
            str(body["displayName"]),
            {
                "number": calling.get("phoneNumber"),
                "extension": calling.get("extension"),
                "location": plan.location_name(body.get("locationId")),
            },
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_workspaces(back: Readback) -> list[Actual]:
    names = await back.location_names()
    owned = {n.owner_id: n for n in await back.numbers() if n.owner_id}
    out = []
    for ws in await back.workspaces():
        number = owned.get(ws.id)
        fields: dict[str, Value] = {"location": names.get(ws.location_id or "", ws.location_id)}
        if number is not None:
            fields.update(number=number.phone_number, extension=number.raw.get("extension") or None)
        else:
            fields.update(number=None, extension=UNREADABLE)
        out.append(Actual("workspace", ws.display_name, fields, ws.id))
    return out


def _product(model: str | None) -> str | None:
    """Compare a create's ``model`` (``DMS Cisco 8851``) with the device's ``product``
    (``Cisco 8851``): the supported-devices API prefixes Cisco-managed models with DMS."""
    return model.removeprefix("DMS ").casefold() if model else None


def _expect_devices(action: Action, plan: CustomerPlan) -> list[Expected]:
    body = action.payload["body"]
    owner: str | None = None
    for owner_field in ("personId", "workspaceId"):
        value = body.get(owner_field)
        source = plan.actions.get(value["$ref"]) if is_ref(value) else None
        if source is not None and source.type == CREATE_SUBSCRIBER:
            owner = f"person {str(source.payload['body']['email']).casefold()}"
        elif source is not None and source.type == CREATE_WORKSPACE:
            owner = f"workspace {source.payload['body']['displayName']}"
    return [
        Expected(
            "device",
            normalise_mac(str(body["mac"])),
            {"model": _product(body.get("model")), "owner": owner},
            action.key,
            plan.state(action.key),
        )
    ]


async def _read_devices(back: Readback) -> list[Actual]:
    people = {
        s.person_id: (s.email or "").casefold() for s in await back.subscribers() if s.person_id
    }
    places = {w.id: w.display_name for w in await back.workspaces()}
    out = []
    for device in await back.devices():
        owner: str | None = None
        if device.person_id:
            owner = f"person {people.get(device.person_id, device.person_id)}"
        elif device.workspace_id:
            owner = f"workspace {places.get(device.workspace_id, device.workspace_id)}"
        out.append(
            Actual(
                "device",
                device.mac or device.id,
                {"model": _product(device.product), "owner": owner},
                device.id,
            )
        )
    return out


PERSON_FIELDS = (
    "email",
    "firstName",
    "lastName",
    "displayName",
    "location",
    "extension",
    "number",
)
KINDS: tuple[Kind, ...] = (
    Kind("customer", CREATE_CUSTOMER, ("packages", "status"), _expect_customer, _read_customer),
    Kind("location", CREATE_LOCATION, ("timeZone",), _expect_locations, _read_locations),
    Kind("number", ADD_NUMBERS, ("location", "state"), _expect_numbers, _read_numbers),
    Kind(
        "subscriber",
        CREATE_SUBSCRIBER,
        ("package", "number", "extension", "location"),
        _expect_subscribers,
        _read_subscribers,
    ),
    Kind(
        "person",
        CREATE_SUBSCRIBER,
        PERSON_FIELDS,
        _expect_people,
        _read_people,
        part_of="subscriber",
    ),
    Kind(
        "workspace",
        CREATE_WORKSPACE,
        ("number", "extension", "location"),
        _expect_workspaces,
        _read_workspaces,
    ),
    Kind("device", CREATE_DEVICE, ("model", "owner"), _expect_devices, _read_devices),
)
# Action types that create nothing to read back.
_NOTHING_TO_READ = {AWAIT_CUSTOMER}
# The first location travels with the customer's create: the location kind reads both.
_ALSO_FROM = {"location": (CREATE_CUSTOMER,)}
# Model entities verify cannot read yet: kind name that will → (model entity, action type).
# Why a field could not be read, per kind (default: the subscriber's and workspace's).
PREEXISTING = "already in the org"
_UNREADABLE_WHY = {
    "person": "not compared: the subscriber waits for its user to accept the move "
    "(pending_user_migration), so its person is not in the customer's org yet",
    PREEXISTING: "not compared: in the customer's existing Webex org before the "
    "migration and not made by it",
}
_NO_NUMBER_WHY = (
    "not compared: without a phone number, the Wholesale and Calling APIs "
    "used here do not show this object's extension or location"
)
_MODEL_ENTITIES = {
    "device": ("devices", "create_device"),
    "workspace": ("workspaces", "create_workspace"),
}


# ---------------------------------------------------------------- comparing


def compare(
    customer: str,
    kind: Kind,
    expected: list[Expected],
    actual: list[Actual],
    unreadable: Counter[str],
) -> tuple[list[Difference], int]:
    """Differences of one kind for one customer, and how many objects matched exactly."""
    wanted = {e.key: e for e in expected if e.state != jr.ROLLED_BACK}
    gone = {e.key for e in expected if e.state == jr.ROLLED_BACK}
    found = {a.key: a for a in actual}
    out: list[Difference] = []
    matched = 0
    for key in sorted(wanted):
        exp = wanted[key]
        act = found.get(key)
        if act is None:
            out.append(
                Difference(
                    customer,
                    kind.name,
                    key,
                    MISSING,
                    action=exp.action,
                    journal_state=exp.state,
                    message=f"planned {kind.name} is not in Webex",
                )
            )
            continue
        alike = True
        for name in kind.fields:
            want, have = exp.fields.get(name), act.fields.get(name)
            if isinstance(have, Unreadable):
                unreadable[f"{kind.name}.{name}"] += 1
                continue
            if (want or None) != (have or None):
                alike = False
                out.append(
                    Difference(
                        customer,
                        kind.name,
                        key,
                        DIFFERENT,
                        name,
                        want,
                        have,
                        exp.action,
                        exp.state,
                        act.webex_id,
                        f"{name}: planned {want or '(none)'}, Webex has {have or '(none)'}",
                    )
                )
        matched += alike
    for key in sorted(set(found) - set(wanted)):
        act = found[key]
        why = (
            "rolled back, yet still in Webex"
            if key in gone
            else f"in Webex but not in the plan for {customer}"
        )
        out.append(
            Difference(customer, kind.name, key, UNEXPECTED, webex_id=act.webex_id, message=why)
        )
    return out, matched


async def _verify_customer(
    webex: Webex, plan: CustomerPlan, kinds: tuple[Kind, ...], unreadable: Counter[str]
) -> tuple[list[Difference], Counter[str], Counter[str]]:
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    expected: dict[str, list[Expected]] = {k.name: [] for k in kinds}
    for kind in kinds:
        types = (kind.action_type, *_ALSO_FROM.get(kind.name, ()))
        for action in plan.actions.values():
            if action.type in types:
                expected[kind.name] += kind.expected(action, plan)
    customer_exp = expected["customer"][0]
    if customer_exp.state == jr.ROLLED_BACK:
        found = await webex.wholesale.find_customer(
            customer_exp.key, on_behalf_of=plan.on_behalf_of
        )
        if found is None:
            return [], checked, matched
        return (
            [
                Difference(
                    plan.id,
                    "customer",
                    customer_exp.key,
                    UNEXPECTED,
                    webex_id=found.id,
                    action=customer_exp.action,
                    journal_state=customer_exp.state,
                    message="rolled back, yet still in Webex",
                )
            ],
            checked,
            matched,
        )
    found = await webex.wholesale.find_customer(customer_exp.key, on_behalf_of=plan.on_behalf_of)
    if found is None:
        under = sum(len(v) for name, v in expected.items() if name != "customer")
        checked["customer"] += 1
        return (
            [
                Difference(
                    plan.id,
                    "customer",
                    customer_exp.key,
                    MISSING,
                    action=customer_exp.action,
                    journal_state=customer_exp.state,
                    message=f"customer not in Webex; its {under} planned locations, "
                    "numbers and subscribers were not compared",
                )
            ],
            checked,
            matched,
        )
    back = Readback(webex, found, plan.on_behalf_of)
    out: list[Difference] = []
    # Per kind, the keys it found missing or unexpected (for the kinds part of it).
    absent: dict[str, set[str]] = {}
    for kind in kinds:
        try:
            actual = await kind.actual(back)
        except WebexError as err:
            # Nothing proven either way (a missing scope, an outage): a difference to act
            # on, never a silent pass.
            out.append(
                Difference(
                    plan.id,
                    kind.name,
                    "*",
                    UNREAD,
                    message=f"could not read {kind.name}s back: {err}",
                )
            )
            continue
        wanted = expected[kind.name]
        if plan.existing_org:  # what the org held before is not ours to find unexpected
            keys = {e.key for e in wanted}
            theirs = [a for a in actual if a.key not in keys]
            if theirs:
                unreadable[f"{PREEXISTING}.{kind.name}"] += len(theirs)
                actual = [a for a in actual if a.key in keys]
        skip = absent.get(kind.part_of or "", set())
        if skip:
            wanted = [e for e in wanted if e.key not in skip]
            actual = [a for a in actual if a.key not in skip]
        diffs, alike = compare(plan.id, kind, wanted, actual, unreadable)
        out += diffs
        absent[kind.name] = {d.key for d in diffs if d.problem in (MISSING, UNEXPECTED)}
        checked[kind.name] += len({e.key for e in wanted} | {a.key for a in actual})
        matched[kind.name] += alike
    return out, checked, matched


def _not_compared(
    plan: Plan, workspace: Path, kinds: tuple[Kind, ...], unreadable: Counter[str]
) -> list[tuple[str, str]]:
    covered = (
        {k.action_type for k in kinds}
        | _NOTHING_TO_READ
        | {t for k in kinds for t in _ALSO_FROM.get(k.name, ())}
    )
    notes: list[tuple[str, str]] = []
    # verify_person_settings, verify_shared_lines and verify_call_features read these
    covered = covered | {APPLY_PERSON_SETTINGS, ADD_SHARED_LINES} | set(FEATURE_READERS)
    # Updates and removals change objects a create kind compares: nothing of their own.
    per_type = Counter(
        a.type for a in plan.actions if a.type not in covered and a.op not in (UPDATE, REMOVE)
    )
    for kind_type, n in sorted(per_type.items()):
        notes.append(
            (
                f"{n} {kind_type} actions",
                "loaded by the plan, but verify has no reader for this kind yet",
            )
        )
    names = {k.name for k in kinds}
    planned_types = {a.type for a in plan.actions}
    for kind_name, (entity, action_type) in _MODEL_ENTITIES.items():
        if kind_name in names or action_type in planned_types:
            continue  # compared, or already listed above with its action count
        records = list(wm.read(workspace, entity))
        if entity == "devices":
            records = [d for d in records if d.migrate]
        notes.append(
            (
                f"{entity}: {len(records)} in the model",
                f"{entity} were not compared: the plan does not load them",
            )
        )
    for what, n in sorted(unreadable.items()):
        why = _UNREADABLE_WHY.get(what.partition(".")[0], _NO_NUMBER_WHY)
        notes.append((f"{what} of {n} objects", why))
    return notes


def _scope(
    plan: Plan, actions: list[JournalAction], select: Iterable[str]
) -> tuple[list[str], list[str]]:
    planned = sorted({a.customer for a in plan.actions})
    chosen = set(select)
    unknown = chosen - set(planned)
    if unknown:
        raise InputError(f"--select: no customer {', '.join(sorted(unknown))} in the plan")
    touched = {a.customer for a in actions if a.state != jr.PENDING}
    wanted = [c for c in planned if not chosen or c in chosen]
    return [c for c in wanted if c in touched], [c for c in wanted if c not in touched]


async def verify(
    workspace: Path,
    webex: Webex,
    plan: Plan,
    *,
    select: Iterable[str] = (),
    concurrency: int = 8,
    kinds: tuple[Kind, ...] = KINDS,
) -> VerifyResult:
    """Compare what Webex holds for the loaded customers with the plan. Sends only GETs."""
    started = time.perf_counter()
    layout.Workspace(workspace).require_journal(
        "nothing was loaded yet, so there is nothing to verify"
    )
    with Journal(workspace) as journal:
        journaled = journal.actions()
    states = {a.key: a.state for a in journaled}
    journal_results = {a.key: a.result for a in journaled if a.result}
    customers, not_loaded = _scope(plan, journaled, select)
    by_customer: dict[str, dict[str, Action]] = {}
    for action in plan.actions:
        by_customer.setdefault(action.customer, {})[action.key] = action
    unreadable: Counter[str] = Counter()
    slots = asyncio.Semaphore(max(1, concurrency))
    before = webex.client.requests_sent

    async def one(customer: str) -> tuple[list[Difference], Counter[str], Counter[str]]:
        actions = by_customer[customer]
        create = next(a for a in actions.values() if a.type == CREATE_CUSTOMER)
        on_behalf = create.payload.get("params", {}).get("onBehalfOfSubPartnerOrgId")
        async with slots:
            return await _verify_customer(
                webex,
                CustomerPlan(
                    customer,
                    actions,
                    states,
                    on_behalf,
                    journal_results,
                    existing_org=bool(create.payload.get("body", {}).get("orgId")),
                ),
                kinds,
                unreadable,
            )

    results = await asyncio.gather(*(one(c) for c in customers))
    differences: list[Difference] = []
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for diffs, seen, alike in results:
        differences += diffs
        checked.update(seen)
        matched.update(alike)
    settings = await asyncio.gather(
        *(
            verify_person_settings(webex, c, by_customer[c], states, journal_results)
            for c in customers
        ),
        *(
            verify_call_features(webex, c, by_customer[c], states, journal_results)
            for c in customers
        ),
    )
    for diffs, seen, alike in settings:
        differences += diffs
        checked.update(seen)
        matched.update(alike)
    lines = await asyncio.gather(
        *(verify_shared_lines(webex, by_customer[c], states, journal_results) for c in customers)
    )
    for customer, (found, count, same_lines) in zip(customers, lines, strict=True):
        differences += [Difference(customer, SHARED_LINE, **f) for f in found]
        checked[SHARED_LINE] += count
        matched[SHARED_LINE] += same_lines
    order = {UNREAD: 0, MISSING: 1, DIFFERENT: 2, UNEXPECTED: 3}
    differences.sort(key=lambda d: (d.customer, order[d.problem], d.kind, d.key, d.field or ""))
    return VerifyResult(
        customers=customers,
        not_loaded=not_loaded,
        differences=differences,
        checked={k: checked.get(k, 0) for k in (*(k.name for k in kinds), *EXTRA_KINDS)}
        | ({CALL_FEATURE: checked[CALL_FEATURE]} if checked[CALL_FEATURE] else {}),
        matched={k: matched.get(k, 0) for k in (*(k.name for k in kinds), *EXTRA_KINDS)}
        | ({CALL_FEATURE: matched[CALL_FEATURE]} if checked[CALL_FEATURE] else {}),
        not_compared=_not_compared(plan, workspace, kinds, unreadable),
        requests=webex.client.requests_sent - before,
        seconds=time.perf_counter() - started,
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


# ---------------------------------------------------------------- person settings

PERSON_SETTING = "person_setting"
EXTRA_KINDS = (PERSON_SETTING, SHARED_LINE)  # compared outside KINDS


async def verify_person_settings(
    webex: Webex,
    customer: str,
    actions: dict[str, Action],
    states: dict[str, str],
    results: dict[str, dict[str, Any]],
) -> tuple[list[Difference], Counter[str], Counter[str]]:
    """Read every applied person feature back; each planned value must be there."""
    out: list[Difference] = []
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for action in sorted(actions.values(), key=lambda a: a.key):
        if action.type != APPLY_PERSON_SETTINGS:
            continue
        state = states.get(action.key, jr.PENDING)
        if state == jr.ROLLED_BACK:
            continue  # the person's earlier settings are back: nothing of ours to find
        key = action.key.split(":", 1)[1]
        checked[PERSON_SETTING] += 1
        org_id = resolved(action.payload["orgId"], results)
        person_id = resolved(action.payload["personId"], results)
        feature = str(action.payload["feature"])

        diff = functools.partial(
            Difference,
            customer,
            PERSON_SETTING,
            key,
            action=action.key,
            journal_state=state,
            webex_id=person_id,
        )
        if state != jr.SUCCEEDED or not org_id or not person_id:
            out.append(diff(MISSING, message=f"{feature} was not applied (journal: {state})"))
            continue
        try:
            found = await webex.person_settings.read(org_id, person_id, feature)
        except WebexError as err:
            out.append(diff(UNREAD, message=f"could not read {feature} back: {err}"))
            continue
        found_differences = body_differences(action.payload["body"], found, f"{feature}.", diff)
        out += found_differences
        alike = not found_differences
        matched[PERSON_SETTING] += alike
    return out, checked, matched
