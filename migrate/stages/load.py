"""``load``, ``retry`` and their ``--dry-run``: execute the plan, journaled, exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load.consent import ConsentResult, resend_consent
from migrate.load.dryrun import DryRunResult
from migrate.load.dryrun import dry_run as rehearse
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.journal import Journal
from migrate.load.lock import workspace_lock
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.reports.devices_report import DEVICES_REPORT, JOURNALED, write_devices_report
from migrate.reports.dryrun_report import outcome, write_dryrun_report
from migrate.reports.load_report import write_load_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.result import Progress, progress_or_quiet
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.stages.setup_assist import SetupAssistOutcome, requests_of, wanted_customers

REPORT = "load.xlsx"
DRY_RUN_REPORT = "dry-run.xlsx"


@dataclass(frozen=True)
class Batch:
    """Which customers a load or retry takes, and how."""

    select: tuple[str, ...] = ()
    batch_size: int | None = None
    concurrency: int = 8
    fail_fast: bool = False
    poll_interval: float = 2.0
    prune: bool = False  # also remove what left the model
    batch: int | None = None  # retry: only the customers of this earlier batch

    def options(self) -> LoadOptions:
        return LoadOptions(
            concurrency=self.concurrency,
            fail_fast=self.fail_fast,
            poll_interval=self.poll_interval,
        )


@dataclass
class LoadOutcome:
    command: str
    result: LoadResult
    report: Path
    devices_report: Path
    error: str | None = None
    consent: ConsentResult | None = None  # retry --resend-consent
    nothing_to_do: bool = False
    setup_assist: Path | None = None  # written when a customer wants Setup Assist

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.result.ok else ExitCode.ITEMS_FAILED

    def to_dict(self) -> dict[str, Any]:
        consent = {} if self.consent is None else {"consent": self.consent.to_dict()}
        return {
            **self.result.to_dict(),
            "report": None if self.nothing_to_do else str(self.report),
            "nothing_to_do": self.nothing_to_do,
            **consent,
            **({"setup_assist": str(self.setup_assist)} if self.setup_assist else {}),
        }


@dataclass
class DryRunOutcome:
    command: str
    found: DryRunResult
    report: Path
    would: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.found.load.customers,
            "writes": len(self.found.recorded),
            "reads": self.found.reads_sent,
            "would": self.would,
            "requests": [vars(r) for r in self.found.recorded],
            "report": str(self.report),
        }


def _fresh_plan(settings: Settings) -> builder.Plan:
    plan = builder.read(settings.workspace)
    builder.check_fresh(plan, settings.workspace, settings.config, settings.mappings)
    return plan


def load(
    settings: Settings,
    batch: Batch | None = None,
    progress: Progress | None = None,
    *,
    command: str = "load",
    resend_consent_mail: bool = False,
) -> LoadOutcome:
    """Provision the plan; refuses (exit 3) a stale plan or a workspace another load holds.
    ``resend_consent_mail``: afterwards, mail again the users whose move still waits."""
    batch = batch or Batch()
    preflight(settings, journal=True)
    plan = _fresh_plan(settings)

    consent: ConsentResult | None = None
    wanted = wanted_customers(settings)
    assist: SetupAssistOutcome | None = None

    async def execute() -> LoadResult:
        nonlocal consent, assist
        async with open_webex(settings, max_concurrency=max(4, batch.concurrency * 2)) as webex:
            with progress_or_quiet(progress, command, len(plan.actions)) as advance:
                done = await run_load(
                    settings.workspace,
                    webex,
                    plan,
                    command=command,
                    select=batch.select,
                    batch_size=batch.batch_size,
                    options=batch.options(),
                    progress=advance,
                    prune=batch.prune,
                    batch=batch.batch,
                )
            if resend_consent_mail:
                with Journal(settings.workspace) as journal:
                    consent = await resend_consent(webex, journal, done.run_id)
            if wanted and done.run_id:  # a few reads per wanted customer, same session
                assist = await requests_of(settings, webex, wanted)
            return done

    with workspace_lock(settings.workspace, command):
        result = run_async(execute())
        if not result.run_id:
            # Nothing to do: no run, and the last run's workbooks stay as they are.
            return LoadOutcome(
                command,
                result,
                settings.reports / REPORT,
                settings.reports / DEVICES_REPORT,
                nothing_to_do=True,
                consent=consent,
            )
        split_rows = load_config(settings.config).workbook_split_rows
        # Streamed from the journal, a customer at a time above the split size.
        report = write_load_report(
            settings.workspace,
            settings.reports / REPORT,
            [
                ("Run", result.run_id),
                ("Command", command),
                ("Batch", result.batch),
                ("Plan fingerprint", plan.fingerprint),
                ("Customers", len(result.customers)),
                ("Requests", result.requests),
                ("Seconds", round(result.seconds, 2)),
                ("Stopped early (--fail-fast)", result.stopped_early),
            ],
            split_rows,
        )
        with Journal(settings.workspace) as journal:
            actions = journal.actions(types=JOURNALED, outcomes_only=True)
        devices = write_devices_report(
            settings.workspace, settings.reports / DEVICES_REPORT, plan, actions, split_rows
        )
    return LoadOutcome(
        command,
        result,
        report,
        devices,
        consent=consent,
        setup_assist=assist.report if assist else None,
    )


def retry(
    settings: Settings,
    batch: Batch | None = None,
    progress: Progress | None = None,
    *,
    resend_consent_mail: bool = False,
) -> LoadOutcome:
    """Re-run failed, skipped and parked actions; looks objects up before creating them.
    Customers held for Cisco's review are polled again."""
    return load(settings, batch, progress, command="retry", resend_consent_mail=resend_consent_mail)


def dry_run(
    settings: Settings, batch: Batch | None = None, *, command: str = "load"
) -> DryRunOutcome:
    """The real executor on a throw-away copy of the journal, writes kept back."""
    batch = batch or Batch()
    preflight(settings, journal=True)
    plan = _fresh_plan(settings)
    found = run_async(
        rehearse(
            settings.workspace,
            plan,
            lambda wrap: open_webex(settings, wrap=wrap),
            command=command,
            select=batch.select,
            batch_size=batch.batch_size,
            options=batch.options(),
            prune=batch.prune,
            batch=batch.batch,
        )
    )
    report = write_dryrun_report(
        settings.reports / DRY_RUN_REPORT,
        found.recorded,
        found.actions,
        [
            ("Command", f"{command} --dry-run"),
            ("Plan fingerprint", plan.fingerprint),
            ("Customers", len(found.load.customers)),
            ("Read requests sent", found.reads_sent),
        ],
    )
    would = Counter(outcome(a) for a in found.actions)
    return DryRunOutcome(command, found, report, dict(would))
