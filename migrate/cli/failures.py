"""What a user sees when a command ends by an exception: one line, a documented exit code."""

from __future__ import annotations

import errno
import os
import sys
import traceback

import click

from migrate.errors import ExitCode, MigrateError

INTERRUPTED = 130
# A folder that cannot be written or a full disk: the environment, not a bug (exit 5).
_WORKSPACE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM}
)


def report_failure(err: BaseException) -> int:
    """Print ``err`` the way every command does and return its exit code."""
    if isinstance(err, MigrateError):
        click.echo(f"error: {err}", err=True)
        return int(err.exit_code)
    if isinstance(err, BrokenPipeError):
        # `migrate ... | head` closed the pipe: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
    if isinstance(err, OSError) and err.errno in _WORKSPACE_ERRNOS:
        where = f"{os.fsdecode(err.filename)}: " if err.filename else ""
        click.echo(f"error: {where}{err.strerror or err}", err=True)
        return int(ExitCode.WORKSPACE)
    if isinstance(err, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return INTERRUPTED
    # The last line of defence: no traceback for users.
    verbose = any(arg in ("-v", "-vv", "--verbose") for arg in sys.argv)
    if verbose:
        traceback.print_exception(err)
    message = " ".join(str(err).split()) or type(err).__name__
    click.echo(
        f"internal error: {type(err).__name__}: {message} (run with -v for details)", err=True
    )
    return int(ExitCode.INTERNAL)
