"""``migrate retry``: re-run failed, skipped and parked actions of earlier runs."""

from __future__ import annotations

import click

from migrate.cli.load import execute, load_options
from migrate.cli.options import common_options
from migrate.stages.load import Batch
from migrate.stages.settings import Settings


@click.command("retry")
@load_options
@click.option(
    "--batch",
    "batch_number",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Only the customers of batch N (see `migrate status`).",
)
@common_options
def command(
    select: tuple[str, ...],
    batch_size: int | None,
    concurrency: int,
    fail_fast: bool,
    dry_run: bool,
    poll_interval: float,
    batch_number: int | None,
    settings: Settings,
) -> None:
    """Re-run what failed, was skipped or is parked; re-poll parked customers.

    Objects are looked up before anything is created again, so a retry never
    duplicates. With nothing to do it says so and exits 0.
    """
    batch = Batch(select, batch_size, concurrency, fail_fast, poll_interval, batch=batch_number)
    execute(settings, "retry", batch, dry_run)
