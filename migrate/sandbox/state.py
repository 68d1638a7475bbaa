"""The sandbox's in-memory Webex: plain records, indexes, and a JSON snapshot.

Records are dataclasses with snake_case fields; the camelCase wire views live
with each resource's routes (``routes/*.py``) so the model stays plain.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

_ID_NAMESPACE = uuid.UUID("6f1c3b0e-8d0a-4d7e-9a55-2f3b8c1d0e11")


def webex_id(kind: str, raw: str) -> str:
    """Webex ids are base64url of ``ciscospark://us/<KIND>/<uuid>`` without padding."""
    text = f"ciscospark://us/{kind}/{raw}".encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def license_id(org_id: str, package: str) -> str:
    """An org's licence for a package: derived, so it is stable without being stored."""
    raw = hashlib.sha256(f"{org_id}/{package}".encode()).hexdigest()
    return webex_id(
        "LICENSE", f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}:{package.upper()}"
    )


@dataclass
class SubPartner:
    org_id: str
    subscription_id: str
    provisioning_state: str  # active | suspended
    created: str
    billing_start_date: str


@dataclass
class Org:
    id: str
    display_name: str
    created: str


@dataclass
class Customer:
    id: str
    org_id: str  # reserved at POST time, shown only once provisioned
    external_id: str
    provisioning_id: str
    packages: list[str]
    address: dict[str, Any]
    customer_info: dict[str, Any] | None
    provisioning_parameters: dict[str, Any] | None
    sub_partner_org_id: str | None
    status: str  # the status GET shows now
    final_status: str  # where the background work ends
    ready_at: float  # epoch seconds when background work finishes
    created: str
    pending_packages: list[str] | None = None
    pending_address: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    package_errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    existing_org: bool = False  # attached with orgId, so no org was created


@dataclass
class Location:
    id: str
    org_id: str
    name: str
    address: dict[str, Any]  # Calling form: address1, address2, city, state, postalCode, country
    time_zone: str
    preferred_language: str
    announcement_language: str
    calling_enabled: bool
    emergency_location_identifier: str | None = None


@dataclass
class Number:
    phone_number: str
    org_id: str
    location_id: str
    state: str  # ACTIVE | INACTIVE
    number_type: str  # DID | TOLLFREE | MOBILE
    owner_id: str | None = None  # subscriber id
    # Requests that named this number to switch it on / off: a test of "exactly once"
    # counts requests, not state, since a repeated activation leaves the state alike.
    activations: int = 0
    deactivations: int = 0


@dataclass
class Person:
    """A user an org had before any wholesale provisioning (a Webex for BroadWorks or
    UC-One org, seeded). Provisioning a subscriber with its email maps the person;
    removing that subscriber leaves the person as it was."""

    id: str
    org_id: str
    email: str
    first_name: str | None
    last_name: str | None
    created: str
    location_id: str | None = None  # set: an existing Webex Calling user
    phone_number: str | None = None
    extension: str | None = None
    deleted: bool = False


@dataclass
class Activation:
    """One stretch of a subscriber holding one package; billing sums these per day."""

    package: str
    start: float
    end: float | None = None


@dataclass
class Subscriber:
    id: str
    customer_id: str
    person_id: str
    email: str
    packages: list[str]
    status: str
    first_name: str | None
    last_name: str | None
    primary_phone_number: str | None
    extension: str | None
    location_id: str | None
    created: str
    last_status_change: str
    activations: list[Activation] = field(default_factory=list)
    deleted: bool = False
    # Its person deleted through /people while the Wholesale record stays.
    person_deleted: bool = False
    settings: dict[str, Any] = field(default_factory=dict)  # person feature → what was PUT
    existing_person: bool = False  # maps a Person the org had before: it outlives the mapping


@dataclass
class Workspace:
    """``calling_location_id``/``phone_number``/``extension``: Webex Calling only."""

    id: str
    org_id: str
    display_name: str
    location_id: str | None
    supported_devices: str
    calling_type: str
    created: str
    phone_number: str | None = None
    extension: str | None = None
    calling_location_id: str | None = None
    licenses: list[str] = field(default_factory=list)


@dataclass
class Device:
    """A phone added by MAC for exactly one person or workspace."""

    id: str
    org_id: str
    mac: str  # 12 upper-case hex digits
    model: str
    product: str
    created: str
    person_id: str | None = None
    workspace_id: str | None = None
    location_id: str | None = None
    managed_by: str = "CISCO"
    # What the last PUT .../members set (Webex's fields); empty: the owner alone on port 1.
    members: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CallGroup:
    """A location's call park, call pickup or paging group (``kind``: its path segment).

    ``data`` is the create body as stored: members by id, in order.
    """

    id: str
    org_id: str
    location_id: str
    kind: str  # callParks | callPickups | paging
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Schedule:
    """A location's business-hours or holiday schedule; events as Webex shows them."""

    id: str
    org_id: str
    location_id: str
    type: str  # businessHours | holidays
    name: str
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AutoAttendant:
    """A location's auto attendant; ``settings`` holds its other fields in wire form."""

    id: str
    org_id: str
    location_id: str
    name: str
    phone_number: str | None = None
    extension: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class LocationFeature:
    """A hunt group or call queue: its identity, and the rest as the create body had it."""

    id: str
    org_id: str
    location_id: str
    name: str
    phone_number: str | None
    extension: str | None
    body: dict[str, Any]  # callPolicies, agents, queueSettings, ... (camelCase, as sent)
    created: str


@dataclass
class BillingReport:
    id: str
    billing_start_date: str
    billing_end_date: str
    type: str
    category: str
    sub_partner_org_id: str | None
    internal: bool
    created: str
    created_by: str
    ready_at: float
    final_status: str  # COMPLETED | FAILED
    csv: str
    download_key: str


T = TypeVar("T")


def _load(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class SandboxState:
    """Everything the sandbox knows. Handlers hold ``lock`` for the whole request."""

    partner_org_id: str = ""
    partner_name: str = "Sandbox Partner"
    partner_subscription_id: str = "Sub-SANDBOX-000001"
    seed: int = 0
    counter: int = 0
    sub_partners: dict[str, SubPartner] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    numbers: dict[str, Number] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    reports: dict[str, BillingReport] = field(default_factory=dict)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    call_groups: dict[str, CallGroup] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)  # pre-existing, by person id
    schedules: dict[str, Schedule] = field(default_factory=dict)
    auto_attendants: dict[str, AutoAttendant] = field(default_factory=dict)
    hunt_groups: dict[str, LocationFeature] = field(default_factory=dict)
    call_queues: dict[str, LocationFeature] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _by_external: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _by_org: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _by_email: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _by_customer: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.partner_org_id:
            self.partner_org_id = webex_id("ORGANIZATION", str(self.new_uuid()))

    def new_uuid(self) -> uuid.UUID:
        # Counter-derived ids are deterministic for a seed and survive a save/restart.
        self.counter += 1
        return uuid.uuid5(_ID_NAMESPACE, f"{self.seed}/{self.counter}")

    def new_id(self, kind: str) -> str:
        return webex_id(kind, str(self.new_uuid()))

    # -- indexes: not saved, rebuilt on load; every add/remove goes through these methods
    #    so lookups stay O(1) with thousands of subscribers (the load benchmark).

    def index_customer(self, customer: Customer) -> None:
        self.customers[customer.id] = customer
        self._by_external[customer.external_id] = customer.id
        self._by_org[customer.org_id] = customer.id
        self._by_customer.setdefault(customer.id, [])

    def unindex_customer(self, customer: Customer) -> None:
        self.customers.pop(customer.id, None)
        if self._by_external.get(customer.external_id) == customer.id:
            del self._by_external[customer.external_id]
        if self._by_org.get(customer.org_id) == customer.id:
            del self._by_org[customer.org_id]

    def rename_customer(self, customer: Customer, external_id: str) -> None:
        self._by_external.pop(customer.external_id, None)
        customer.external_id = external_id
        self._by_external[external_id] = customer.id

    def index_subscriber(self, sub: Subscriber) -> None:
        self.subscribers[sub.id] = sub
        self._by_customer.setdefault(sub.customer_id, []).append(sub.id)
        if not sub.deleted:
            self._by_email[sub.email.casefold()] = sub.id

    def unindex_subscriber_email(self, sub: Subscriber) -> None:
        if self._by_email.get(sub.email.casefold()) == sub.id:
            del self._by_email[sub.email.casefold()]

    def subscribers_of(self, customer_id: str) -> list[Subscriber]:
        return [self.subscribers[i] for i in self._by_customer.get(customer_id, [])]

    def route_call(self, phone_number: str) -> str:
        """Where a call to ``phone_number`` goes: Webex rings only an active number;
        an inactive one is not routed (the PSTN still sends it to BroadWorks)."""
        number = self.numbers.get(phone_number)
        if number is None:
            return "unknown number"
        return "routed" if number.state == "ACTIVE" else "not routed: number inactive"

    def customer_by_external_id(self, external_id: str) -> Customer | None:
        found = self._by_external.get(external_id)
        return self.customers.get(found) if found else None

    def active_subscriber_by_email(self, email: str) -> Subscriber | None:
        found = self._by_email.get(email.casefold())
        return self.subscribers.get(found) if found else None

    def customer_by_org(self, org_id: str) -> Customer | None:
        found = self._by_org.get(org_id)
        return self.customers.get(found) if found else None

    # -- what goes with a person, a workspace or an org when it goes

    def drop_devices(
        self,
        *,
        person_id: str | None = None,
        workspace_id: str | None = None,
        org_id: str | None = None,
    ) -> None:
        for device_id in [
            d.id
            for d in self.devices.values()
            if (person_id is not None and d.person_id == person_id)
            or (workspace_id is not None and d.workspace_id == workspace_id)
            or (org_id is not None and d.org_id == org_id)
        ]:
            del self.devices[device_id]

    def drop_workspaces(self, org_id: str) -> None:
        for ws_id in [w.id for w in self.workspaces.values() if w.org_id == org_id]:
            del self.workspaces[ws_id]
        self.drop_devices(org_id=org_id)

    def workspace_with_extension(self, org_id: str, extension: str) -> Workspace | None:
        return next(
            (
                w
                for w in self.workspaces.values()
                if w.org_id == org_id and w.extension == extension
            ),
            None,
        )

    def person_by_email(self, email: str) -> Person | None:
        """A pre-existing person with this email (few: only seeded orgs have them)."""
        wanted = email.casefold()
        return next(
            (p for p in self.people.values() if not p.deleted and p.email.casefold() == wanted),
            None,
        )

    def _reindex(self) -> None:
        self._by_external, self._by_org, self._by_email, self._by_customer = {}, {}, {}, {}
        for customer in list(self.customers.values()):
            self.index_customer(customer)
        for sub in list(self.subscribers.values()):
            self.index_subscriber(sub)

    # -- persistence

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            data = {
                f.name: getattr(self, f.name)
                for f in fields(self)
                if f.name != "lock" and not f.name.startswith("_")
            }
            out: dict[str, Any] = {}
            for key, value in data.items():
                if isinstance(value, dict):
                    out[key] = {k: asdict(v) for k, v in value.items()}
                else:
                    out[key] = value
            return out

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)  # atomic, so a crash never leaves half a state file

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        state = cls(
            partner_org_id=data["partner_org_id"],
            partner_name=data.get("partner_name", "Sandbox Partner"),
            partner_subscription_id=data.get("partner_subscription_id", "Sub-SANDBOX-000001"),
            seed=data.get("seed", 0),
            counter=data.get("counter", 0),
        )
        state.sub_partners = {k: _load(SubPartner, v) for k, v in data["sub_partners"].items()}
        state.orgs = {k: _load(Org, v) for k, v in data["orgs"].items()}
        state.customers = {k: _load(Customer, v) for k, v in data["customers"].items()}
        state.locations = {k: _load(Location, v) for k, v in data["locations"].items()}
        state.numbers = {k: _load(Number, v) for k, v in data["numbers"].items()}
        state.reports = {k: _load(BillingReport, v) for k, v in data["reports"].items()}
        # Absent from state files saved before devices existed.
        state.workspaces = {k: _load(Workspace, v) for k, v in data.get("workspaces", {}).items()}
        state.devices = {k: _load(Device, v) for k, v in data.get("devices", {}).items()}
        state.call_groups = {k: _load(CallGroup, v) for k, v in data.get("call_groups", {}).items()}
        state.people = {k: _load(Person, v) for k, v in data.get("people", {}).items()}
        state.schedules = {k: _load(Schedule, v) for k, v in data.get("schedules", {}).items()}
        state.auto_attendants = {
            k: _load(AutoAttendant, v) for k, v in data.get("auto_attendants", {}).items()
        }
        for table in ("hunt_groups", "call_queues"):
            rows = data.get(table, {})
            getattr(state, table).update({k: _load(LocationFeature, v) for k, v in rows.items()})
        subs: dict[str, Subscriber] = {}
        for key, value in data["subscribers"].items():
            sub = _load(Subscriber, value)
            sub.activations = [_load(Activation, a) for a in value.get("activations", [])]
            subs[key] = sub
        state.subscribers = subs
        state._reindex()
        return state

    @classmethod
    def load(cls, path: Path) -> SandboxState:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
