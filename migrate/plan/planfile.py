"""plan.json read as it streams: its small values at once, its lists item by item.

What reads a whole platform's plan (``migrate report``) holds one action at a
time; :func:`migrate.plan.builder.read` is for the plans a load executes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.plan.actions import Action
from migrate.plan.builder import LeftAlone
from migrate.plan.diff import Change
from migrate.plan.jsonfile import iter_items, read_scalars


@dataclass(frozen=True)
class PlanFile:
    path: Path
    fingerprint: str
    created_at: str
    inputs: dict[str, str]
    counts: dict[str, int]  # actions per type, then left_alone

    def actions(self) -> Iterator[Action]:
        return (Action.from_dict(item) for item in iter_items(self.path, "actions"))

    def changes(self) -> Iterator[Change]:
        return (Change.from_dict(item) for item in iter_items(self.path, "changes"))

    def left_alone(self) -> Iterator[LeftAlone]:
        return (LeftAlone(**item) for item in iter_items(self.path, "left_alone"))


def open_plan(path: Path) -> PlanFile:
    """The plan at ``path`` (it exists), its lists not yet read."""
    scalars: dict[str, Any] = read_scalars(path)
    return PlanFile(
        path,
        scalars["fingerprint"],
        scalars.get("created_at", ""),
        scalars["inputs"],
        scalars.get("counts", {}),
    )
