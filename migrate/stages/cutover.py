"""``cutover``: switch a staged customer's numbers on (``--undo``: off again), journaled.

Refuses (exit 3, naming why) while a customer has failed, skipped or parked
actions, blockers, or verify differences newer than its last load, unless
``force``. Writes ``cutover.xlsx`` and ``cutover-devices.csv`` before the
switch, and keeps per customer when it was cut over in the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load import cutover as co
from migrate.load import cutover_states as cs
from migrate.load.journal import Journal
from migrate.load.lock import workspace_lock
from migrate.reports.cutover_report import (
    DEVICES_CSV,
    write_cutover_report,
    write_devices_csv,
)
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.workspace import CUTOVER_RESULT, VERIFY_RESULT

REPORT = "cutover.xlsx"


@dataclass
class CutoverOutcome:
    customers: list[str]
    undo: bool
    readiness: dict[str, list[str]]
    forced: bool = False
    dry_run: bool = False
    run: co.CutoverRun | None = None  # None: refused, only listed (no --yes), or dry-run
    rehearsal: co.Rehearsal | None = None
    numbers: list[co.Activation] = field(default_factory=list)
    report: Path | None = None
    devices_csv: Path | None = None
    error: str | None = None

    @property
    def refused(self) -> bool:
        return not self.undo and not self.forced and any(self.readiness.values())

    @property
    def exit_code(self) -> ExitCode:
        if self.refused:
            return ExitCode.PRECONDITION
        if self.run is not None and not self.run.ok:
            return ExitCode.ITEMS_FAILED
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "customers": self.customers,
            "undo": self.undo,
            "forced": self.forced,
            "dry_run": self.dry_run,
            "readiness": self.readiness,
            "activate": {a.location_key: a.activate for a in self.numbers},
            "left_inactive": {a.location_key: a.left_inactive for a in self.numbers},
            "report": str(self.report) if self.report else None,
            "devices_csv": str(self.devices_csv) if self.devices_csv else None,
        }
        if self.run is not None:
            out["run"] = self.run.to_dict()
        if self.rehearsal is not None:
            out["requests"] = [vars(r) for r in self.rehearsal.recorded]
            out["reads"] = self.rehearsal.reads_sent
        return out


def cutover(
    settings: Settings,
    *,
    customer: str | None = None,
    batch: int | None = None,
    undo: bool = False,
    dry_run: bool = False,
    yes: bool = False,
    force: bool = False,
) -> CutoverOutcome:
    """Check readiness, write the move lists, then (with ``yes``) switch the numbers."""
    settings.ws.require_journal("nothing was loaded yet")
    preflight(settings, journal=True)
    config = load_config(settings.config)
    allow = config.cutover.activate_inactive
    label = "cutover --undo" if undo else "cutover"
    with workspace_lock(settings.workspace, label + (" --dry-run" if dry_run else "")):
        with Journal(settings.workspace) as journal:
            customers = co.customers_for(journal, customer, batch)
            verify = settings.ws.load_result(VERIFY_RESULT)
            readiness = {
                c: [] if undo else co.problems(journal, settings.workspace, c, verify)
                for c in customers
            }
            numbers = co.activations(journal, customers, allow)
            phones, users = co.move_lists(settings.workspace, journal, customers)
        outcome = CutoverOutcome(customers, undo, readiness, force, dry_run, numbers=numbers)
        if outcome.refused:
            outcome.error = "cutover refused: " + "; ".join(
                f"{c}: {', '.join(p)}" for c, p in readiness.items() if p
            )
        elif dry_run:
            outcome.rehearsal = run_async(
                co.rehearse(
                    settings.workspace,
                    lambda wrap: open_webex(settings, wrap=wrap),
                    customers,
                    undo=undo,
                    allow_inactive=allow,
                    phones=phones,
                )
            )
        elif yes:
            outcome.run = run_async(_switch(settings, customers, undo, allow, phones))
            _remember(settings, outcome)
        with Journal(settings.workspace) as journal:
            states = cs.customer_states(journal.actions())
        outcome.devices_csv = write_devices_csv(settings.reports / DEVICES_CSV, phones)
        outcome.report = write_cutover_report(
            settings.reports / REPORT,
            [
                ("Command", label + (" --dry-run" if dry_run else "")),
                ("Customers", ", ".join(customers)),
                ("Forced (--force)", force),
                ("Refused", outcome.refused),
                ("Numbers to activate", sum(len(a.activate) for a in numbers)),
                ("Numbers left inactive", sum(len(a.left_inactive) for a in numbers)),
                ("Phones to move", len(phones)),
                ("Run", outcome.run.run_id if outcome.run else ""),
            ],
            readiness,
            force,
            {c: states[c].state for c in customers if c in states},
            numbers,
            phones,
            users,
            outcome.rehearsal.recorded if outcome.rehearsal else None,
        )
    return outcome


async def _switch(
    settings: Settings,
    customers: list[str],
    undo: bool,
    allow: tuple[str, ...],
    phones: list[co.Phone],
) -> co.CutoverRun:
    async with open_webex(settings) as webex:
        with Journal(settings.workspace) as journal:
            if undo:
                return await co.switch_off(webex, journal, customers)
            await co.activation_codes(webex, journal, phones)
            return await co.switch_on(webex, journal, customers, allow)


def _remember(settings: Settings, outcome: CutoverOutcome) -> None:
    """When each customer was cut over (or back), and whether it was forced."""
    saved = settings.ws.load_result(CUTOVER_RESULT) or {}
    customers: dict[str, Any] = dict(saved.get("customers") or {})
    with Journal(settings.workspace) as journal:
        states = cs.customer_states(journal.actions())
    for customer in outcome.customers:
        state = states.get(customer, cs.CustomerCutover(cs.LOADING))
        before = customers.get(customer) or {}
        # The first time it was cut over stays, however often the cutover is run again.
        kept = before.get("state") == cs.CUT_OVER == state.state
        customers[customer] = {
            "state": state.state,
            "at": before.get("at") if kept else state.at,
            "forced": outcome.forced and bool(outcome.readiness.get(customer)),
            "overridden": outcome.readiness.get(customer, []) if outcome.forced else [],
            "run_id": outcome.run.run_id if outcome.run else None,
        }
    settings.ws.save_result(CUTOVER_RESULT, {"customers": customers})
