"""The mapped model in memory: the records ``map`` writes plus what ``finalize`` needs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from migrate import inventory as inv
from migrate.mapping.issues import SEVERITY_ORDER, Issues
from migrate.plan.model import (
    CallFeature,
    Customer,
    Device,
    Issue,
    Location,
    NotMigrated,
    Number,
    PersonSetting,
    Subscriber,
    Workspace,
)


# The order of each model file: most start with the customer, so a customer's records
# are together; the others are sorted by their key (see ``ordered_records``).
def location_order(x: Location) -> tuple[str, bool, str]:
    return (x.customer_id, not x.is_primary, x.id)


def subscriber_order(s: Subscriber) -> tuple[str, bool, str]:
    return (s.customer_id, not s.is_admin, s.id)


def number_order(n: Number) -> tuple[str, str, str]:
    return (n.customer_id, n.location_id, n.id)


def not_migrated_order(n: NotMigrated) -> tuple[str, str, str]:
    return (n.customer_id, n.kind, n.id)


def issue_order(i: Issue) -> tuple[str, int, str, str, str, str]:
    return (
        i.customer_id or "",
        SEVERITY_ORDER[i.severity],
        i.code,
        i.entity,
        i.key,
        i.field or "",
    )


@dataclass
class Model:
    customers: dict[str, Customer] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    numbers: dict[str, Number] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    not_migrated: dict[str, NotMigrated] = field(default_factory=dict)
    person_settings: dict[str, PersonSetting] = field(default_factory=dict)
    features: dict[str, CallFeature] = field(default_factory=dict)  # id → location feature
    issues: Issues = field(default_factory=Issues)
    inventory_fingerprint: str = ""
    # Context finalize needs but the model files do not carry.
    contact_emails: dict[str, str] = field(default_factory=dict)  # customer id → contact email
    titles: dict[str, str] = field(default_factory=dict)  # user id → title
    user_languages: dict[str, str] = field(default_factory=dict)  # user id → "fr" / "fr_CA"

    def active_subscribers(self) -> Iterable[Subscriber]:
        return (s for s in self.subscribers.values() if not s.skipped)

    def sorted_customers(self) -> list[Customer]:
        return [self.customers[k] for k in sorted(self.customers)]

    def sorted_locations(self) -> list[Location]:
        return sorted(self.locations.values(), key=location_order)

    def sorted_subscribers(self, include_skipped: bool = False) -> list[Subscriber]:
        subs = self.subscribers.values() if include_skipped else self.active_subscribers()
        return sorted(subs, key=subscriber_order)

    def sorted_numbers(self) -> list[Number]:
        return sorted(self.numbers.values(), key=number_order)

    def sorted_devices(self) -> list[Device]:
        return [self.devices[k] for k in sorted(self.devices)]

    def sorted_not_migrated(self) -> list[NotMigrated]:
        return sorted(self.not_migrated.values(), key=not_migrated_order)

    def sorted_issues(self) -> list[Issue]:
        return sorted(self.issues.items.values(), key=issue_order)

    def add_not_migrated(
        self,
        *,
        kind: str,
        key: str,
        customer_id: str,
        location_id: str | None,
        bw_key: dict[str, str],
        name: str | None,
        items: list[str],
        reason: str,
        rebuild: str,
    ) -> None:
        nid = f"{kind}:{key}"
        self.not_migrated[nid] = NotMigrated(
            nid, kind, customer_id, location_id, bw_key, name, items, reason, rebuild
        )


def inventory_fingerprint(workspace: Path) -> str:
    """sha256 over the inventory files (not the manifest, which carries run details)."""
    folder = inv.inventory_dir(workspace)
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
