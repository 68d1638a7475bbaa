"""``migrate billing``: a Webex billing report, reconciled with the journal."""

from __future__ import annotations

from datetime import datetime

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.load.billing import REPORT_TYPES
from migrate.stages.billing import BillingOutcome, billing
from migrate.stages.settings import Settings

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def render(settings: Settings, outcome: BillingOutcome) -> None:
    result = outcome.result
    diffs = result.differences
    lines = [
        f"billing {result.report_type} {result.start} to {result.end}: "
        f"{len(result.rows)} rows compared, {len(diffs)} differences"
        + ("" if result.kept else "; report deleted from Webex")
    ]
    for r in diffs[:30]:
        lines.append(
            f"  {r.status} {r.level} {r.subject} {r.service}: billed {r.billed:g}, "
            f"expected {r.expected:g}"
        )
    lines += [f"  note: {n}" for n in result.notes]
    lines.append(f"report: {outcome.report}")
    emit(settings, outcome.to_dict(), lines)


@click.command("billing")
@click.option("--start", "start", type=_DATE, required=True, help="First day (YYYY-MM-DD).")
@click.option(
    "--end", "end", type=_DATE, required=True, help="Last day (YYYY-MM-DD), before today."
)
@click.option(
    "--type",
    "report_type",
    type=click.Choice(REPORT_TYPES, case_sensitive=False),
    default="USER",
    show_default=True,
    help="USER reconciles subscribers and customers; CUSTOMER customers only; "
    "PARTNER the partner's totals.",
)
@click.option(
    "--sub-partner",
    "sub_partner",
    metavar="ORG",
    default=None,
    help="A sub-partner's org id: its report, against its customers.",
)
@click.option("--keep", is_flag=True, help="Keep the report in Webex (deleted by default).")
@click.option("--poll-interval", type=float, default=2.0, show_default=True, hidden=True)
@common_options
def command(
    start: datetime,
    end: datetime,
    report_type: str,
    sub_partner: str | None,
    keep: bool,
    poll_interval: float,
    settings: Settings,
) -> None:
    """Reconcile a Webex billing report with what the load provisioned.

    Creates the report for the period, waits for it, downloads its CSV and
    compares each subscriber's and customer's quantity with the one the
    journal gives (active from provisioning to rollback, prorated per day).
    Writes <reports>/billing.xlsx, differences first; exits 1 when any.
    """
    outcome = billing(
        settings,
        start.date(),
        end.date(),
        report_type=report_type,
        sub_partner=sub_partner,
        keep=keep,
        poll_interval=poll_interval,
    )
    render(settings, outcome)
    finish(outcome)
