"""``migrate plan``: the wholesale model → ``plan.json`` + ``reports/plan.xlsx``."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit
from migrate.stages.plan import PlanOutcome, plan
from migrate.stages.settings import Settings


def render(settings: Settings, outcome: PlanOutcome) -> None:
    built = outcome.plan
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(built.counts.items()))
    per_entity = [
        f"  {entity:<11} + {n['create']} create  ~ {n['update']} update  "
        f"- {n['remove']} remove  = {n['unchanged']} unchanged"
        for entity, n in outcome.to_dict()["changes"].items()
    ]
    emit(
        settings,
        outcome.to_dict(),
        [
            *per_entity,
            f"planned {built.actions} actions ({counts})",
            f"fingerprint: {built.fingerprint[:16]}",
            f"plan:   {outcome.path}",
            f"report: {outcome.report}",
        ],
    )


@click.command("plan")
@click.option(
    "--refresh",
    is_flag=True,
    help="Also read Webex (GET only) for what the journal says exists: changes made "
    "there, and objects deleted there, are planned too.",
)
@common_options
def command(refresh: bool, settings: Settings) -> None:
    """The difference between the model and what exists: create, update, remove.

    Each object is created, updated (changed fields, old → new), left
    unchanged or removed; removals run only with `migrate load --prune`.

    The plan records a digest of every input (inventory, model, overrides,
    config, each mapping table); `migrate load` refuses it (exit 3) when any
    of them changed since.
    """
    render(settings, plan(settings, refresh=refresh))
