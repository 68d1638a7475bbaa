"""Staging folders of the inventory: marked while in use, swept when their writer is dead.

``workspace.staged_dir`` writes the new inventory beside the old one as
``.inventory.new-*`` and removes it on any Python exception; a SIGKILL (or a
power cut) leaves it behind, with its SQLite store of up to gigabytes. A
folder in use carries an ``flock``-ed owner file: the kernel drops the lock
when its process dies, however it dies, so the next extract can tell an
orphan from a concurrent run's folder without trusting PIDs that get reused.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

OWNER_FILE = ".owner.lock"


def staging_pattern(final: Path) -> str:
    """The glob ``workspace.staged_dir`` names its staging folders with."""
    return f".{final.name}.new-*"


@contextmanager
def owned(staging: Path) -> Iterator[None]:
    """Hold ``staging``'s owner lock for the block; the file is gone before the swap."""
    path = staging / OWNER_FILE
    # Locked before it gets its name: a sweeper can never find it unlocked
    # while this process lives.
    unnamed = staging / (OWNER_FILE + ".new")
    handle = unnamed.open("w")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        os.replace(unnamed, path)
        yield
        # Unlinked while still locked: a sweeper that opened it just before
        # finds the inode gone from the folder and leaves the folder alone.
        path.unlink(missing_ok=True)
    finally:
        handle.close()


def _orphaned(folder: Path) -> bool:
    path = folder / OWNER_FILE
    try:
        handle = path.open("r")
    except OSError:
        # No owner file: a folder a writer has only just created, or one this
        # code did not make. Not provably dead, so not ours to delete.
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live process holds it
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except OSError:
            return False  # unlinked meanwhile: its writer finished and is swapping it in
        return same


def remove_stale_staging(final: Path) -> list[Path]:
    """Delete the staging folders of ``final`` whose writer is dead; returns them.

    A folder held by a live process (a concurrent extract) is left alone.
    """
    removed: list[Path] = []
    if not final.parent.is_dir():
        return removed
    for folder in sorted(final.parent.glob(staging_pattern(final))):
        if not folder.is_dir() or folder.is_symlink() or not _orphaned(folder):
            continue
        with suppress(OSError):
            shutil.rmtree(folder)
        if not folder.exists():
            removed.append(folder)
    return removed
