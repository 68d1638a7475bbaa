"""Run ``migrate`` as a real process against a folder the kernel makes read-only or full.

Read-only: a read-only bind mount in a private mount namespace (``unshare``) when
this runs as root (root writes through file modes), else a folder mode without
write bits. Full: a small tmpfs in a private mount namespace, filled up; where
``unshare`` cannot mount, a file-size limit (RLIMIT_FSIZE) makes the kernel
refuse large writes instead (EFBIG rather than ENOSPC: the same failed write(),
the same path through the code). Nothing is simulated in Python.
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

PYTHON = sys.executable
LIMIT_BYTES = 4096  # RLIMIT_FSIZE fallback: any file past one page is refused


@cache
def can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = Path(f"/tmp/.migrate-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe}"],
            capture_output=True,
            timeout=30,
        )
        return done.returncode == 0
    finally:
        probe.rmdir()


def migrate_cmd(*args: str | Path) -> str:
    return shlex.join([PYTHON, "-m", "migrate", *(str(a) for a in args)])


def run_shell(script: str, *, limit_size: bool = False) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG to the writer, not a kill

    command = ["unshare", "-rm", "sh", "-c", script] if can_mount() else ["sh", "-c", script]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit if limit_size else None,
        env={**os.environ, "WEBEX_ACCESS_TOKEN": "test-token"},
    )


def run_read_only(folder: Path, args: Sequence[str | Path]) -> subprocess.CompletedProcess[str]:
    """``migrate args`` with ``folder`` read-only for it."""
    if os.geteuid() != 0 or not can_mount():
        with _without_write_bits(folder):
            return run_shell(migrate_cmd(*args))
    where = shlex.quote(str(folder))
    return run_shell(
        f"mount --bind {where} {where} && mount -o remount,bind,ro {where} && " + migrate_cmd(*args)
    )


@contextmanager
def _without_write_bits(folder: Path) -> Iterator[None]:
    mode = folder.stat().st_mode
    folder.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        folder.chmod(mode)


def run_disk_full(
    root: Path, args: Sequence[str | Path], keep: Path
) -> tuple[subprocess.CompletedProcess[str], bool, list[str]]:
    """Copy ``root`` onto a small tmpfs mounted over itself, fill it but two pages, run
    ``migrate args``: the result, whether ``keep`` (a file, or every file of a folder) is
    byte for byte what it was, and the names then in the folder that holds it.

    Without a mount namespace the disk cannot be filled: the size limit stands in.
    """
    before = shlex.quote(str(root.parent / f".{root.name}.sums"))
    kept = shlex.quote(str(keep))
    folder = shlex.quote(str(keep if keep.is_dir() else keep.parent))
    check = [
        f"find {kept} -type f -exec sha256sum {{}} + > {before}",
        migrate_cmd(*args) + "; echo exit=$?",
        f"sha256sum --quiet -c {before} 2>/dev/null && echo intact",
        f"echo left: $(ls -a {folder} | tr '\\n' ' ')",
    ]
    if not can_mount():
        done = run_shell("; ".join(check), limit_size=True)
    else:
        where = shlex.quote(str(root))
        saved = shlex.quote(str(root.parent / f".{root.name}.copy"))
        fill = shlex.quote(str(root / "fill"))
        setup = [
            "set -e",
            f"cp -a {where} {saved}",
            f"mount -t tmpfs -o size=4m tmpfs {where}",
            f"cp -a {saved}/. {where}/",
            f"rm -rf {saved}",
            f"dd if=/dev/zero of={fill} bs=4096 2>/dev/null || true",
            f"truncate -s -8192 {fill}",
            "set +e",
        ]
        done = run_shell("; ".join([*setup, *check]))
    lines = done.stdout.splitlines()
    left = next((line for line in lines if line.startswith("left:")), "left:").split()[1:]
    return done, "intact" in lines, left
