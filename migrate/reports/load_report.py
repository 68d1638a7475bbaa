"""``reports/load.xlsx``: Summary, then one row per action with its outcome."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from migrate.load.holds import OVERDUE_ADVICE, Hold, holds
from migrate.load.journal import FINISHED, PARKED, STATES, Journal, JournalAction
from migrate.reports.xlsx import Column, ReportWriter

_ID_FIELDS = (
    "customerId",
    "orgId",
    "locationId",
    "subscriberId",
    "personId",
    "workspaceId",
    "deviceId",
)


def write_load_report(workspace: Path, path: Path, summary: list[tuple[str, Any]]) -> Path:
    """The workbook of a workspace's journal, its actions streamed from sqlite: memory
    holds what needs attention, never every action (``migrate report`` at scale)."""
    with Journal(workspace, check_every_page=False) as journal, journal.reading():
        counts: Counter[str] = Counter()
        for _customer, _batch, _kind, state, count, _at in journal.tally():
            counts[state] += count
        held = holds(journal.attention((PARKED,)), journal.parked_since())
        return _write(path, summary, counts, held, journal.iter_outcomes(), journal.runs())


def write_load_workbook(
    path: Path,
    summary: list[tuple[str, Any]],
    actions: list[JournalAction],
    runs: list[dict[str, Any]],
    parked_since: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Path:
    """``actions``, ``runs`` and ``parked_since`` as the journal gives them
    (``Journal.actions()``, ``.runs()``, ``.parked_since()``); ``now`` measures the holds."""
    failed_first = sorted(
        actions,
        key=lambda a: (a.state in FINISHED, a.customer, a.ordinal),
    )
    counts = Counter(a.state for a in actions)
    return _write(
        path, summary, counts, holds(actions, parked_since or {}, now), failed_first, runs
    )


def _write(
    path: Path,
    summary: list[tuple[str, Any]],
    counts: Mapping[str, int],
    held: list[Hold],
    failed_first: Iterable[JournalAction],
    runs: list[dict[str, Any]],
) -> Path:
    """``failed_first``: what did not finish first, then by customer and order."""
    with ReportWriter(path) as book:
        book.key_values(
            "Summary",
            [
                *summary,
                *[(f"Actions {s}", counts.get(s, 0)) for s in STATES],
                ("Held by Webex", len(held)),
                ("Held over 72 h (Cisco review overdue)", sum(h.overdue for h in held)),
            ],
        )
        held_sheet = book.sheet(
            "Held",
            [
                Column("Customer", width=22),
                Column("Reason", width=24),
                Column("Parked since (UTC)", width=26),
                Column("Hours", width=8),
                Column("Overdue (72 h)", width=14),
                Column("Key", width=46),
                Column("What to do", width=60),
            ],
        )
        for h in held:
            held_sheet.append(
                [
                    h.customer,
                    h.reason,
                    h.since,
                    h.hours,
                    h.overdue,
                    h.key,
                    OVERDUE_ADVICE
                    if h.overdue
                    else "`migrate retry` polls it again"
                    + ("; --resend-consent mails the user again" if h.subscriber_id else ""),
                ]
            )
        sheet = book.sheet(
            "Actions",
            [
                Column("Customer", width=22),
                Column("Batch", width=7),
                Column("Order", width=7),
                Column("Action", width=18),
                Column("Key", width=46),
                Column("Status", width=12),
                Column("Adopted", width=9),
                Column("Webex ids", width=60),
                Column("Error kind", width=11),
                Column("Error code", width=18),
                Column("Message", width=80),
                Column("Tracking id", width=44),
                Column("Attempts", width=9),
                Column("Run", width=6),
                Column("Updated (UTC)", width=26),
            ],
        )
        for a in failed_first:
            ids = {k: v for k, v in (a.result or {}).items() if k in _ID_FIELDS and v}
            if a.result and a.result.get("added"):
                ids["numbersAdded"] = len(a.result["added"])
            sheet.append(
                [
                    a.customer,
                    a.batch,
                    a.ordinal,
                    a.type,
                    a.key,
                    a.state,
                    a.adopted,
                    json.dumps(ids, sort_keys=True) if ids else None,
                    a.error_kind,
                    a.error_code,
                    a.error_message,
                    a.tracking_id,
                    a.attempts,
                    a.run_id,
                    a.updated_at,
                ]
            )
        runs_sheet = book.sheet(
            "Runs", ["run_id", "command", "started_at", "finished_at", "plan_fingerprint", "status"]
        )
        for run in runs:
            runs_sheet.append(
                [
                    run["run_id"],
                    run["command"],
                    run["started_at"],
                    run["finished_at"],
                    run["plan_fingerprint"],
                    run["status"],
                ]
            )
    return path
