"""``reports/plan.xlsx``: per customer, what will be created, adopted or left alone."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from migrate.plan.builder import Plan
from migrate.reports.xlsx import Column, ReportWriter


def write_plan_report(plan: Plan, path: Path, done: dict[str, str] | None = None) -> Path:
    """``done``: journal state per action key, when a load already ran."""
    done = done or {}
    with ReportWriter(path) as book:
        per_type = Counter(action.type for action in plan.actions)
        summary: list[tuple[str, Any]] = [
            ("Plan fingerprint", plan.fingerprint),
            ("Created at (UTC)", plan.created_at),
            ("Actions", len(plan.actions)),
            *[(f"Actions: {kind}", n) for kind, n in sorted(per_type.items())],
            ("Left alone", len(plan.left_alone)),
            *[(f"Input: {name}", digest[:16]) for name, digest in sorted(plan.inputs.items())],
        ]
        book.key_values("Summary", summary)
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
        for action in plan.actions:
            state = done.get(action.key)
            outcome = (
                f"done ({state})"
                if state in ("succeeded",)
                else (f"retry ({state})" if state else "create or adopt")
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
        for item in plan.left_alone:
            left.append([item.customer, item.entity, item.key, item.reason])
    return path
