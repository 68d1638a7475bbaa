"""``migrate report``: rebuild the workbooks from the workspace and write summary.html."""

from __future__ import annotations

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.reports.rebuild import rebuild


@click.command("report")
@common_options
def command(settings: Settings) -> None:
    """Rebuild every stage's workbook and render <reports>/summary.html.

    The summary is one self-contained page (no server, no network): failures
    and blockers first with their messages, counts per stage and per customer
    status, charts. Reads only the workspace; sends nothing to Webex.
    """
    result = rebuild(settings.workspace, settings.reports, settings.config)
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
    emit(
        settings,
        {
            "summary": str(result.summary),
            "rebuilt": [str(p) for p in result.rebuilt],
            "not_rebuilt": dict(result.skipped),
            "counts": counts,
        },
        lines,
    )
