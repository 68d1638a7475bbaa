"""The ``migrate`` group: registers one command per stage and maps errors to exit codes."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import click

from migrate import __version__
from migrate.arenas import one_arena
from migrate.cli.failures import report_failure
from migrate.deferred import deferred

# Each command's module runs when that command is looked up, not at start: ``migrate
# status`` on a million actions must not wait for the loader, the sandbox and the
# workbooks its neighbours import.
COMMANDS: dict[str, ModuleType] = {
    name: deferred(f"migrate.cli.{name.replace('-', '_')}")
    for name in (
        "init",
        "extract",
        "map",
        "precheck",
        "plan",
        "load",
        "status",
        "retry",
        "rollback",
        "cutover",
        "run",
        "sandbox",
        "synthetic",
        "verify",
        "setup-assist",
        "billing",
        "report",
    )
}


class MigrateGroup(click.Group):
    """Turns library errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except (Exception, KeyboardInterrupt) as err:
            sys.exit(report_failure(err))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = module.command
        return command


@click.group(cls=MigrateGroup)
@click.version_option(__version__, prog_name="migrate")
def cli() -> None:
    """Move Cisco BroadWorks customers to Webex Wholesale.

    Stages, in order: extract, map, precheck, plan, load, verify, billing,
    report. Each reads the workspace (-w, default ./work) and writes a
    workbook under --reports (default ./reports).
    """
    one_arena()  # before any stage starts the threads that would each get an arena
