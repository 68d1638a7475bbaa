"""``map``: inventory + tables + config (+ overrides) → the wholesale model + review.xlsx."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load.lock import workspace_lock
from migrate.mapping import workspaces
from migrate.mapping.call_settings import settle_call_settings
from migrate.mapping.mapper import Model, build, finalize
from migrate.mapping.overrides import (
    OverrideResult,
    apply_call_setting_decisions,
    apply_overrides,
    read_call_setting_decisions,
    read_review,
)
from migrate.mapping.tables import load_tables
from migrate.plan.model import ENTITIES, to_record
from migrate.reports.review import write_review
from migrate.stages.preflight import preflight
from migrate.stages.settings import Settings
from migrate.workspace import MANIFEST, OVERRIDES_LOG, Workspace, staged_dir

REVIEW_NAME = "review.xlsx"


@dataclass
class MapResult:
    model_dir: Path
    review: Path
    counts: dict[str, int] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)
    overrides: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": str(self.model_dir),
            "review": str(self.review),
            "counts": self.counts,
            "issues": self.issues,
            "overrides": self.overrides,
            "inventory_fingerprint": self.fingerprint,
        }


def _entity_rows(model: Model, entity: str) -> list[Any]:
    if entity == "customers":
        return model.sorted_customers()
    if entity == "locations":
        return model.sorted_locations()
    if entity == "subscribers":
        return model.sorted_subscribers()
    if entity == "numbers":
        return model.sorted_numbers()
    if entity == "devices":
        return model.sorted_devices()
    if entity == "workspaces":
        return [model.workspaces[k] for k in sorted(model.workspaces)]
    if entity == "not_migrated":
        return model.sorted_not_migrated()
    if entity == "person_settings":
        return [model.person_settings[k] for k in sorted(model.person_settings)]
    if entity == "call_features":
        return [model.features[k] for k in sorted(model.features)]
    return model.sorted_issues()


def map_inventory(settings: Settings, overrides: Path | None = None) -> MapResult:
    preflight(settings)
    with workspace_lock(settings.workspace, "map"):  # never rewrite model/ under a load
        return run_map(
            settings.workspace, settings.reports, settings.config, settings.mappings, overrides
        )


def run_map(
    workspace: Path,
    reports: Path,
    config_path: Path | None = None,
    mappings: Path | None = None,
    overrides_path: Path | None = None,
) -> MapResult:
    """Map the inventory; write ``model/`` and ``review.xlsx`` only if everything succeeds."""
    tables = load_tables(mappings)
    config = load_config(config_path)
    model = build(workspace, tables, config)
    log: list[OverrideResult] | None = None
    overrides_digest = None
    if overrides_path is not None:
        edits = read_review(overrides_path, model)
        log = apply_overrides(model, edits)
        decisions = read_call_setting_decisions(overrides_path, model)
        log += apply_call_setting_decisions(model, decisions)
        overrides_digest = hashlib.sha256(
            json.dumps([o.to_record() for o in log], sort_keys=True).encode()
        ).hexdigest()
        settle_call_settings(model)
    finalize(model, tables, config)
    workspaces.derive(model)  # places → workspaces, device owners

    counts: dict[str, int] = {}
    severity = Counter(i.severity for i in model.issues.items.values())
    review_path = reports / REVIEW_NAME
    final = Workspace(workspace).model_dir
    with staged_dir(final) as staging:
        for entity in ENTITIES:
            counts[entity] = inv.write_jsonl(
                staging / f"{entity}.jsonl", (to_record(r) for r in _entity_rows(model, entity))
            )
        if log is not None:
            inv.write_jsonl(staging / OVERRIDES_LOG, (o.to_record() for o in log))
        applied = Counter(o.result for o in log or [])
        manifest = {
            "inventory_fingerprint": model.inventory_fingerprint,
            "tables_digest": tables.digest,
            "tables": tables.sources,
            "config": config.source,
            "config_digest": config.digest,
            "customer_level": config.customer_level,
            "overrides_digest": overrides_digest,
            "counts": counts,
            "issues": {
                "blocker": severity.get("blocker", 0),
                "warning": severity.get("warning", 0),
            },
            "overrides": dict(sorted(applied.items())),
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        summary: list[tuple[str, Any]] = [
            ("Stage", "migrate map"),
            ("Workspace", str(workspace)),
            ("Customer level", config.customer_level),
            ("Config", config.source or "(defaults)"),
            ("Mapping tables digest", tables.digest),
            ("Overrides", str(overrides_path) if overrides_path else "(none)"),
            *[(f"{name.replace('_', ' ').capitalize()}", count) for name, count in counts.items()],
            ("Blockers", severity.get("blocker", 0)),
            ("Warnings", severity.get("warning", 0)),
            (
                "Editable columns",
                "Subscribers: Email, Package, Location, Extension, Skip; Locations and "
                "Customers: the address columns (yellow headers). "
                "Re-run: migrate map --overrides THIS_FILE",
            ),
        ]
        # Inside the staged block: a workbook failure leaves the previous model in place.
        write_review(review_path, model, summary, log, config.review_split_rows)
    return MapResult(
        final,
        review_path,
        counts,
        {"blocker": severity.get("blocker", 0), "warning": severity.get("warning", 0)},
        dict(sorted(applied.items())),
        model.inventory_fingerprint,
    )
