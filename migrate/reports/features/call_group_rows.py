"""What the call park, call pickup and paging sheets share: one row per member.

Members are listed in BroadWorks order with the role they have (agent, originator,
target) and whether Webex gets them; a group without members still has a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.xlsx import Column, SheetSpec

MEMBER_COLUMNS = [
    Column("Member order", width=8),
    Column("Role", width=12),
    Column("BroadWorks user", width=34),
    Column("Member name", width=26),
    Column("Moves to Webex", width=10, note="no: see Issues and Not migrated for why"),
]
Settings = Callable[[CallFeature], list[Any]]


def _name(row: dict[str, Any]) -> str:
    return " ".join(str(row[k]) for k in ("First Name", "Last Name") if row.get(k))


def _members(feature: CallFeature) -> Iterator[tuple[str, dict[str, Any], bool]]:
    values = feature.bw_values
    if feature.kind == "paging_group":
        kept_originators = set(values.get("originators_kept") or [])
        for row in values.get("originators_users") or []:
            yield "originator", row, row.get("User Id") in kept_originators
        for row in values.get("targets_users") or []:
            yield "target", row, row.get("User Id") in feature.members
        return
    for row in values.get("users") or []:
        yield "agent", row, row.get("User Id") in feature.members


def member_sheet(
    model: Model, kind: str, title: str, columns: list[Column], settings: Settings
) -> SheetSpec:
    """A sheet of ``kind``'s features: identity and ``settings`` columns, then a member."""
    head = [Column("Customer", width=24), Column("Location", width=24), Column("Name", width=28)]

    def rows() -> Iterator[list[Any]]:
        features = sorted(
            (f for f in model.features.values() if f.kind == kind),
            key=lambda f: (f.customer_id, f.location_id, f.name),
        )
        for feature in features:
            first = [feature.customer_id, feature.location_id, feature.name, *settings(feature)]
            members = list(_members(feature))
            if not members:
                yield [*first, None, None, None, None, None]
            for order, (role, row, kept) in enumerate(members, 1):
                yield [*first, order, role, row.get("User Id"), _name(row), "yes" if kept else "no"]

    return SheetSpec(title, [*head, *columns, *MEMBER_COLUMNS], rows)
