"""``status``: where the load stands, per state and per customer (reads the journal only)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from migrate.errors import ExitCode
from migrate.load.cutover import customer_states
from migrate.load.holds import Hold, holds
from migrate.load.journal import (
    FAILED,
    INTERRUPTED,
    PARKED,
    RUNNING,
    STATES,
    Journal,
    JournalAction,
)
from migrate.load.lock import lock_is_free
from migrate.stages.settings import Settings


@dataclass
class StatusOutcome:
    counts: dict[str, int]
    customers: dict[str, dict[str, int]]
    attention: list[JournalAction]
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
    """``now`` is when hold times are measured (a test moves it, never sleeps)."""
    settings.ws.require_journal("nothing was loaded yet")
    with Journal(settings.workspace) as journal:
        actions = journal.actions()
        runs = journal.runs()
        since = journal.parked_since()
    if any(r["status"] == RUNNING for r in runs) and lock_is_free(settings.workspace):
        # Every run holds the lock: with it free, a "running" run's process is dead. The
        # next command that takes the lock writes that down; status only reads.
        runs = [{**r, "status": INTERRUPTED} if r["status"] == RUNNING else r for r in runs]
    per_customer: dict[str, Counter[str]] = defaultdict(Counter)
    for action in actions:
        per_customer[action.customer][action.state] += 1
    totals = Counter(a.state for a in actions)
    batches: dict[int, dict[str, Any]] = {}
    for action in actions:
        if action.batch:
            entry = batches.setdefault(action.batch, {"customers": [], "states": Counter()})
            if action.customer not in entry["customers"]:
                entry["customers"].append(action.customer)
            entry["states"][action.state] += 1
    return StatusOutcome(
        counts={s: totals.get(s, 0) for s in STATES},
        customers={c: dict(n) for c, n in sorted(per_customer.items())},
        attention=[a for a in actions if a.state in (FAILED, PARKED)],
        runs=runs,
        holds=holds(actions, since, now),
        cutover={c: vars(s) for c, s in customer_states(actions).items()},
        batches={
            n: {"customers": sorted(b["customers"]), "states": dict(b["states"])}
            for n, b in sorted(batches.items())
        },
    )
