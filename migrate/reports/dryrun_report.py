"""``reports/dry-run.xlsx``: every request a load would send, in order, and per action what
it would do (create, adopt)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from migrate.load.dryrun import Recorded
from migrate.load.journal import JournalAction
from migrate.reports.xlsx import Column, ReportWriter


def outcome(action: JournalAction) -> str:
    if action.state == "rolled_back":
        return "would undo"
    if action.state == "succeeded":
        if "removes" in action.payload or action.type == "remove_numbers":
            return "would remove"
        if "object" in action.payload:  # a later plan's change to an object
            return "would update"
        return "would adopt" if action.adopted else "would create"
    return f"would be {action.state}"


def write_dryrun_report(
    path: Path,
    recorded: list[Recorded],
    actions: list[JournalAction],
    summary: list[tuple[str, Any]],
) -> Path:
    per_type = Counter((a.type, outcome(a)) for a in actions)
    with ReportWriter(path) as book:
        book.key_values(
            "Summary",
            [
                *summary,
                ("Write requests it would send", len(recorded)),
                *[(f"{kind}: {what}", n) for (kind, what), n in sorted(per_type.items())],
                *[
                    (f"Requests {method}", n)
                    for method, n in sorted(Counter(r.method for r in recorded).items())
                ],
            ],
        )
        sheet = book.sheet(
            "Requests",
            [
                Column("#", width=6),
                Column("Method", width=8),
                Column("Path", width=60),
                Column("Query", width=40),
                Column("Body (Authorization header: Bearer ***)", width=100),
            ],
        )
        for n, request in enumerate(recorded, start=1):
            sheet.append(
                [
                    n,
                    request.method,
                    request.path,
                    request.query,
                    json.dumps(request.body, ensure_ascii=False, sort_keys=True)
                    if request.body is not None
                    else None,
                ]
            )
        table = book.sheet(
            "Actions",
            [
                Column("Customer", width=22),
                Column("Order", width=7),
                Column("Action", width=18),
                Column("Key", width=46),
                Column("Would", width=16),
                Column("Why", width=80),
            ],
        )
        for action in actions:
            table.append(
                [
                    action.customer,
                    action.ordinal,
                    action.type,
                    action.key,
                    outcome(action),
                    action.error_message,
                ]
            )
    return path
