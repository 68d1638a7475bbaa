"""``reports/load.xlsx``: Summary, then one row per action with its outcome.

Above ``split_rows`` actions it is an index (:mod:`migrate.reports.parts`): the
summary, the holds, the actions of no customer, the runs, and a *Workbooks*
sheet with each customer's counts by state, customers with unfinished actions
first; each customer's actions go to ``reports/load/<customer>.xlsx``, its
unfinished ones first. Each customer's actions are read from the journal as
its workbook is written: memory holds one action, never the journal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from migrate.load.holds import OVERDUE_ADVICE, Hold, holds
from migrate.load.journal import FINISHED, PARKED, STATES, Journal, JournalAction
from migrate.reports.parts import (
    Part,
    key_values,
    write_parts,
    write_whole,
)
from migrate.reports.xlsx import Column, SheetSpec

_ID_FIELDS = (
    "customerId",
    "orgId",
    "locationId",
    "subscriberId",
    "personId",
    "workspaceId",
    "deviceId",
)
# One customer's actions, what did not finish first, then in order.
Outcomes = Callable[[str], Iterable[JournalAction]]

_HELD_COLUMNS = [
    Column("Customer", width=22),
    Column("Reason", width=24),
    Column("Parked since (UTC)", width=26),
    Column("Hours", width=8),
    Column("Overdue (72 h)", width=14),
    Column("Key", width=46),
    Column("What to do", width=60),
]
_ACTION_COLUMNS = [
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
]
_RUN_FIELDS = ["run_id", "command", "started_at", "finished_at", "plan_fingerprint", "status"]
_COUNT_COLUMNS = [
    Column("Actions", width=10),
    Column(
        "Not finished",
        width=13,
        note="neither succeeded nor rolled back: listed first in the customer's workbook",
    ),
    *[Column(state, width=11) for state in STATES],
]


def write_load_report(
    workspace: Path,
    path: Path,
    summary: list[tuple[str, Any]],
    split_rows: int | None = None,
) -> Path:
    """The workbook of a workspace's journal, its actions streamed from sqlite: memory
    holds what needs attention, never every action (``migrate report`` at scale)."""
    with Journal(workspace, check_every_page=False) as journal, journal.reading():
        per_customer: dict[str, Counter[str]] = {}
        for customer, _batch, _kind, state, count, _at in journal.tally():
            per_customer.setdefault(customer, Counter())[state] += count
        held = holds(journal.attention((PARKED,)), journal.parked_since())
        runs = journal.runs()
        if not _splits(per_customer, split_rows):
            return _write(path, summary, per_customer, held, journal.iter_outcomes(), runs)
        return _write_split(path, summary, per_customer, held, journal.iter_outcomes, runs)


def write_load_workbook(
    path: Path,
    summary: list[tuple[str, Any]],
    actions: list[JournalAction],
    runs: list[dict[str, Any]],
    parked_since: Mapping[str, str] | None = None,
    now: datetime | None = None,
    split_rows: int | None = None,
) -> Path:
    """``actions``, ``runs`` and ``parked_since`` as the journal gives them
    (``Journal.actions()``, ``.runs()``, ``.parked_since()``); ``now`` measures the holds."""
    failed_first = sorted(
        actions,
        key=lambda a: (a.state in FINISHED, a.customer, a.ordinal),
    )
    per_customer: dict[str, Counter[str]] = {}
    for action in actions:
        per_customer.setdefault(action.customer, Counter())[action.state] += 1
    held = holds(actions, parked_since or {}, now)
    if not _splits(per_customer, split_rows):
        return _write(path, summary, per_customer, held, failed_first, runs)
    mine: dict[str, list[JournalAction]] = {}
    for action in failed_first:
        mine.setdefault(action.customer, []).append(action)
    return _write_split(
        path, summary, per_customer, held, lambda customer: mine.pop(customer, []), runs
    )


def _splits(per_customer: Mapping[str, Counter[str]], split_rows: int | None) -> bool:
    return split_rows is not None and sum(map(Counter.total, per_customer.values())) > split_rows


def _front(
    summary: list[tuple[str, Any]],
    per_customer: Mapping[str, Counter[str]],
    held: list[Hold],
) -> list[SheetSpec]:
    """Summary and Held: the first sheets of the workbook, or of the index."""
    counts: Counter[str] = sum(per_customer.values(), Counter())
    return [
        key_values(
            "Summary",
            [
                *summary,
                *[(f"Actions {s}", counts.get(s, 0)) for s in STATES],
                ("Held by Webex", len(held)),
                ("Held over 72 h (Cisco review overdue)", sum(h.overdue for h in held)),
            ],
        ),
        SheetSpec("Held", _HELD_COLUMNS, lambda: _held_rows(held)),
    ]


def _write(
    path: Path,
    summary: list[tuple[str, Any]],
    per_customer: Mapping[str, Counter[str]],
    held: list[Hold],
    failed_first: Iterable[JournalAction],
    runs: list[dict[str, Any]],
) -> Path:
    """``failed_first``: what did not finish first, then by customer and order."""
    write_whole(path, [*_front(summary, per_customer, held), _actions(failed_first), _runs(runs)])
    return path


def _write_split(
    path: Path,
    summary: list[tuple[str, Any]],
    per_customer: Mapping[str, Counter[str]],
    held: list[Hold],
    outcomes: Outcomes,
    runs: list[dict[str, Any]],
) -> Path:
    """The index and a workbook per customer, customers with what did not finish first."""

    def unfinished(customer: str) -> int:
        counts = per_customer[customer]
        return counts.total() - sum(counts[state] for state in FINISHED)

    customers = sorted((c for c in per_customer if c), key=lambda c: (unfinished(c) == 0, c))

    def parts() -> Iterator[Part]:
        for customer in customers:
            counts = per_customer[customer]
            yield Part(
                customer,
                [_actions(outcomes(customer))],
                [counts.total(), unfinished(customer), *[counts[s] for s in STATES]],
            )

    # Actions of no customer stay in the index.
    of_none = outcomes("") if "" in per_customer else ()
    front = [*_front(summary, per_customer, held), _actions(of_none), _runs(runs)]
    write_parts(path, front, _COUNT_COLUMNS, parts())
    return path


def _held_rows(held: list[Hold]) -> Iterator[list[Any]]:
    for h in held:
        yield [
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


def _actions(failed_first: Iterable[JournalAction]) -> SheetSpec:
    return SheetSpec("Actions", _ACTION_COLUMNS, lambda: _action_rows(failed_first))


def _action_rows(actions: Iterable[JournalAction]) -> Iterator[list[Any]]:
    for a in actions:
        ids = {k: v for k, v in (a.result or {}).items() if k in _ID_FIELDS and v}
        if a.result and a.result.get("added"):
            ids["numbersAdded"] = len(a.result["added"])
        yield [
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


def _runs(runs: list[dict[str, Any]]) -> SheetSpec:
    return SheetSpec(
        "Runs",
        [Column(name) for name in _RUN_FIELDS],
        lambda: ([run[name] for name in _RUN_FIELDS] for run in runs),
    )
