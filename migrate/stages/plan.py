"""``plan``: the wholesale model → plan.json + plan.xlsx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.load.journal import Journal, JournalAction
from migrate.load.lock import workspace_lock
from migrate.load.refresh import Observations, observe
from migrate.plan import builder
from migrate.plan.diff import Known, counts
from migrate.reports.plan_report import write_plan_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
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
            "changes": counts(self.plan.changes),
        }


async def _observe(settings: Settings, actions: list[JournalAction]) -> Observations:
    async with open_webex(settings) as webex:
        return await observe(webex, actions)


def known(journal: Journal) -> list[Known]:
    """The journal as the diff reads it: each action, its state, whether it is ours."""
    ours = journal.created_keys()
    when = journal.succeeded_at()
    return [
        Known(
            a.key,
            a.type,
            a.customer,
            a.ordinal,
            a.payload,
            a.state,
            a.key in ours or not a.adopted,
            when.get(a.key, ("", 0))[0],
            a.inverse,
        )
        for a in journal.actions()
    ]


def plan(settings: Settings, *, refresh: bool = False) -> PlanOutcome:
    """The difference between the model and what the journal (and, with ``refresh``,
    Webex, read only) says exists: ordered actions with their dependencies, inverses
    and the digest of every input."""
    preflight(settings)
    with workspace_lock(settings.workspace, "plan"):  # never rewrite plan.json under a load
        return _plan(settings, refresh)


def _plan(settings: Settings, refresh: bool) -> PlanOutcome:
    done: dict[str, str] = {}
    existing: list[Known] = []
    observed: Observations = {}
    if settings.ws.has_journal():
        with Journal(settings.workspace) as journal:
            actions = journal.actions()
            done = {a.key: a.state for a in actions if a.state != "pending"}
            existing = known(journal)
        if refresh:
            observed = run_async(_observe(settings, actions))
    built = builder.build(
        settings.workspace, settings.config, settings.mappings, existing, observed
    )
    path = builder.write(built, settings.workspace)
    report = write_plan_report(built, settings.reports / REPORT, done)
    return PlanOutcome(built, path, report)
