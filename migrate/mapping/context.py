"""What phase one (``build``) reads once and every mapping step consults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.config import Config
from migrate.mapping.issues import Issues
from migrate.mapping.model import Model
from migrate.mapping.tables import Tables


@dataclass
class BuildContext:
    workspace: Path
    tables: Tables
    config: Config
    model: Model = field(default_factory=Model)
    sps: dict[str, inv.ServiceProvider] = field(default_factory=dict)
    groups: dict[tuple[str, str], inv.Group] = field(default_factory=dict)
    packs: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    inv_languages: dict[str, str] = field(default_factory=dict)  # language name → locale
    service_ids: set[str] = field(default_factory=set)
    # 100,000 users share a few dozen service sets: one tuple each saves memory.
    interned: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # What feature mappers share while one build runs (schedules placed per location ...).
    feature_notes: dict[str, Any] = field(default_factory=dict)

    @property
    def issues(self) -> Issues:
        return self.model.issues

    def customer_id(self, sp_id: str, group_id: str) -> str:
        return sp_id if self.config.customer_level == "enterprise" else f"{sp_id}/{group_id}"

    def intern(self, services: Iterable[str]) -> tuple[str, ...]:
        key = tuple(sorted(set(services)))
        return self.interned.setdefault(key, key)
