"""``migrate load`` (and its ``--dry-run``): execute the plan, journaled, exactly once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish, progress_bar
from migrate.stages.load import Batch, DryRunOutcome, LoadOutcome, dry_run, load, retry
from migrate.stages.settings import Settings


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


def render(settings: Settings, outcome: LoadOutcome) -> None:
    result = outcome.result
    counts = ", ".join(f"{n} {state}" for state, n in result.counts.items() if n)
    pruning = (
        [f"  {result.held_back} removals wait for `migrate load --prune` (see plan.xlsx)"]
        if result.held_back
        else []
    )
    if outcome.nothing_to_do:
        lines = [
            f"{outcome.command}: nothing to do; the previous report is left as it was"
            if outcome.command == "retry"
            else f"{outcome.command}: nothing to do",
            *pruning,
        ]
        emit(settings, outcome.to_dict(), lines)
        return
    lines = [
        f"{outcome.command}: run {result.run_id}, batch {result.batch}, "
        f"{len(result.customers)} customers, {result.requests} requests in "
        f"{result.seconds:.1f}s",
        f"  actions: {counts}",
    ]
    unfinished = [
        f"{result.counts.get(state, 0)} {state}"
        for state in ("failed", "skipped", "parked")
        if result.counts.get(state)
    ]
    if unfinished:
        lines.append(
            f"  not done: {', '.join(unfinished)} (see the report; `migrate retry` takes them up)"
        )
    lines += pruning
    lines.append(f"report: {outcome.report}")
    if outcome.setup_assist is not None:
        lines.append(f"setup assist: {outcome.setup_assist}")
    emit(settings, outcome.to_dict(), lines)


def render_dry_run(settings: Settings, outcome: DryRunOutcome) -> None:
    found = outcome.found
    lines = [
        f"{outcome.command} --dry-run: {len(found.load.customers)} customers; would send "
        f"{len(found.recorded)} write requests ({found.reads_sent} reads sent)",
        *(
            ["  " + ", ".join(f"{n} {what}" for what, n in sorted(outcome.would.items()))]
            if outcome.would
            else []
        ),
        f"report: {outcome.report}",
    ]
    emit(settings, outcome.to_dict(), lines)


def execute(settings: Settings, command_name: str, batch: Batch, rehearse: bool) -> None:
    """``load`` and ``retry`` share their options, output and exit codes."""
    if rehearse:
        rehearsal = dry_run(settings, batch, command=command_name)
        render_dry_run(settings, rehearsal)
        finish(rehearsal)
    stage = retry if command_name == "retry" else load
    outcome = stage(settings, batch, progress_bar(settings))
    render(settings, outcome)
    finish(outcome)


@click.command("load")
@load_options
@click.option(
    "--prune",
    is_flag=True,
    help="Also remove what the plan lists as removed (it left the model); never adopted objects.",
)
@common_options
def command(
    select: tuple[str, ...],
    batch_size: int | None,
    concurrency: int,
    fail_fast: bool,
    dry_run: bool,
    poll_interval: float,
    prune: bool,
    settings: Settings,
) -> None:
    """Apply the plan in Webex: create, update and (with --prune) remove.

    Refuses (exit 3) a plan whose inputs changed and a workspace another
    load holds. Exits 1 when an action failed, was skipped or is parked
    (Cisco compliance review, user consent); `migrate retry` takes them up.
    """
    batch = Batch(select, batch_size, concurrency, fail_fast, poll_interval, prune)
    execute(settings, "load", batch, dry_run)
