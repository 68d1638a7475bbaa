"""The ``migrate`` group: registers one command per stage and maps errors to exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from migrate import __version__
from migrate.cli import (
    billing,
    cutover,
    extract,
    init,
    load,
    map,
    plan,
    precheck,
    report,
    retry,
    rollback,
    run,
    sandbox,
    setup_assist,
    status,
    synthetic,
    verify,
)
from migrate.cli.failures import report_failure


class MigrateGroup(click.Group):
    """Turns library errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except (Exception, KeyboardInterrupt) as err:
            sys.exit(report_failure(err))


@click.group(cls=MigrateGroup)
@click.version_option(__version__, prog_name="migrate")
def cli() -> None:
    """Move Cisco BroadWorks customers to Webex Wholesale.

    Stages, in order: extract, map, precheck, plan, load, verify, billing,
    report. Each reads the workspace (-w, default ./work) and writes a
    workbook under --reports (default ./reports).
    """


for module in (
    init,
    extract,
    map,
    precheck,
    plan,
    load,
    status,
    retry,
    rollback,
    cutover,
    run,
    sandbox,
    synthetic,
    verify,
    setup_assist,
    billing,
    report,
):
    cli.add_command(module.command)
