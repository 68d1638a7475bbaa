"""``migrate rollback``: undo a customer, a batch or a run, newest first."""

from __future__ import annotations

import asyncio
import sys

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.cli.session import open_webex
from migrate.errors import ExitCode, PreconditionError
from migrate.load import rollback
from migrate.load.journal import JOURNAL_FILE, Journal
from migrate.load.lock import workspace_lock


@click.command("rollback")
@click.option("--customer", default=None, metavar="ID", help="Undo one customer.")
@click.option("--batch", type=int, default=None, help="Undo one load batch.")
@click.option("--run", "run_id", type=int, default=None, help="Undo one load run.")
@click.option("--yes", is_flag=True, help="Really do it (without it: only show the list).")
@click.option("--dry-run", is_flag=True, help="Show what would be undone; send nothing.")
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
    if not (settings.workspace / JOURNAL_FILE).exists():
        raise PreconditionError(
            f"{settings.workspace / JOURNAL_FILE}: no journal; nothing to roll back"
        )
    with workspace_lock(settings.workspace, "rollback"), Journal(settings.workspace) as journal:
        steps = rollback.choose(journal, customer=customer, batch=batch, run=run_id)
        listing = [
            f"  {s.inverse_type:<18} {s.key}" + (f"  (left: {s.note})" if s.note else "")
            for s in steps
        ]
        if dry_run or not yes or not steps:
            verb = "would undo" if steps else "nothing to undo"
            emit(
                settings,
                {"dry_run": True, "steps": [vars(s) for s in steps]},
                [
                    f"rollback {verb}: {len(steps)} steps",
                    *listing,
                    *([] if dry_run or not steps else ["add --yes to do it"]),
                ],
            )
            sys.exit(int(ExitCode.OK))

        async def go() -> rollback.RollbackResult:
            async with open_webex(settings) as webex:
                return await rollback.execute(webex, journal, steps)

        result = asyncio.run(go())
    lines = [
        f"rollback run {result.run_id}: {len(result.done)} undone, "
        f"{len(result.failed)} failed, {len(result.left)} left in place",
        *listing,
        *[f"  failed {key}: {why}" for key, why in result.failed.items()],
    ]
    emit(settings, result.to_dict(), lines)
    sys.exit(int(ExitCode.ITEMS_FAILED if result.failed else ExitCode.OK))
