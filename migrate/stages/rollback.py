"""``rollback``: undo a customer, a batch or a run, newest first; journaled like a load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.load import rollback as undo
from migrate.load.dryrun import DryRunRollbackResult, dry_run_rollback
from migrate.load.journal import Journal
from migrate.load.lock import workspace_lock
from migrate.reports.dryrun_report import write_dryrun_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings

DRY_RUN_REPORT = "rollback-dry-run.xlsx"


@dataclass
class RollbackOutcome:
    steps: list[undo.Step]
    done: undo.RollbackResult | None  # None: only listed (no --yes, or nothing to do)
    dry_run: bool = False
    rehearsed: DryRunRollbackResult | None = None  # --dry-run: what it would send
    report: Path | None = None
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ITEMS_FAILED if self.done is not None and self.done.failed else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        if self.rehearsed is not None:
            return {
                "dry_run": True,
                "steps": [vars(s) for s in self.steps],
                "writes": len(self.rehearsed.recorded),
                "reads": self.rehearsed.reads_sent,
                "requests": [vars(r) for r in self.rehearsed.recorded],
                "would_fail": self.rehearsed.rollback.failed,
                "report": str(self.report),
            }
        if self.done is None:
            return {"dry_run": self.dry_run, "steps": [vars(s) for s in self.steps]}
        return self.done.to_dict()


def rollback(
    settings: Settings,
    *,
    customer: str | None = None,
    batch: int | None = None,
    run: int | None = None,
    yes: bool = False,
    dry_run: bool = False,
) -> RollbackOutcome:
    """Reverse what the journal says this toolkit created (never what it adopted).

    Without ``yes`` only list the steps; with ``dry_run`` run them through the
    executor behind the recording transport (reads sent, writes kept back) and
    write the requests a real rollback would send to ``rollback-dry-run.xlsx``.
    """
    settings.ws.require_journal("nothing to roll back")
    preflight(settings, journal=True)
    if dry_run:
        return _rehearse(settings, customer=customer, batch=batch, run=run)
    with workspace_lock(settings.workspace, "rollback"), Journal(settings.workspace) as journal:
        steps = undo.choose(journal, customer=customer, batch=batch, run=run)
        if not yes or not steps:
            return RollbackOutcome(steps, None)

        async def execute() -> undo.RollbackResult:
            async with open_webex(settings) as webex:
                return await undo.execute(webex, journal, steps)

        return RollbackOutcome(steps, run_async(execute()))


def _rehearse(
    settings: Settings, *, customer: str | None, batch: int | None, run: int | None
) -> RollbackOutcome:
    with workspace_lock(settings.workspace, "rollback --dry-run"):
        found = run_async(
            dry_run_rollback(
                settings.workspace,
                lambda wrap: open_webex(settings, wrap=wrap),
                customer=customer,
                batch=batch,
                run=run,
            )
        )
    selection = customer or (f"batch {batch}" if batch else f"run {run}" if run else "all")
    report = write_dryrun_report(
        settings.reports / DRY_RUN_REPORT,
        found.recorded,
        found.actions,
        [
            ("Command", "rollback --dry-run"),
            ("Selection", selection),
            ("Steps", len(found.rollback.steps)),
            ("Read requests sent", found.reads_sent),
        ],
    )
    return RollbackOutcome(found.rollback.steps, None, True, found, report)
