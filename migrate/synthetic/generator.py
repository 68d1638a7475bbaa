"""Write a synthetic BroadWorks export of any size (DESIGN §3 convention).

The export looks like what an OCI-P client saves: ``NAME.xml`` request
documents beside ``NAME.xml.response.xml`` responses (and, for R22+
responses that echo their keys, some responses on their own). Every service
provider gets a BroadWorks *release* that fixes which response versions it
answers with, so old and new shapes mix the way they do across real
estates.

Memory stays constant: service providers and groups are planned and
written one at a time, and only one group's users are held at once (a group
has at most ``MAX_GROUP_USERS``). Output is a pure function of
``(users, seed)``: the same call writes byte-identical files.

The expected counts are accumulated while writing and saved in
``synthetic-manifest.json`` with the counting rules the extractor uses.

Modules: ``plans`` decides, ``providers`` writes a service provider group by
group (``population`` makes its users up; ``group_documents``,
``user_documents``, ``device_documents`` and ``service_documents`` write them),
``system`` the lookups, ``sinks`` the files and ``counts`` the manifest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from migrate.errors import InputError
from migrate.synthetic.counts import COUNT_KEYS, Stats, manifest_text
from migrate.synthetic.plans import Planner
from migrate.synthetic.providers import write_service_provider, write_service_provider_to
from migrate.synthetic.sinks import FolderSink, Sink, ZipSink
from migrate.synthetic.system import write_system
from migrate.synthetic.zipstream import StreamingZip

MANIFEST_NAME = "synthetic-manifest.json"


ZIP_DATE_TIME = (2025, 7, 30, 12, 0, 0)  # fixed: the archive is byte-identical for a seed


@dataclass(frozen=True)
class SyntheticResult:
    """What ``generate`` wrote; ``counts`` are the exact expected extract counts."""

    path: Path
    users: int
    seed: int
    counts: dict[str, int]
    quirks: dict[str, int]
    documents: int
    files: int
    bytes_written: int
    seconds: float

    @property
    def users_per_second(self) -> float:
        return self.users / self.seconds if self.seconds > 0 else float("inf")


def generate(
    path: Path,
    users: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> SyntheticResult:
    """Write an export of exactly ``users`` users to ``path``.

    ``path`` is a new or empty folder, or a new ``….zip`` (one file, which a
    slow disk writes much faster than a hundred thousand small ones).
    ``progress`` is called with the number of users written so far. ``workers``
    processes write service providers in parallel into a folder; the output
    does not depend on it. One is the default: on a CPU-quota'd VM a second
    process gains nothing.
    """
    if users < 1:
        raise InputError(f"synthetic: --users must be at least 1, got {users}")
    as_zip = path.suffix.lower() == ".zip"
    if as_zip:
        if path.exists():
            raise InputError(f"{path}: already exists; synthetic exports are written to a new one")
        if workers > 1:
            raise InputError(f"{path}: --workers needs a folder export (a zip has one writer)")
    elif path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InputError(f"{path}: not an empty folder; synthetic exports are written to a new one")
    started = time.perf_counter()
    total = Stats()
    done = 0

    def absorb(stats: Stats) -> None:
        nonlocal done
        total.add(stats)
        done += stats.counts["users"]
        if progress is not None:
            progress(done)

    plans = Planner(users, seed).plans()
    if as_zip:
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        with StreamingZip(partial, ZIP_DATE_TIME) as archive:
            sink: Sink = ZipSink(archive)
            total.add(write_system(sink))
            for plan in plans:
                absorb(write_service_provider_to(sink, plan))
            text = manifest_text(users, seed, total)
            sink.put(MANIFEST_NAME, text.encode("utf-8"))
        os.replace(partial, path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        total.add(write_system(FolderSink(path)))
        if workers <= 1:
            for plan in plans:
                absorb(write_service_provider(path, plan))
        else:
            # A bounded window of submitted plans keeps memory flat however many there are.
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending: set[Future[Stats]] = set()
                for plan in plans:
                    pending.add(pool.submit(write_service_provider, path, plan))
                    if len(pending) >= 2 * workers:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for future in finished:
                            absorb(future.result())
                for future in pending:
                    absorb(future.result())
        text = manifest_text(users, seed, total)
        (path / MANIFEST_NAME).write_text(text, encoding="utf-8")
    seconds = time.perf_counter() - started
    return SyntheticResult(
        path=path,
        users=users,
        seed=seed,
        counts={key: total.counts[key] for key in COUNT_KEYS},
        quirks=dict(sorted(total.quirks.items())),
        documents=total.documents,
        files=total.files + 1,
        bytes_written=total.bytes_written + len(text.encode("utf-8")),
        seconds=seconds,
    )
