"""``migrate setup-assist``: the Wholesale Setup Assist request of each wanted location."""

from __future__ import annotations

import datetime as dt

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.stages.settings import Settings
from migrate.stages.setup_assist import SetupAssistOutcome, setup_assist


def render(settings: Settings, outcome: SetupAssistOutcome) -> None:
    result = outcome.result
    lines = [
        f"setup-assist: {outcome.wanted} customers want it; {len(result.rows)} locations "
        f"listed, {sum(1 for r in result.rows if r.late)} late"
    ]
    for r in result.rows:
        when = f"submit by {r.submit_by}" if r.submit_by else "no planned cutover"
        lines.append(
            f"  {r.customer} {r.location_name}: {r.seats} seats, {r.sku}, {when}"
            + (" (LATE)" if r.late else "")
        )
    for customer, why in sorted(result.not_ready.items()):
        lines.append(f"  not ready: {customer}: {why}")
    lines.append(f"report: {outcome.report}")
    emit(settings, outcome.to_dict(), lines)


@click.command("setup-assist")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge lateness as of this day (YYYY-MM-DD) instead of today.",
)
@common_options
def command(today: dt.datetime | None, settings: Settings) -> None:
    """List the Wholesale Setup Assist requests to submit (read-only).

    For each customer whose Setup Assist column in review.xlsx says yes (or
    setup_assist = true in migrate.toml), reads from Webex the partner and
    customer org ids, the subscription id and every Webex Calling location with
    its seats, picks Express (up to 5 seats) or Standard, and the last day the
    request may reach Cisco: six business days before the planned cutover.
    Writes <reports>/setup-assist.xlsx; exits 1 when a wanted customer is not
    in Webex yet.
    """
    outcome = setup_assist(settings, today=today.date() if today else None)
    render(settings, outcome)
    finish(outcome)
