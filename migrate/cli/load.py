"""``migrate load`` and ``migrate retry``: execute the plan, journaled, exactly once."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.cli.session import open_webex
from migrate.errors import ExitCode
from migrate.load.dryrun import dry_run
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.lock import workspace_lock
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.reports.devices_report import write_devices_report
from migrate.reports.dryrun_report import outcome, write_dryrun_report
from migrate.reports.load_report import write_load_report


def load_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--select",
                "select",
                multiple=True,
                metavar="ID",
                help="Only this customer (repeatable): its id, e.g. the enterprise id.",
            ),
            click.option(
                "--batch-size",
                type=click.IntRange(min=1),
                default=None,
                help="At most this many customers in this run.",
            ),
            click.option(
                "--concurrency",
                type=click.IntRange(min=1),
                default=8,
                show_default=True,
                help="Customers provisioned at the same time.",
            ),
            click.option(
                "--fail-fast", is_flag=True, help="Stop starting work at the first failure."
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Send reads only; list every write it would send (dry-run.xlsx).",
            ),
            click.option(
                "--poll-interval",
                type=float,
                default=2.0,
                show_default=True,
                hidden=True,
                help="First wait between customer status polls (s).",
            ),
        ]
    ):
        func = option(func)
    return func


def execute(
    settings: Settings,
    command_name: str,
    select: tuple[str, ...],
    batch_size: int | None,
    concurrency: int,
    fail_fast: bool,
    poll_interval: float,
    dry_run: bool = False,
) -> None:
    plan = builder.read(settings.workspace)
    builder.check_fresh(plan, settings.workspace, settings.config, settings.mappings)
    options = LoadOptions(concurrency=concurrency, fail_fast=fail_fast, poll_interval=poll_interval)
    if dry_run:
        dry_run_load(settings, plan, command_name, select, batch_size, options)
        return
    show_bar = sys.stderr.isatty() and not settings.json

    async def go() -> LoadResult:
        async with open_webex(settings, max_concurrency=max(4, concurrency * 2)) as webex:
            with click.progressbar(
                length=len(plan.actions), label=command_name, file=sys.stderr, hidden=not show_bar
            ) as bar:
                return await run_load(
                    settings.workspace,
                    webex,
                    plan,
                    command=command_name,
                    select=select,
                    batch_size=batch_size,
                    options=options,
                    progress=bar.update,
                )

    with workspace_lock(settings.workspace, command_name):
        result = asyncio.run(go())
        report = write_load_report(
            settings.workspace,
            settings.reports / "load.xlsx",
            [
                ("Run", result.run_id),
                ("Command", command_name),
                ("Batch", result.batch),
                ("Plan fingerprint", plan.fingerprint),
                ("Customers", len(result.customers)),
                ("Requests", result.requests),
                ("Seconds", round(result.seconds, 2)),
                ("Stopped early (--fail-fast)", result.stopped_early),
            ],
        )
        write_devices_report(settings.workspace, settings.reports / "devices.xlsx")
    counts = ", ".join(f"{n} {state}" for state, n in result.counts.items() if n)
    if not result.customers:
        lines = [f"{command_name}: nothing to do"]
    else:
        lines = [
            f"{command_name}: run {result.run_id}, batch {result.batch}, "
            f"{len(result.customers)} customers, {result.requests} requests in "
            f"{result.seconds:.1f}s",
            f"  actions: {counts}",
        ]
    lines.append(f"report: {report}")
    emit(settings, {**result.to_dict(), "report": str(report)}, lines)
    sys.exit(int(ExitCode.OK if result.ok else ExitCode.ITEMS_FAILED))


def dry_run_load(
    settings: Settings,
    plan: builder.Plan,
    command_name: str,
    select: tuple[str, ...],
    batch_size: int | None,
    options: LoadOptions,
) -> None:
    """The real executor on a throw-away copy of the journal, writes kept back."""
    found = asyncio.run(
        dry_run(
            settings.workspace,
            plan,
            lambda wrap: open_webex(settings, wrap=wrap),
            command=command_name,
            select=select,
            batch_size=batch_size,
            options=options,
        )
    )
    report = write_dryrun_report(
        settings.reports / "dry-run.xlsx",
        found.recorded,
        found.actions,
        [
            ("Command", f"{command_name} --dry-run"),
            ("Plan fingerprint", plan.fingerprint),
            ("Customers", len(found.load.customers)),
            ("Read requests sent", found.reads_sent),
        ],
    )
    would = Counter(outcome(a) for a in found.actions)
    lines = [
        f"{command_name} --dry-run: {len(found.load.customers)} customers; would send "
        f"{len(found.recorded)} write requests ({found.reads_sent} reads sent)",
        *(["  " + ", ".join(f"{n} {what}" for what, n in sorted(would.items()))] if would else []),
        f"report: {report}",
    ]
    emit(
        settings,
        {
            "customers": found.load.customers,
            "writes": len(found.recorded),
            "reads": found.reads_sent,
            "would": dict(would),
            "requests": [vars(r) for r in found.recorded],
            "report": str(report),
        },
        lines,
    )
    sys.exit(int(ExitCode.OK))


@click.command("load")
@load_options
@common_options
def command(
    select: tuple[str, ...],
    batch_size: int | None,
    concurrency: int,
    fail_fast: bool,
    dry_run: bool,
    poll_interval: float,
    settings: Settings,
) -> None:
    """Provision the plan in Webex: customers, locations, numbers, subscribers.

    Refuses (exit 3) a plan whose inputs changed and a workspace another
    load holds. Exits 1 when an action failed or was skipped; parked actions
    (Cisco compliance review, user consent) are taken up by `migrate retry`.
    """
    execute(settings, "load", select, batch_size, concurrency, fail_fast, poll_interval, dry_run)
