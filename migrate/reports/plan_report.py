"""``reports/plan.xlsx``: what the plan changes, object by object and field by field
(old → new), its actions in order, and what it leaves alone."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.plan.actions import REMOVE, UNCHANGED, UPDATE, Action
from migrate.plan.builder import LeftAlone, Plan
from migrate.plan.diff import Change, counts
from migrate.reports.xlsx import Column, ReportWriter


def write_plan_report(plan: Plan, path: Path, done: Mapping[str, str] | None = None) -> Path:
    """``done``: journal state per action key, when a load already ran."""
    return write_plan_rows(
        path,
        PlanTotals(
            plan.fingerprint,
            plan.created_at,
            plan.inputs,
            counts(plan.changes),
            dict(Counter(action.type for action in plan.actions)),
            len(plan.actions),
            len(plan.left_alone),
        ),
        plan.changes,
        plan.actions,
        plan.left_alone,
        done,
    )


@dataclass
class PlanTotals:
    """What the Summary sheet says of a plan whose rows stream after it."""

    fingerprint: str
    created_at: str
    inputs: dict[str, str]
    per_entity: dict[str, dict[str, int]]  # as migrate.plan.diff.counts gives it
    per_type: dict[str, int]
    actions: int
    left_alone: int


def write_plan_rows(
    path: Path,
    totals: PlanTotals,
    changes: Iterable[Change],
    actions: Iterable[Action],
    left_alone: Iterable[LeftAlone],
    done: Mapping[str, str] | None = None,
) -> Path:
    """The workbook, its rows written as the iterables give them."""
    done = done or {}
    with ReportWriter(path) as book:
        per_type = totals.per_type
        per_entity = totals.per_entity
        summary: list[tuple[str, Any]] = [
            ("Plan fingerprint", totals.fingerprint),
            ("Created at (UTC)", totals.created_at),
            *[
                (
                    f"Objects: {entity}",
                    f"+ {n['create']} create  ~ {n['update']} update  "
                    f"- {n['remove']} remove  = {n['unchanged']} unchanged",
                )
                for entity, n in per_entity.items()
            ],
            ("Removals run only with `migrate load --prune`", "yes"),
            ("Actions", totals.actions),
            *[(f"Actions: {kind}", n) for kind, n in sorted(per_type.items())],
            ("Left alone", totals.left_alone),
            *[(f"Input: {name}", digest[:16]) for name, digest in sorted(totals.inputs.items())],
        ]
        book.key_values("Summary", summary)
        change_rows = book.sheet(
            "Changes",
            [
                Column("Customer", width=24),
                Column("Object", width=12),
                Column("Key", width=40),
                Column("Change", width=10, note="create, update, remove (with --prune only)"),
                Column("Field", width=18),
                Column("Old value", width=40),
                Column("New value", width=40),
                Column("Action", width=56),
                Column("Note", width=60),
            ],
        )
        for change in changes:
            if change.op == UNCHANGED and not change.note:
                continue  # the Plan sheet lists every action; this sheet is the difference
            for name, (old, new) in change.fields.items() or {"": (None, None)}.items():
                change_rows.append(
                    [
                        change.customer,
                        change.entity,
                        change.key,
                        change.op,
                        name,
                        _cell(old),
                        _cell(new),
                        change.action,
                        change.note,
                    ]
                )
        sheet = book.sheet(
            "Plan",
            [
                Column("Customer", width=24),
                Column("Order", width=7),
                Column("Action", width=18),
                Column("Key", width=48),
                Column("What", width=60),
                Column(
                    "Outcome",
                    width=22,
                    note="create: created unless it already exists, then "
                    "adopted; done: a load already did it",
                ),
                Column("Depends on", width=48),
                Column("Inverse", width=20),
                Column("Payload", width=80),
            ],
        )
        for action in actions:
            state = done.get(action.key)
            outcome = (
                "prune only (load --prune)"
                if action.op == REMOVE
                else f"done ({state})"
                if state in ("succeeded",)
                else action.op
                if action.op == UPDATE
                else (f"retry ({state})" if state and state != "rolled_back" else "create or adopt")
            )
            sheet.append(
                [
                    action.customer,
                    action.ordinal,
                    action.type,
                    action.key,
                    action.summary,
                    outcome,
                    ", ".join(action.depends_on),
                    (action.inverse or {}).get("type"),
                    json.dumps(action.payload, ensure_ascii=False, sort_keys=True),
                ]
            )
        left = book.sheet(
            "Left alone",
            [
                Column("Customer", width=24),
                Column("Object", width=12),
                Column("Key", width=40),
                Column("Why", width=100),
            ],
        )
        for item in left_alone:
            left.append([item.customer, item.entity, item.key, item.reason])
    return path


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
