"""``migrate retry``: re-run failed, skipped and parked actions of earlier runs."""

from __future__ import annotations

import click

from migrate.cli.load import execute, load_options, render
from migrate.cli.options import common_options
from migrate.cli.render import emit, finish, progress_bar
from migrate.stages.load import Batch, LoadOutcome, retry
from migrate.stages.settings import Settings


def render_consent(settings: Settings, outcome: LoadOutcome) -> None:
    consent = outcome.consent
    if consent is None or settings.json:
        return  # --json: it is in the one object render printed
    lines = [f"consent email sent again: {len(consent.resent)} subscribers"]
    lines += [f"  {key}" for key in consent.resent]
    lines += [f"  not sent: {key}: {why}" for key, why in consent.failed.items()]
    emit(settings, {}, lines)


@click.command("retry")
@load_options
@click.option(
    "--resend-consent",
    is_flag=True,
    help="Afterwards, mail again every user whose account move still waits for consent.",
)
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
    resend_consent: bool,
    batch_number: int | None,
    settings: Settings,
) -> None:
    """Re-run what failed, was skipped or is parked; re-poll parked customers.

    Objects are looked up before anything is created again, so a retry never
    duplicates. With nothing to do it says so and exits 0. Customers held for
    Cisco's Restricted Persons review are polled again (`migrate status` shows
    since when they are held). With --resend-consent, subscribers still
    waiting for their user to accept an account move get the email again
    (journaled).
    """
    batch = Batch(select, batch_size, concurrency, fail_fast, poll_interval, batch=batch_number)
    if not resend_consent:
        execute(settings, "retry", batch, dry_run)
        return
    if dry_run:
        raise click.UsageError("--resend-consent sends mail: it has no --dry-run")
    outcome = retry(settings, batch, progress_bar(settings), resend_consent_mail=True)
    render(settings, outcome)
    render_consent(settings, outcome)
    finish(outcome)
