"""``map``: inventory + tables + config (+ overrides) → the wholesale model + review.xlsx."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.config import Config, load_config
from migrate.errors import ExitCode
from migrate.load.lock import workspace_lock
from migrate.mapping import workspaces
from migrate.mapping.by_provider import ProviderRun
from migrate.mapping.call_settings import settle_call_settings
from migrate.mapping.mapper import Model, build, finalize
from migrate.mapping.ordered_records import sorted_records
from migrate.mapping.overrides import (
    OverrideResult,
    apply_call_setting_decisions,
    apply_overrides,
    read_call_setting_decisions,
    read_review,
)
from migrate.mapping.shared_parts import part_workers
from migrate.mapping.tables import Tables, load_tables
from migrate.plan.model import ENTITIES, to_record
from migrate.reports.review import write_review, write_review_index
from migrate.reports.review_by_part import write_reviews
from migrate.stages.preflight import preflight
from migrate.stages.settings import Settings
from migrate.workspace import MANIFEST, OVERRIDES_LOG, Workspace, staged_dir

REVIEW_NAME = "review.xlsx"
SCRATCH = ".map-work"  # inside the staged model folder, removed before it is published


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
    return [record for _key, record in sorted_records(model, entity)]


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
    """Map the inventory; write ``model/`` and ``review.xlsx`` only if everything succeeds.

    A platform with more users than ``review_split_rows`` (whose review may be split per
    customer) is mapped one service provider at a time (``mapping.by_provider``); when its
    review is split, it is finalized and written that way too, so memory follows the
    largest provider. Overrides take the whole platform in one model.
    """
    tables = load_tables(mappings)
    config = load_config(config_path)
    split = config.review_split_rows
    if overrides_path is not None or split is None or _user_count(workspace) <= split:
        return _map_whole(workspace, reports, tables, config, overrides_path)
    with staged_dir(Workspace(workspace).model_dir) as staging:
        # The scratch lives in the staged folder: a full disk is the model's, and a failed
        # map leaves nothing behind.
        scratch = staging / SCRATCH
        scratch.mkdir()
        run = None
        workers = part_workers()
        try:
            run = ProviderRun(workspace, tables, config, scratch, workers)
            run.build()
            if run.subscribers <= split:
                model = run.merged()
                finalize(model, tables, config)
                workspaces.derive(model)  # places → workspaces, device owners
                return _write_whole(staging, workspace, reports, tables, config, model, None, None)
            return _write_parts(staging, workspace, reports, tables, config, run)
        except sqlite3.OperationalError as err:
            if "full" not in str(err):
                raise
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(scratch)) from err
        finally:
            if workers is not None:  # done with the scratch before it goes
                workers.close()
            if run is not None:
                run.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _user_count(workspace: Path) -> int:
    """How many users the inventory has: no more subscribers than that."""
    path = inv.inventory_dir(workspace) / "users.jsonl"
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _map_whole(
    workspace: Path,
    reports: Path,
    tables: Tables,
    config: Config,
    overrides_path: Path | None,
) -> MapResult:
    """The whole platform in one model: its review is one workbook (which needs it whole),
    or the reviewer's edits span it."""
    model = build(workspace, tables, config)
    log = None
    if overrides_path is not None:
        edits = read_review(overrides_path, model)
        log = apply_overrides(model, edits)
        decisions = read_call_setting_decisions(overrides_path, model)
        log += apply_call_setting_decisions(model, decisions)
        settle_call_settings(model)
    finalize(model, tables, config)
    workspaces.derive(model)  # places → workspaces, device owners
    with staged_dir(Workspace(workspace).model_dir) as staging:
        return _write_whole(staging, workspace, reports, tables, config, model, log, overrides_path)


def _write_whole(
    staging: Path,
    workspace: Path,
    reports: Path,
    tables: Tables,
    config: Config,
    model: Model,
    log: list[OverrideResult] | None,
    overrides_path: Path | None,
) -> MapResult:
    counts: dict[str, int] = {}
    severity = Counter(i.severity for i in model.issues.items.values())
    review_path = reports / REVIEW_NAME
    for entity in ENTITIES:
        counts[entity] = inv.write_jsonl(
            staging / f"{entity}.jsonl", (to_record(r) for r in _entity_rows(model, entity))
        )
    applied = _write_manifest(
        staging, tables, config, model.inventory_fingerprint, counts, severity, log
    )
    summary = _summary(workspace, tables, config, overrides_path, counts, severity)
    # Inside the staged block: a workbook failure leaves the previous model in place.
    write_review(review_path, model, summary, log, config.review_split_rows)
    return _result(workspace, review_path, counts, severity, applied, model.inventory_fingerprint)


def _write_parts(
    staging: Path,
    workspace: Path,
    reports: Path,
    tables: Tables,
    config: Config,
    run: ProviderRun,
) -> MapResult:
    """Finalize part by part; the model files merged, one review workbook per customer.
    Like pass one, they are shared with the run's worker, if it has one."""
    review_path = reports / REVIEW_NAME
    unowned = run.finalize()
    counts = run.records.write(staging)
    severity = Counter(run.records.severities())
    applied = _write_manifest(staging, tables, config, run.fingerprint, counts, severity, None)
    summary = _summary(workspace, tables, config, None, counts, severity)
    spills = [run.spill_path(number) for number in range(len(run.parts))]
    index = write_reviews(spills, review_path, summary, run.workers)
    stray = Model(inventory_fingerprint=run.fingerprint)
    stray.issues = unowned
    write_review_index(review_path, summary, index, stray, None)
    return _result(workspace, review_path, counts, severity, applied, run.fingerprint)


def _write_manifest(
    staging: Path,
    tables: Tables,
    config: Config,
    fingerprint: str,
    counts: dict[str, int],
    severity: Counter[str],
    log: list[OverrideResult] | None,
) -> dict[str, int]:
    """The model's manifest (and overrides log); the overrides applied, by result."""
    overrides_digest = None
    if log is not None:
        inv.write_jsonl(staging / OVERRIDES_LOG, (o.to_record() for o in log))
        overrides_digest = hashlib.sha256(
            json.dumps([o.to_record() for o in log], sort_keys=True).encode()
        ).hexdigest()
    applied = dict(sorted(Counter(o.result for o in log or []).items()))
    manifest = {
        "inventory_fingerprint": fingerprint,
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
        "overrides": applied,
    }
    (staging / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return applied


def _summary(
    workspace: Path,
    tables: Tables,
    config: Config,
    overrides_path: Path | None,
    counts: dict[str, int],
    severity: Counter[str],
) -> list[tuple[str, Any]]:
    return [
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


def _result(
    workspace: Path,
    review: Path,
    counts: dict[str, int],
    severity: Counter[str],
    applied: dict[str, int],
    fingerprint: str,
) -> MapResult:
    issues = {"blocker": severity.get("blocker", 0), "warning": severity.get("warning", 0)}
    return MapResult(Workspace(workspace).model_dir, review, counts, issues, applied, fingerprint)
