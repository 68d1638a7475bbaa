"""``migrate plan``: the wholesale model → ``plan.json`` + ``reports/plan.xlsx``."""

from __future__ import annotations

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.load.journal import JOURNAL_FILE, Journal
from migrate.plan import builder
from migrate.reports.plan_report import write_plan_report


@click.command("plan")
@common_options
def command(settings: Settings) -> None:
    """Build the ordered actions of the load, with dependencies and inverses.

    The plan records a digest of every input (inventory, model, overrides,
    config, each mapping table); `migrate load` refuses it (exit 3) when any
    of them changed since.
    """
    plan = builder.build(settings.workspace, settings.config, settings.mappings)
    path = builder.write(plan, settings.workspace)
    done: dict[str, str] = {}
    if (settings.workspace / JOURNAL_FILE).exists():
        with Journal(settings.workspace) as journal:
            done = {a.key: a.state for a in journal.actions() if a.state != "pending"}
    report = write_plan_report(plan, settings.reports / "plan.xlsx", done)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(plan.counts.items()))
    emit(
        settings,
        {
            "plan": str(path),
            "report": str(report),
            "fingerprint": plan.fingerprint,
            "counts": plan.counts,
        },
        [
            f"planned {len(plan.actions)} actions ({counts})",
            f"fingerprint: {plan.fingerprint[:16]}",
            f"plan:   {path}",
            f"report: {report}",
        ],
    )
