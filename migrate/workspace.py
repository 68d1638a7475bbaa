"""Workspace paths and the write-then-swap rule that keeps old output intact.

A stage writes its output folder under a temporary name beside the final one
and swaps it in only when everything is written, so a failed or interrupted
run never leaves half an inventory or half a model behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_mode(path: Path, directory: bool = False) -> None:
    """Give a temp file or folder the mode a plain create would (mkstemp makes them private)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty folder that replaces ``final`` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_mode(staging, directory=True)
    previous = final.parent / f".{final.name}.old"
    if previous.exists():
        shutil.rmtree(previous)
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def staged_file(final: Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``final`` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=final.suffix, dir=final.parent)
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    publish_mode(staging)
    os.replace(staging, final)
