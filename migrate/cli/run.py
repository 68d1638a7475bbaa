"""``migrate run EXPORT``: every stage in order, stopping at the first that fails."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from migrate.cli import extract, load, map, plan, precheck, report
from migrate.cli.options import common_options
from migrate.cli.render import progress_bar, refusal
from migrate.stages.result import StageResult
from migrate.stages.run import Refused, run
from migrate.stages.settings import Settings

RENDER: dict[str, Callable[[Settings, Any], None]] = {
    "extract": extract.render,
    "map": map.render,
    "precheck": precheck.render,
    "plan": plan.render,
    "load": load.render,
    "report": report.render,
}


@click.command("run")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Stop after precheck when any blocker remains.")
@common_options
def command(export: Path, strict: bool, settings: Settings) -> None:
    """Extract, map, precheck, plan, load and report, stopping at the first stage that
    exits non-zero (its exit code is run's).

    Objects with blockers are left alone by the plan and listed in plan.xlsx;
    with --strict, run stops at precheck instead.
    """

    def starting(stage: str) -> None:
        if not settings.json:
            click.echo(f"== migrate {stage}", err=True)

    def finished(stage: str, result: StageResult) -> None:
        if not isinstance(result, Refused):
            RENDER[stage](settings, result)
        refusal(result)

    outcome = run(
        settings,
        export,
        strict=strict,
        progress=progress_bar(settings),
        starting=starting,
        finished=finished,
    )
    if outcome.stopped_at is not None:
        click.echo(
            f"run: stopped at {outcome.stopped_at} (exit {int(outcome.exit_code)})", err=True
        )
    sys.exit(int(outcome.exit_code))
