"""``migrate cutover``: switch a staged customer's (or batch's) numbers on, or off again."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.stages.cutover import CutoverOutcome, cutover
from migrate.stages.settings import Settings


def render(settings: Settings, outcome: CutoverOutcome) -> None:
    verb = "deactivate" if outcome.undo else "activate"
    count = sum(len(a.activate) for a in outcome.numbers)
    lines = [f"cutover{' --undo' if outcome.undo else ''}: {', '.join(outcome.customers)}"]
    for customer, problems in sorted(outcome.readiness.items()):
        if problems:
            lines.append(f"  {customer} not ready{' (forced)' if outcome.forced else ''}:")
            lines.extend(f"    {p}" for p in problems)
    left = sum(len(a.left_inactive) for a in outcome.numbers)
    if outcome.refused:
        lines.append("refused: fix the above, or add --force")
    elif outcome.rehearsal is not None:
        recorded = outcome.rehearsal.recorded
        lines.append(f"--dry-run: would send {len(recorded)} write requests")
        lines.extend(f"  {r.method} {r.path} {r.body}" for r in recorded)
    elif outcome.run is None:
        lines.append(f"would {verb} {count} numbers ({left} stay inactive); add --yes to do it")
    else:
        run = outcome.run
        lines.append(
            f"run {run.run_id}: {len(run.states)} locations {verb}d, {len(run.failed)} failed"
        )
        lines.extend(f"  failed {key}: {why}" for key, why in run.failed.items())
    lines.append(f"report: {outcome.report}; device move list: {outcome.devices_csv}")
    emit(settings, outcome.to_dict(), lines)


@click.command("cutover")
@click.option("--customer", default=None, metavar="ID", help="Cut over one customer.")
@click.option("--batch", type=int, default=None, help="Cut over every customer of a load batch.")
@click.option("--undo", is_flag=True, help="Deactivate the numbers again (the fallback).")
@click.option("--dry-run", is_flag=True, help="Send reads only; list every write it would send.")
@click.option("--yes", is_flag=True, help="Really do it (without it: only check and list).")
@click.option("--force", is_flag=True, help="Go ahead although the customer is not ready.")
@common_options
def command(
    customer: str | None,
    batch: int | None,
    undo: bool,
    dry_run: bool,
    yes: bool,
    force: bool,
    settings: Settings,
) -> None:
    """Switch a staged customer's numbers on in Webex, journaled and exactly once.

    Refuses (exit 3) a customer with failed, skipped or parked actions,
    blockers, or verify differences since its last load, unless --force.
    Writes cutover.xlsx and cutover-devices.csv first; needs --yes to act.
    """
    outcome = cutover(
        settings,
        customer=customer,
        batch=batch,
        undo=undo,
        dry_run=dry_run,
        yes=yes,
        force=force,
    )
    render(settings, outcome)
    finish(outcome)
