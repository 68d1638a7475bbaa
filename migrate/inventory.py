"""The normalised BroadWorks model that ``extract`` writes and ``map`` reads.

``<workspace>/inventory/<entity>.jsonl`` holds one object a line, sorted by
the entity's key (DESIGN §4). Raw values travel next to normalised ones
(``phone_number_raw`` beside ``phone_number`` in E.164) so that a reviewer
sees both. Every record lists the export files it came from in ``sources``.

``manifest.json`` beside the files says what was extracted, from where, and
how many of each command type were seen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

# Re-exported for the extractor, which writes it into its staging folder.
from migrate.errors import WorkspaceError
from migrate.workspace import MANIFEST as MANIFEST
from migrate.workspace import Workspace, read_json, read_jsonl


@dataclass
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    state_display: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass
class Contact:
    name: str | None = None
    number: str | None = None
    email: str | None = None


@dataclass
class ServiceProvider:
    """An enterprise or a service provider. Key: ``sp_id``."""

    sp_id: str
    name: str | None = None
    is_enterprise: bool | None = None
    default_domain: str | None = None
    support_email: str | None = None
    contact: Contact | None = None
    address: Address | None = None
    external_id: str | None = None
    reseller_id: str | None = None
    use_sp_languages: bool | None = None
    response_type: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Group:
    """A group (a site, usually). Key: ``(sp_id, group_id)``."""

    sp_id: str
    group_id: str
    name: str | None = None
    default_domain: str | None = None
    user_limit: int | None = None
    user_count: int | None = None
    calling_line_id_name: str | None = None
    calling_line_id_number_raw: str | None = None
    calling_line_id_number: str | None = None
    time_zone: str | None = None
    time_zone_display_name: str | None = None
    location_dialing_code: str | None = None
    contact: Contact | None = None
    address: Address | None = None
    external_id: str | None = None
    response_type: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Endpoint:
    """A user's primary access-device endpoint (``accessDeviceEndpoint``)."""

    device_level: str | None = None
    device_name: str | None = None
    line_port: str | None = None


@dataclass
class User:
    """A BroadWorks user (a person or, with ``is_place``, a place). Key: ``user_id``."""

    user_id: str
    sp_id: str | None = None
    group_id: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    calling_line_id_last_name: str | None = None
    calling_line_id_first_name: str | None = None
    phone_number_raw: str | None = None
    phone_number: str | None = None
    extension: str | None = None
    country_code: str | None = None
    national_prefix: str | None = None
    email: str | None = None
    language: str | None = None
    time_zone: str | None = None
    time_zone_display_name: str | None = None
    title: str | None = None
    mobile_phone_number: str | None = None
    department: str | None = None
    address: Address | None = None
    is_place: bool | None = None
    endpoint: Endpoint | None = None
    trunk_user: bool = False
    services: list[str] = field(default_factory=list)
    group_services: list[str] = field(default_factory=list)
    service_packs: list[str] = field(default_factory=list)
    external_id: str | None = None
    response_type: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Number:
    """A directory number. Key: ``phone_number`` (E.164)."""

    phone_number: str
    phone_number_raw: str | None = None
    sp_id: str | None = None
    group_id: str | None = None
    user_id: str | None = None
    user_type: str | None = None
    activated: bool | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class DeviceLine:
    """One line (endpoint) on a device: its user and the kind of appearance."""

    user_id: str | None = None
    line_port: str | None = None
    endpoint_type: str | None = None
    order: int | None = None
    primary_line_port: bool | None = None


@dataclass
class Device:
    """An access device. Key: ``(sp_id, group_id, device_name)``."""

    sp_id: str
    group_id: str
    device_name: str
    device_level: str | None = None
    device_type: str | None = None
    mac_address_raw: str | None = None
    mac_address: str | None = None
    version: str | None = None
    user_agents: list[str] = field(default_factory=list)
    status: str | None = None
    protocol: str | None = None
    net_address: str | None = None
    serial_number: str | None = None
    description: str | None = None
    lines: list[DeviceLine] = field(default_factory=list)
    response_type: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class ServicePack:
    """A service pack and the services it bundles. Key: ``(sp_id, name)``."""

    sp_id: str
    name: str
    description: str | None = None
    is_available: bool | None = None
    services: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class ServiceInstance:
    """A hunt group, call center or auto attendant. Key: ``service_user_id``."""

    service_user_id: str
    kind: str  # "hunt_group" | "call_center" | "auto_attendant"
    sp_id: str | None = None
    group_id: str | None = None
    name: str | None = None
    phone_number_raw: str | None = None
    phone_number: str | None = None
    extension: str | None = None
    policy: str | None = None
    type: str | None = None
    agents: list[str] = field(default_factory=list)
    language: str | None = None
    time_zone: str | None = None
    response_type: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class Language:
    """A row of ``SystemLanguageGetListResponse``. Key: ``language``."""

    language: str
    locale: str | None = None
    encoding: str | None = None
    is_default: bool = False


@dataclass
class TimeZone:
    """A row of ``SystemTimeZoneGetListResponse``. Key: ``key``."""

    key: str
    display_name: str | None = None


@dataclass
class UserSetting:
    """One user's settings of one service, values under their OCI-P names.

    Key: ``(user_id, service)``.
    """

    user_id: str
    service: str
    values: dict[str, Any] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)  # the responses read, with versions
    sources: list[str] = field(default_factory=list)


@dataclass
class GroupFeature:
    """One group service's configuration: a hunt group, call center, auto attendant,
    schedule, call park, call pickup or paging group, values under their OCI-P names.

    Key: ``id`` (the service user id, or ``sp/group/kind/name`` for services that have
    none). ``members`` are user ids in BroadWorks order (agents, targets, parkers);
    tables keep their rows as lists of column → value dicts inside ``values``.
    """

    id: str
    kind: str  # hunt_group | call_center | auto_attendant | schedule | call_park | ...
    sp_id: str
    group_id: str | None = None  # None for an enterprise-level schedule
    name: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # the responses read, with versions
    sources: list[str] = field(default_factory=list)


def schedule_feature_id(sp_id: str, group_id: str | None, schedule_type: str, name: str) -> str:
    """A schedule's ``GroupFeature`` id: ``sp/group/schedule/Time|Holiday/name``, the group
    empty for a provider (enterprise) schedule, which the groups under it share."""
    return f"{sp_id}/{group_id or ''}/schedule/{schedule_type}/{name}"


@dataclass
class Warning:
    """Something the extractor could not use, with where it was."""

    severity: str  # "error" (a document or record was dropped) | "warning" | "info"
    code: str
    file: str
    record: str | None = None
    field: str | None = None
    message: str = ""
    oci_error_code: int | None = None


ENTITIES: dict[str, type[Any]] = {
    "service_providers": ServiceProvider,
    "groups": Group,
    "users": User,
    "numbers": Number,
    "devices": Device,
    "service_packs": ServicePack,
    "service_instances": ServiceInstance,
    "languages": Language,
    "time_zones": TimeZone,
    "user_settings": UserSetting,
    "group_features": GroupFeature,
    "warnings": Warning,
}

T = TypeVar("T")

_NESTED: dict[tuple[type[Any], str], type[Any]] = {
    (ServiceProvider, "contact"): Contact,
    (ServiceProvider, "address"): Address,
    (Group, "contact"): Contact,
    (Group, "address"): Address,
    (User, "address"): Address,
    (User, "endpoint"): Endpoint,
}


# The classes whose fields ``from_dict`` converts further (nested objects, device lines).
_CONVERTED = frozenset({cls for cls, _name in _NESTED} | {Device})
_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def _field_names(cls: type[Any]) -> frozenset[str]:
    """The fields of ``cls``, looked up once: ``from_dict`` runs for every record."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build ``cls`` from a JSONL object, ignoring keys a newer writer added."""
    known = _field_names(cls)
    kwargs = {name: value for name, value in data.items() if name in known}
    if cls in _CONVERTED:
        for name, value in kwargs.items():
            nested = _NESTED.get((cls, name))
            if nested is not None and isinstance(value, dict):
                kwargs[name] = from_dict(nested, value)
            elif cls is Device and name == "lines":
                kwargs[name] = [from_dict(DeviceLine, line) for line in value]
    return cls(**kwargs)


def inventory_dir(workspace: Path) -> Path:
    return Workspace(workspace).inventory_dir


def read_records(workspace: Path, entity: str) -> Iterator[dict[str, Any]]:
    """Stream the raw objects of one entity file (empty when absent)."""
    for _number, record in _numbered(workspace, entity):
        yield record


def _numbered(workspace: Path, entity: str) -> Iterator[tuple[int, dict[str, Any]]]:
    path = inventory_dir(workspace) / f"{entity}.jsonl"
    if not path.exists():
        return
    yield from read_jsonl(path)


def read(workspace: Path, entity: str) -> Iterator[Any]:
    """Stream one entity as dataclass instances; a record that does not fit is named."""
    cls = ENTITIES[entity]
    for number, record in _numbered(workspace, entity):
        try:
            yield from_dict(cls, record)
        except (TypeError, ValueError, AttributeError) as err:
            path = inventory_dir(workspace) / f"{entity}.jsonl"
            raise WorkspaceError(f"{path}:{number}: damaged record: {err}") from err


def read_manifest(workspace: Path) -> dict[str, Any]:
    path = Workspace(workspace).inventory_manifest
    if not path.exists():
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        raise WorkspaceError(f"{path}: damaged: not a JSON object")
    return data


def dumps(record: dict[str, Any]) -> str:
    """The one JSON line format: sorted keys, UTF-8, no spaces (byte-stable)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    return write_lines(path, (dumps(record) for record in records))


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Lines already in :func:`dumps`' format, one per line, synced; how many."""
    count = 0
    try:
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for line in lines:
                handle.write(line)
                handle.write("\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        if err.filename:
            raise
        # A failed write() does not say which file: the staged write maps this name.
        raise OSError(err.errno, err.strerror, str(path)) from err
    return count
