"""The customer workbooks of a review split by part, written on two cores.

Once every part of a platform mapped by service provider is finalized (each
workbook's Summary carries the platform's counts), a customer's workbook
depends on its own part only. The parts are shared between this process and
one worker, which reads each part from its spill file itself: no model
crosses the pipe, only the index rows come back. At most ``WINDOW`` parts wait
for the worker, so each process holds a part or two, however big the
platform. The index is the same whoever wrote which workbook.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from migrate.extract.workers import Workers
from migrate.mapping.by_provider import read_spill
from migrate.reports.review import customer_slices, write_customer_review

WINDOW = 2  # parts handed to the worker and not yet written


def write_part_reviews(
    spill: Path, path: Path, summary: Sequence[tuple[str, Any]]
) -> list[list[Any]]:
    """The workbook of each customer of the finalized part spilled to ``spill``, in
    customer order; their rows of the index."""
    slices = customer_slices(read_spill(spill))
    rows = []
    for cid in sorted(slices):
        rows.append(write_customer_review(path, cid, slices.pop(cid), summary, None))
    return rows


def write_reviews(
    spills: Sequence[Path], path: Path, summary: Sequence[tuple[str, Any]]
) -> list[list[Any]]:
    """Every customer's workbook of the parts spilled to ``spills``; the index rows, in
    customer order. A failure in either process is raised here, as it was raised."""
    rows: list[list[list[Any]]] = [[] for _ in spills]
    if len(spills) < 2 or len(os.sched_getaffinity(0)) < 2:
        for number, spill in enumerate(spills):
            rows[number] = write_part_reviews(spill, path, summary)
    else:
        with Workers(1) as workers:
            pending: deque[tuple[int, Future[list[list[Any]]]]] = deque()
            for number, spill in enumerate(spills):
                while pending and pending[0][1].done():
                    done, task = pending.popleft()
                    rows[done] = task.result()
                if len(pending) < WINDOW:
                    task = workers.pool().submit(write_part_reviews, spill, path, summary)
                    pending.append((number, task))
                else:
                    rows[number] = write_part_reviews(spill, path, summary)
            for done, task in pending:
                rows[done] = task.result()
    index = [row for part in rows for row in part]
    index.sort(key=lambda row: str(row[1]))
    return index
