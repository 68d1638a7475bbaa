"""The customer workbooks of a review split by part, written on two cores.

Once every part of a platform mapped by service provider is finalized (each
workbook's Summary carries the platform's counts), a customer's workbook
depends on its own part only: the parts are shared with a worker
(``mapping.shared_parts``), which reads each from its spill file itself and
sends back only the index rows. The index is the same whoever wrote which
workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrate.extract.workers import Workers
from migrate.mapping.part_passes import read_spill
from migrate.mapping.shared_parts import in_order
from migrate.reports.review import customer_slices, write_customer_review


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
    spills: Sequence[Path],
    path: Path,
    summary: Sequence[tuple[str, Any]],
    workers: Workers | None,
) -> list[list[Any]]:
    """Every customer's workbook of the parts spilled to ``spills``, shared with
    ``workers``; the index rows, in customer order."""
    calls = ((spill, path, summary) for spill in spills)
    index = [row for rows in in_order(write_part_reviews, calls, workers) for row in rows]
    index.sort(key=lambda row: str(row[1]))
    return index
