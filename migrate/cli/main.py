"""The ``migrate`` group: registers one command per stage and maps errors to exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from migrate import __version__
from migrate.cli import (
    billing,
    extract,
    load,
    map,
    plan,
    precheck,
    report,
    retry,
    rollback,
    run,
    sandbox,
    status,
    synthetic,
    verify,
)
from migrate.errors import ExitCode, MigrateError


class MigrateGroup(click.Group):
    """Turns library errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MigrateError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(int(err.exit_code))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # `migrate ... | head` closed the pipe: not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(int(ExitCode.OK))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as err:  # the last line of defence: no traceback for users
            verbose = any(arg in ("-v", "-vv", "--verbose") for arg in sys.argv)
            if verbose:
                traceback.print_exc()
            message = " ".join(str(err).split()) or type(err).__name__
            click.echo(
                f"internal error: {type(err).__name__}: {message} (run with -v for details)",
                err=True,
            )
            sys.exit(int(ExitCode.INTERNAL))


@click.group(cls=MigrateGroup)
@click.version_option(__version__, prog_name="migrate")
def cli() -> None:
    """Move Cisco BroadWorks customers to Webex Wholesale.

    Stages, in order: extract, map, precheck, plan, load, verify, billing,
    report. Each reads the workspace (-w, default ./work) and writes a
    workbook under --reports (default ./reports).
    """


for module in (
    extract,
    map,
    precheck,
    plan,
    load,
    status,
    retry,
    rollback,
    run,
    sandbox,
    synthetic,
    verify,
    billing,
    report,
):
    cli.add_command(module.command)
