"""``migrate run EXPORT``: every stage in order, stopping at the first that fails."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrate.cli.options import Settings, common_options
from migrate.errors import ExitCode

# The stages `run` chains, in order; `report` joins when it is installed.
PIPELINE = ("extract", "map", "precheck", "plan", "load", "report")


def _common_args(settings: Settings) -> list[str]:
    args = [
        "-w",
        str(settings.workspace),
        "--reports",
        str(settings.reports),
        "--api-url",
        settings.api_url,
    ]
    if settings.config is not None:
        args += ["--config", str(settings.config)]
    if settings.mappings is not None:
        args += ["--mappings", str(settings.mappings)]
    if settings.sandbox:
        args.append("--sandbox")
    if settings.json:
        args.append("--json")
    args += ["-v"] * settings.verbose
    return args


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
    from migrate.cli.main import cli

    common = _common_args(settings)
    for stage in PIPELINE:
        if stage not in cli.commands:
            continue
        args = [stage, *common]
        if stage == "extract":
            args.append(str(export))
        if stage == "precheck" and strict:
            args.append("--strict")
        if not settings.json:
            click.echo(f"== migrate {stage}", err=True)
        try:
            cli.main(args=args, prog_name="migrate", standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        if code != 0:
            click.echo(f"run: stopped at {stage} (exit {code})", err=True)
            sys.exit(code)
    sys.exit(int(ExitCode.OK))
