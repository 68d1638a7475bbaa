"""``migrate precheck``: local rules, then Webex's validate endpoints."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.stages.precheck import PrecheckOutcome, precheck
from migrate.stages.settings import Settings


def render(settings: Settings, outcome: PrecheckOutcome) -> None:
    result = outcome.result
    blockers = len(result.blockers)
    lines = [
        f"precheck: {blockers} blockers, {len(result.findings) - blockers} warnings; "
        f"{len(result.passed)} objects passed"
        + (f"; {result.remote_calls} Webex validate calls" if result.remote_calls else ""),
        *[f"  blocker {f.rule}: {f.entity} {f.key}: {f.message}" for f in result.blockers[:20]],
        f"report: {outcome.report}",
    ]
    emit(settings, outcome.to_dict(), lines)


@click.command("precheck")
@click.option("--strict", is_flag=True, help="Exit 3 when any blocker remains.")
@click.option(
    "--local", "local_only", is_flag=True, help="Only the local rules; send nothing to Webex."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Validate calls in flight at once.",
)
@common_options
def command(strict: bool, local_only: bool, concurrency: int, settings: Settings) -> None:
    """Find what Webex would refuse, before anything is sent.

    Writes <reports>/precheck.xlsx (Summary, Blockers, Warnings, Passed).
    """
    outcome = precheck(settings, strict=strict, local_only=local_only, concurrency=concurrency)
    render(settings, outcome)
    finish(outcome)
