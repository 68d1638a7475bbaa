"""``plan``: the wholesale model → plan.json + plan.xlsx."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load.journal import Journal, JournalAction
from migrate.load.lock import workspace_lock
from migrate.load.refresh import Observations, observe
from migrate.plan import builder
from migrate.plan.actions import Action
from migrate.plan.diff import Change, Known
from migrate.plan.fingerprint import combine, input_digests
from migrate.plan.jsonfile import write_json
from migrate.plan.stream import PlanStreams, scratch_errors
from migrate.reports.plan_report import PlanTotals, write_plan_rows
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings

REPORT = "plan.xlsx"


@dataclass
class PlanOutcome:
    plan: PlanMade
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
            "changes": self.plan.changes,
        }


@dataclass
class PlanMade:
    """The plan as written, without its actions (plan.json holds them)."""

    fingerprint: str
    created_at: str
    counts: dict[str, int]
    changes: dict[str, dict[str, int]]  # per entity, objects per op
    actions: int


async def _observe(settings: Settings, actions: list[JournalAction]) -> Observations:
    async with open_webex(settings) as webex:
        return await observe(webex, actions)


def known(journal: Journal, actions: list[JournalAction] | None = None) -> list[Known]:
    """The journal as the diff reads it: each action, its state, whether it is ours.
    ``actions``: the journal's actions, when the caller already read them."""
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
        for a in (journal.actions() if actions is None else actions)
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
            existing = known(journal, actions)
        if refresh:
            observed = run_async(_observe(settings, actions))
        del actions
    path = settings.ws.plan_file

    def made() -> PlanOutcome:
        with tempfile.TemporaryDirectory(prefix=".plan-", dir=settings.workspace) as scratch:
            return scratch_errors(
                path,
                Path(scratch),
                lambda: _write(settings, Path(scratch), existing, observed, done),
            )

    return scratch_errors(path, settings.workspace, made)


def _write(
    settings: Settings,
    scratch: Path,
    existing: list[Known],
    observed: Observations,
    done: dict[str, str],
) -> PlanOutcome:
    """Plan customer by customer into ``scratch``, then write plan.json and the workbook
    from there: memory holds the largest customer (and the journal), not the platform."""
    planner = builder.Planner(settings.workspace, settings.config, scratch, existing, observed)
    existing.clear()  # the planner holds its own view of the journal
    streams = PlanStreams(scratch)
    try:
        for part in planner.parts():
            streams.add(part)
        streams.finish(planner.removed())
    finally:
        planner.close()
    inputs = input_digests(settings.workspace, settings.config, settings.mappings)
    fingerprint = combine(inputs)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    path = write_json(
        settings.ws.plan_file,
        builder.document(
            created_at,
            fingerprint,
            inputs,
            streams.counts,  # called once the actions before it are written and counted
            streams.iter_actions(),
            streams.iter_changes(),
            streams.iter_left(),
        ),
    )
    totals = PlanTotals(
        fingerprint,
        created_at,
        inputs,
        streams.change_counts,
        streams.type_counts,
        streams.action_count(),
        streams.left_alone,
    )
    split_rows = load_config(settings.config).workbook_split_rows
    by_customer = totals.actions > split_rows
    report = write_plan_rows(
        settings.reports / REPORT,
        totals,
        (Change.from_dict(c) for c in streams.iter_changes(by_customer)),
        (Action.from_dict(a) for a in streams.iter_actions()),
        (builder.LeftAlone(**item) for item in streams.iter_left(by_customer)),
        done.get,
        split_rows,
    )
    made = PlanMade(
        fingerprint, created_at, streams.counts(), streams.change_counts, totals.actions
    )
    return PlanOutcome(made, path, report)
