"""``migrate rollback``: undo a customer, a batch or a run, newest first."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.stages.rollback import RollbackOutcome, rollback
from migrate.stages.settings import Settings


def render(settings: Settings, outcome: RollbackOutcome) -> None:
    steps = outcome.steps
    listing = [
        f"  {s.inverse_type:<18} {s.key}" + (f"  (left: {s.note})" if s.note else "") for s in steps
    ]
    done = outcome.done
    rehearsed = outcome.rehearsed
    if rehearsed is not None:
        lines = [
            f"rollback --dry-run: {len(steps)} steps; would send "
            f"{len(rehearsed.recorded)} write requests ({rehearsed.reads_sent} reads sent)",
            *listing,
            *[f"  would fail {key}: {why}" for key, why in rehearsed.rollback.failed.items()],
            f"report: {outcome.report}",
        ]
    elif done is None:
        verb = "would undo" if steps else "nothing to undo"
        lines = [
            f"rollback {verb}: {len(steps)} steps",
            *listing,
            *([] if outcome.dry_run or not steps else ["add --yes to do it"]),
        ]
    else:
        lines = [
            f"rollback run {done.run_id}: {len(done.done)} undone, "
            f"{len(done.failed)} failed, {len(done.left)} left in place",
            *listing,
            *[f"  failed {key}: {why}" for key, why in done.failed.items()],
        ]
    emit(settings, outcome.to_dict(), lines)


@click.command("rollback")
@click.option("--customer", default=None, metavar="ID", help="Undo one customer.")
@click.option("--batch", type=int, default=None, help="Undo one load batch.")
@click.option("--run", "run_id", type=int, default=None, help="Undo one load run.")
@click.option("--yes", is_flag=True, help="Really do it (without it: only show the list).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Send reads only; list every write it would send (rollback-dry-run.xlsx).",
)
@common_options
def command(
    customer: str | None,
    batch: int | None,
    run_id: int | None,
    yes: bool,
    dry_run: bool,
    settings: Settings,
) -> None:
    """Reverse what the journal says this toolkit created (never what it adopted).

    Subscribers, then numbers, then the customer, newest first. Shows the
    list; needs --yes to act. Journaled like a load.
    """
    outcome = rollback(
        settings, customer=customer, batch=batch, run=run_id, yes=yes, dry_run=dry_run
    )
    render(settings, outcome)
    finish(outcome)
