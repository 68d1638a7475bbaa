"""One writer per workspace: a second ``load`` (or ``retry``, ``rollback``, ``map``...) exits 3.

An OS file lock (``flock``) rather than a PID file: the kernel drops it when
the process dies, even by SIGKILL, so a crashed loader never leaves a stale
lock for the engineer to clean up. Every command that writes the workspace
takes it, so whoever holds it knows no other process is writing: it marks
the runs a killed process left ``running`` as ``interrupted``.

The lock is re-entrant within a process (``run`` takes it around stages that
take it too): a second ``flock`` on a new descriptor would refuse its owner.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from migrate.errors import PreconditionError, WorkspaceError
from migrate.load.journal import Journal
from migrate.workspace import Workspace

# Locks this process holds: resolved workspace → how many nested holders.
_held: dict[Path, int] = {}


def _refusal(workspace: Path, handle: IO[str]) -> PreconditionError:
    handle.seek(0)
    holder = handle.read().strip() or "another process"
    return PreconditionError(
        f"{workspace}: workspace is locked by {holder}; wait for it to finish "
        "(the lock goes away by itself when that process ends)"
    )


@contextmanager
def workspace_lock(workspace: Path, command: str) -> Iterator[None]:
    key = workspace.resolve()
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path = Workspace(workspace).lock_file
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as err:
        raise WorkspaceError(
            f"{path}: cannot take the workspace lock ({err.strerror or err}); "
            "is the workspace read-only?"
        ) from err
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refusal(workspace, handle) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"migrate {command} (pid {os.getpid()})\n")
            handle.flush()
        except OSError as err:
            raise WorkspaceError(f"{path}: cannot write ({err.strerror or err})") from err
        _held[key] = 1
        try:
            interrupt_abandoned_runs(workspace)
            yield
        finally:
            del _held[key]
    finally:
        handle.close()


def interrupt_abandoned_runs(workspace: Path) -> list[int]:
    """Under the lock: runs still ``running`` belong to a dead process. Returns their ids."""
    if not Workspace(workspace).has_journal():
        return []
    with Journal(workspace) as journal:
        return journal.interrupt_abandoned_runs()


def lock_is_free(workspace: Path) -> bool:
    """True when no process holds the lock: a ``running`` run is then one a crash left.

    Reads only (``status`` must work on a workspace it may not write): the lock is
    tried on a read-only descriptor and dropped at once.
    """
    if _held.get(workspace.resolve()):
        return False
    path = Workspace(workspace).lock_file
    try:
        handle = path.open("r")
    except FileNotFoundError:
        return True  # never locked: no lock-taking command ever ran here
    except OSError:
        return False  # cannot tell: show what the journal says
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True
