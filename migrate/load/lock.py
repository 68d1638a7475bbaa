"""One writer per workspace: a second ``load`` (or ``retry``/``rollback``) exits 3.

An OS file lock (``flock``) rather than a PID file: the kernel drops it when
the process dies, even by SIGKILL, so a crashed loader never leaves a stale
lock for the engineer to clean up.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from migrate.errors import PreconditionError
from migrate.workspace import Workspace


@contextmanager
def workspace_lock(workspace: Path, command: str) -> Iterator[None]:
    workspace.mkdir(parents=True, exist_ok=True)
    path = Workspace(workspace).lock_file
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise PreconditionError(
                f"{workspace}: workspace is locked by {holder}; wait for it to finish "
                "(the lock goes away by itself when that process ends)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"migrate {command} (pid {os.getpid()})\n")
        handle.flush()
        yield
    finally:
        handle.close()
