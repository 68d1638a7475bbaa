"""The wholesale model that ``map`` writes and ``plan`` reads (DESIGN §5).

``<workspace>/model/<entity>.jsonl``, one object a line. Every record has a
stable ``id`` derived from BroadWorks ids (so a re-run gives the same ids and
later stages can key actions on them) and the ``bw_key`` it came from.
Dataclasses use slots: a 100,000-user model is held in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from migrate import workspace as layout
from migrate.errors import WorkspaceError

BLOCKER = "blocker"
WARNING = "warning"
SEVERITIES = (BLOCKER, WARNING)


@dataclass(slots=True)
class Address:
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state_or_province: str | None = None
    zip_or_postal_code: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Customer:
    id: str  # = external_id: "sp_id" (enterprise level) or "sp_id/group_id" (group level)
    bw_key: dict[str, str]
    level: str
    name: str
    name_raw: str | None = None
    external_id: str = ""
    primary_email: str | None = None
    administrator: str | None = None  # subscriber id
    language: str | None = None  # Wholesale locale, e.g. en_US
    address: Address = field(default_factory=Address)
    packages: list[str] = field(default_factory=list)
    primary_location: str | None = None
    call_in_country_code: str | None = None
    provisioning_id: str | None = None
    sub_partner_org_id: str | None = None
    contact_email: str | None = None
    org_id: str | None = None  # an existing Webex org to attach instead of creating one
    setup_assist: bool = False  # Cisco's onboarding service wanted for its locations
    cutover_date: str | None = None  # planned end of onboarding, ISO date


@dataclass(slots=True)
class Location:
    id: str  # "sp_id/group_id"
    customer_id: str
    bw_key: dict[str, str]
    name: str
    name_raw: str | None = None
    is_primary: bool = False
    address: Address = field(default_factory=Address)
    time_zone: str | None = None
    time_zone_raw: str | None = None
    language: str | None = None  # locale for voice prompts and emails
    emergency_location_identifier: str | None = None
    calling_line_id_number: str | None = None


@dataclass(slots=True)
class Subscriber:
    id: str  # BroadWorks user id
    customer_id: str
    location_id: str
    bw_key: dict[str, str]
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    email_raw: str | None = None
    email_source: str = "broadworks"  # broadworks | template | override | missing
    package: str = ""
    package_rule: int = 0
    phone_number: str | None = None
    phone_number_raw: str | None = None
    extension: str | None = None
    extension_raw: str | None = None
    language: str | None = None  # locale
    language_raw: str | None = None
    time_zone: str | None = None
    time_zone_raw: str | None = None
    is_admin: bool = False
    is_place: bool = False
    services: tuple[str, ...] = ()
    lost_services: tuple[str, ...] = ()
    overridden: list[str] = field(default_factory=list)
    skipped: bool = False  # skipped by review: not written to subscribers.jsonl


@dataclass(slots=True)
class Number:
    id: str  # E.164
    customer_id: str
    location_id: str
    bw_key: dict[str, str]
    phone_number: str = ""
    phone_number_raw: str | None = None
    assigned_to: str | None = None  # subscriber or service instance id
    assignment: str = "unassigned"  # subscriber | service_instance | not_migrated | unassigned
    activated: bool | None = None


@dataclass(slots=True)
class Device:
    id: str  # "sp_id/group_id/device_name"
    customer_id: str
    location_id: str
    bw_key: dict[str, str]
    device_name: str = ""
    device_type: str | None = None
    model: str | None = None
    kind: str = "unknown"
    migrate: bool = False
    reason: str | None = None
    mac: str | None = None
    mac_raw: str | None = None
    evidence: str = ""
    owner: str | None = None  # subscriber id of the primary line
    lines: list[str] = field(default_factory=list)
    # Issue #7: whom Webex gets the device for, and the lines it cannot carry over.
    owner_kind: str | None = None  # person | workspace (None: not migrated)
    shared_lines: list[str] = field(default_factory=list)  # shared call appearances


@dataclass(slots=True)
class Workspace:
    """A common-area phone's owner: a BroadWorks place becomes a Webex workspace.

    ``id`` is the BroadWorks user id, as for subscribers, so a place keeps one key
    from the review workbook (where it stays an editable subscriber row) to the plan.
    """

    id: str
    customer_id: str
    location_id: str
    bw_key: dict[str, str]
    name: str = ""
    phone_number: str | None = None
    extension: str | None = None
    package: str = "common_area_calling"
    devices: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NotMigrated:
    id: str  # "kind:key"
    kind: str  # services | hunt_group | call_center | auto_attendant | device | user
    customer_id: str
    location_id: str | None
    bw_key: dict[str, str]
    name: str | None = None
    items: list[str] = field(default_factory=list)
    reason: str = ""
    rebuild: str = ""


@dataclass(slots=True)
class PersonSetting:
    """One subscriber's settings of one Webex person feature (or one listed service).

    ``bw_values``: ``"service.field"`` → the BroadWorks value; ``webex``: the body the
    loader PUTs (empty when listed). ``decision`` is the review's override column.
    """

    id: str  # "user_id/feature"
    subscriber_id: str
    customer_id: str
    feature: str
    decision: str  # migrate | list
    bw_values: dict[str, Any] = field(default_factory=dict)
    webex: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    overridden: bool = False


@dataclass(slots=True)
class CallFeature:
    """A location's Webex Calling feature that a BroadWorks group service became.

    ``webex`` is the create body in Webex's field names. Members and other features
    are references the planner turns into ids: ``{"$subscriber": id}``,
    ``{"$workspace": id}``, ``{"$feature": id}``. ``bw_values`` keeps what BroadWorks
    had, for the review sheets and "Not migrated".
    """

    id: str  # "kind:bw id"
    kind: str  # schedule | hunt_group | call_queue | auto_attendant | call_park | ...
    customer_id: str
    location_id: str
    name: str
    bw_key: dict[str, str]
    webex: dict[str, Any] = field(default_factory=dict)
    phone_number: str | None = None
    extension: str | None = None
    members: list[str] = field(default_factory=list)  # subscriber/workspace ids, in order
    depends_on: list[str] = field(default_factory=list)  # other CallFeature ids
    bw_values: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Issue:
    id: str
    severity: str  # blocker | warning
    code: str
    entity: str  # customer | location | subscriber | number | device | config | inventory
    key: str  # the record id the issue is about
    customer_id: str | None
    field: str | None
    value: str | None
    proposed: str | None
    message: str


ENTITIES: dict[str, type[Any]] = {
    "customers": Customer,
    "locations": Location,
    "subscribers": Subscriber,
    "numbers": Number,
    "devices": Device,
    "workspaces": Workspace,
    "not_migrated": NotMigrated,
    "issues": Issue,
    "person_settings": PersonSetting,
    "call_features": CallFeature,
}

_NAMES: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (*ENTITIES.values(), Address)
}
_INTERNAL = {"skipped"}


def to_record(obj: Any) -> dict[str, Any]:
    """A JSON-ready dict; faster than ``dataclasses.asdict`` (no deep copies)."""
    out: dict[str, Any] = {}
    for name in _NAMES[type(obj)]:
        if name in _INTERNAL:
            continue
        value = getattr(obj, name)
        if isinstance(value, Address):
            value = to_record(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


T = TypeVar("T")


def from_record(cls: type[T], data: dict[str, Any]) -> T:
    known = _NAMES[cls]
    kwargs = {k: v for k, v in data.items() if k in known}
    if "address" in kwargs and isinstance(kwargs["address"], dict):
        kwargs["address"] = Address(**kwargs["address"])
    for name in ("services", "lost_services"):
        if name in kwargs and isinstance(kwargs[name], list):
            kwargs[name] = tuple(kwargs[name])
    return cls(**kwargs)


def model_dir(workspace: Path) -> Path:
    return layout.Workspace(workspace).model_dir


def read(workspace: Path, entity: str) -> Iterator[Any]:
    """Stream one model entity as dataclass instances (empty when absent)."""
    cls = ENTITIES[entity]
    path = model_dir(workspace) / f"{entity}.jsonl"
    if not path.exists():
        return
    for number, record in layout.read_jsonl(path):
        try:
            yield from_record(cls, record)
        except (TypeError, ValueError, AttributeError) as err:
            raise WorkspaceError(f"{path}:{number}: damaged record: {err}") from err


def read_manifest(workspace: Path) -> dict[str, Any]:
    path = layout.Workspace(workspace).model_manifest
    if not path.exists():
        return {}
    data = layout.read_json(path)
    if not isinstance(data, dict):
        raise WorkspaceError(f"{path}: damaged: not a JSON object")
    return data
