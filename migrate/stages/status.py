"""``status``: where the load stands, per state and per customer (reads the journal only)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from migrate.errors import ExitCode
from migrate.load.cutover_states import tallied_states
from migrate.load.holds import Hold, holds
from migrate.load.journal import (
    FAILED,
    INTERRUPTED,
    PARKED,
    RUNNING,
    STATES,
    Attention,
    Journal,
)
from migrate.load.lock import lock_is_free
from migrate.plan.actions import ACTIVATE_NUMBERS
from migrate.stages.settings import Settings


@dataclass
class StatusOutcome:
    counts: dict[str, int]
    customers: dict[str, dict[str, int]]
    attention: list[Attention]
    runs: list[dict[str, Any]] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    # customer → staged | cut over | rolled back (with when), from the journal
    cutover: dict[str, dict[str, str]] = field(default_factory=dict)
    # Per batch (`rollback --batch N`, `retry --batch N`): its customers and states.
    batches: dict[int, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    @property
    def interrupted(self) -> list[dict[str, Any]]:
        """Runs whose process died before they ended."""
        return [r for r in self.runs if r["status"] == INTERRUPTED]

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "customers": self.customers,
            "attention": [
                {
                    "key": a.key,
                    "state": a.state,
                    "code": a.error_code,
                    "message": a.error_message,
                    "tracking_id": a.tracking_id,
                }
                for a in self.attention
            ],
            "runs": self.runs,
            "holds": [h.to_dict() for h in self.holds],
            "cutover": self.cutover,
            "batches": {str(n): b for n, b in self.batches.items()},
        }


def status(settings: Settings, now: datetime | None = None) -> StatusOutcome:
    """``now`` is when hold times are measured (a test moves it, never sleeps).

    Counted by the journal's sqlite, never read into objects: only the failed and
    parked actions are (what happened to them, not their payloads), so a journal of a
    million actions answers at once.
    """
    settings.ws.require_journal("nothing was loaded yet")
    # Not every page: what status reads is checked as it is read (Journal.reading).
    with Journal(settings.workspace, check_every_page=False) as journal, journal.reading():
        tally = journal.tally(dated=ACTIVATE_NUMBERS)
        attention = journal.attention((FAILED, PARKED))
        runs = journal.runs()
        since = journal.parked_since()
    if any(r["status"] == RUNNING for r in runs) and lock_is_free(settings.workspace):
        # Every run holds the lock: with it free, a "running" run's process is dead. The
        # next command that takes the lock writes that down; status only reads.
        runs = [{**r, "status": INTERRUPTED} if r["status"] == RUNNING else r for r in runs]
    per_customer: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    batches: dict[int, dict[str, Any]] = {}
    for customer, batch, _kind, state, count, _at in tally:
        per_customer[customer][state] += count
        totals[state] += count
        if batch:
            entry = batches.setdefault(batch, {"customers": set(), "states": Counter()})
            entry["customers"].add(customer)
            entry["states"][state] += count
    cutover = tallied_states(tally)
    return StatusOutcome(
        counts={s: totals.get(s, 0) for s in STATES},
        customers={c: dict(n) for c, n in sorted(per_customer.items())},
        attention=attention,
        runs=runs,
        holds=holds(attention, since, now),
        cutover={c: vars(s) for c, s in cutover.items()},
        batches={
            n: {"customers": sorted(b["customers"]), "states": dict(b["states"])}
            for n, b in sorted(batches.items())
        },
    )
