"""``migrate run EXPORT`` (or ``--from-oci HOST``): every stage in order, stopping at the first
that fails."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from migrate.cli import extract, load, map, plan, precheck, report
from migrate.cli.failures import report_failure
from migrate.cli.oci_options import Source, source_options
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
@source_options
@click.option("--strict", is_flag=True, help="Stop after precheck when any blocker remains.")
@common_options
def command(source: Source, strict: bool, settings: Settings) -> None:
    """Extract, map, precheck, plan, load and report, stopping at the first stage that
    exits non-zero (its exit code is run's).

    The export is EXPORT (a folder or .zip), or pulled with --from-oci as
    `migrate extract --from-oci` pulls it (default concurrency and pace).

    Objects with blockers are left alone by the plan and listed in plan.xlsx;
    with --strict, run stops at precheck instead.
    """

    current: list[str] = []

    def starting(stage: str) -> None:
        current.append(stage)
        if not settings.json:
            click.echo(f"== migrate {stage}", err=True)

    def finished(stage: str, result: StageResult) -> None:
        if not isinstance(result, Refused):
            RENDER[stage](settings, result)
        refusal(result)

    def stop(stage: str, code: int) -> NoReturn:
        click.echo(f"run: stopped at {stage} (exit {code})", err=True)
        sys.exit(code)

    oci = source.pull("run")
    try:
        outcome = run(
            settings,
            source.export,
            oci=oci,
            strict=strict,
            progress=extract.oci_progress(progress_bar(settings))
            if oci
            else progress_bar(settings),
            starting=starting,
            finished=finished,
        )
    except (BrokenPipeError, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except (Exception, KeyboardInterrupt) as err:
        # A stage's own errors come back as results; this is a bug or Ctrl-C in one.
        stop(current[-1] if current else "extract", report_failure(err))
    if outcome.stopped_at is not None:
        stop(outcome.stopped_at, int(outcome.exit_code))
    sys.exit(int(outcome.exit_code))
