"""``plan``: the wholesale model → plan.json + plan.xlsx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.load.journal import Journal
from migrate.load.lock import workspace_lock
from migrate.plan import builder
from migrate.reports.plan_report import write_plan_report
from migrate.stages.preflight import preflight
from migrate.stages.settings import Settings

REPORT = "plan.xlsx"


@dataclass
class PlanOutcome:
    plan: builder.Plan
    path: Path
    report: Path
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": str(self.path),
            "report": str(self.report),
            "fingerprint": self.plan.fingerprint,
            "counts": self.plan.counts,
        }


def plan(settings: Settings) -> PlanOutcome:
    """Build the ordered actions of the load, with their dependencies, inverses and the
    digest of every input; actions the journal already holds show their state."""
    preflight(settings)
    with workspace_lock(settings.workspace, "plan"):  # never rewrite plan.json under a load
        built = builder.build(settings.workspace, settings.config, settings.mappings)
        path = builder.write(built, settings.workspace)
        done: dict[str, str] = {}
        if settings.ws.has_journal():
            with Journal(settings.workspace) as journal:
                done = {a.key: a.state for a in journal.actions() if a.state != "pending"}
        report = write_plan_report(built, settings.reports / REPORT, done)
    return PlanOutcome(built, path, report)
