"""What verify compares, kind by kind: the plan's expectation and Webex's answer.

Each kind of object is one :class:`Kind` of :data:`KINDS`: the action type that
creates it, the fields compared, how the plan describes it (:class:`Expected`,
from a customer's actions) and how it is read back (:class:`Actual`, through a
:class:`Readback` that fetches each listing once). ``migrate.load.verify`` runs
the table; a new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from migrate.load import journal as jr
from migrate.load.cutover import activation_key
from migrate.plan.actions import (
    ADD_NUMBERS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    Action,
    is_ref,
)
from migrate.webex import Webex
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
