"""A stage workbook too big for a reviewer, written as one workbook per customer.

Above the configured size (``workbook_split_rows`` in migrate.toml) a stage's
workbook ``reports/NAME.xlsx`` becomes an index: its front sheets (the summary,
what belongs to no customer) and a *Workbooks* sheet listing each customer's
workbook under ``reports/NAME/`` with its counts. Parts are taken one at a
time from an iterable, so a stage that streams its customers never holds more
than one customer's rows. Workbooks of an earlier split that this run did not
write go, so the folder always matches its index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.mapping.overrides import INDEX_FILE_COLUMN, INDEX_SHEET
from migrate.reports.xlsx import Column, ReportWriter, SheetSpec


@dataclass(frozen=True)
class Part:
    """One customer's share of a workbook: its sheets and its counts for the index."""

    customer: str
    sheets: Sequence[SheetSpec]
    counts: Sequence[Any] = ()


def part_name(customer_id: str) -> str:
    """A file name for a customer's workbook: its id where the id is safe in a path."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", customer_id)
    if safe != customer_id or safe.startswith("."):
        safe += "-" + hashlib.sha256(customer_id.encode()).hexdigest()[:8]
    return f"{safe}.xlsx"


def key_values(name: str, pairs: Sequence[tuple[str, Any]]) -> SheetSpec:
    """A two-column sheet such as Summary (as ``ReportWriter.key_values`` writes it)."""
    return SheetSpec(
        name,
        [Column("Item", width=36), Column("Value", width=60)],
        lambda: ([key, value] for key, value in pairs),
    )


def parts_folder(path: Path) -> Path:
    return path.parent / path.stem


def write_sheets(path: Path, sheets: Iterable[SheetSpec]) -> Path:
    """One workbook of whole sheets (atomically, like every report)."""
    with ReportWriter(path) as book:
        for spec in sheets:
            book.sheet(spec.name, spec.columns).extend(spec.rows())
    return path


def write_whole(path: Path, sheets: Iterable[SheetSpec]) -> Path:
    """The workbook unsplit, and no customer workbooks of an earlier split beside it."""
    write_sheets(path, sheets)
    remove_parts(parts_folder(path), keep=set())
    return path


def write_parts(
    path: Path,
    front: Sequence[SheetSpec],
    count_columns: Sequence[Column],
    parts: Iterable[Part],
) -> list[Path]:
    """Each part to ``<path stem>/<customer>.xlsx``, then ``path``: ``front`` and the index.

    The index is written last, so it names only workbooks that are complete.
    """
    folder = parts_folder(path)
    index: list[list[Any]] = []
    written: list[Path] = []
    for part in parts:
        name = part_name(part.customer)
        written.append(write_sheets(folder / name, part.sheets))
        index.append([f"{folder.name}/{name}", part.customer, *part.counts])
    remove_parts(folder, keep={p.name for p in written})
    listing = SheetSpec(
        INDEX_SHEET,
        [
            Column(INDEX_FILE_COLUMN, width=40, note="Open it for that customer's rows."),
            Column("Customer ID", width=24),
            *count_columns,
        ],
        lambda: iter(index),
    )
    write_sheets(path, [*front, listing])
    return [path, *written]


def remove_parts(folder: Path, keep: set[str]) -> None:
    """Workbooks of a previous split that this run did not write (a customer gone,
    or no split any more): left in place they would contradict the index, and a
    review's would be read back as overrides."""
    if not folder.is_dir():
        return
    for stale in folder.glob("*.xlsx"):
        if stale.name not in keep:
            stale.unlink()
