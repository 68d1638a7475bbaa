"""``migrate report``: rebuild the workbooks from the workspace and write summary.html."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit
from migrate.stages.report import ReportResult, report
from migrate.stages.settings import Settings


def render(settings: Settings, result: ReportResult) -> None:
    counts = result.key_counts
    lines = [
        f"rebuilt {len(result.rebuilt)} workbooks: "
        + (", ".join(p.name for p in result.rebuilt) or "none"),
        *[f"  not rebuilt: {name}: {why}" for name, why in result.skipped],
        f"attention: {counts.get('attention', 0)} (blockers {counts.get('blockers', 0)}, "
        f"failed actions {counts.get('actions_failed', 0)}, verify differences "
        f"{counts.get('differences', 0)})",
        f"summary: {result.summary}",
    ]
    emit(settings, result.to_dict(), lines)


@click.command("report")
@common_options
def command(settings: Settings) -> None:
    """Rebuild every stage's workbook and render <reports>/summary.html.

    The summary is one self-contained page (no server, no network): failures
    and blockers first with their messages, counts per stage and per customer
    status, charts. Reads only the workspace; sends nothing to Webex.
    """
    render(settings, report(settings))
