"""Errors the library raises and the exit codes the CLI maps them to.

Exit codes (DESIGN §8): 0 done; 1 ran but some items failed (details in the
report); 2 usage error (including an input the command cannot open at all);
3 refused by a precondition (stale plan, workspace locked, no token,
blockers with ``--strict``); 4 internal error; 5 the workspace or the
reports folder is damaged or cannot be written (a corrupt file, a read-only
folder, a full disk): the message names the file, and line where there is one.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ITEMS_FAILED = 1
    USAGE = 2
    PRECONDITION = 3
    INTERNAL = 4
    WORKSPACE = 5


class MigrateError(Exception):
    """An error the user can act on; the CLI prints ``str(err)`` on one line."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        # One line, always: a message that spans lines breaks log greps.
        return " ".join(self.message.split())


class InputError(MigrateError):
    """An input file or folder cannot be used at all (missing, truncated, wrong kind)."""

    exit_code = ExitCode.USAGE


class ConfigError(MigrateError):
    """A configuration file, mapping table or override workbook is invalid."""

    exit_code = ExitCode.USAGE


class PreconditionError(MigrateError):
    """The command refuses to run: stale plan, locked workspace, missing token..."""

    exit_code = ExitCode.PRECONDITION


class WorkspaceError(MigrateError):
    """A workspace or reports file is damaged, or a folder cannot be written (read-only, full).

    Found before anything is sent to Webex wherever a stage can look first; a
    write that fails later leaves the previous file in place.
    """

    exit_code = ExitCode.WORKSPACE


def where(file: str, record: str | None = None, field: str | None = None) -> str:
    """The ``file: record: field`` prefix every input message starts with."""
    parts = [file]
    if record:
        parts.append(record)
    if field:
        parts.append(f"field {field}")
    return ": ".join(parts)
