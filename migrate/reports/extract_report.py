"""``reports/extract.xlsx``: Summary, one sheet per entity, Warnings."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

from migrate import inventory
from migrate.errors import WorkspaceError
from migrate.extract.workers import Workers
from migrate.reports import xlsx
from migrate.reports.xlsx import Column, ReportWriter

# Entity files from this size on are rendered by other processes, a chunk at a time.
_PARALLEL_BYTES = 4 << 20
_CHUNK_BYTES = 1 << 20

SHEETS = (
    ("service_providers", "Service providers"),
    ("groups", "Groups"),
    ("users", "Users"),
    ("numbers", "Numbers"),
    ("devices", "Devices"),
    ("service_packs", "Service packs"),
    ("service_instances", "Service instances"),
    ("languages", "Languages"),
    ("time_zones", "Time zones"),
)
_NESTED = {
    "address": inventory.Address,
    "contact": inventory.Contact,
    "endpoint": inventory.Endpoint,
}


def _columns(entity: str) -> list[str]:
    cls = inventory.ENTITIES[entity]
    columns: list[str] = []
    for f in fields(cls):
        nested = _NESTED.get(f.name)
        if nested is not None:
            columns.extend(f"{f.name}.{sub.name}" for sub in fields(nested))
        else:
            columns.append(f.name)
    return columns


def _cell(record: dict[str, Any], column: str) -> Any:
    if "." in column:
        outer, inner = column.split(".", 1)
        nested = record.get(outer)
        return nested.get(inner) if isinstance(nested, dict) else None
    value = record.get(column)
    if column == "lines" and isinstance(value, list):
        return "; ".join(
            f"{line.get('user_id') or '?'} ({line.get('endpoint_type') or 'line'})"
            for line in value
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _row_maker(columns: list[str]) -> Callable[[dict[str, Any]], list[Any]]:
    # Hundreds of thousands of records: a row is one dict lookup per column,
    # lists are joined only in rows that hold one, and only nested fields and
    # the lines take a path of their own.
    nested: list[tuple[int, str, str]] = []
    for i, column in enumerate(columns):
        if "." in column:
            outer, inner = column.split(".", 1)
            nested.append((i, outer, inner))
    lines = columns.index("lines") if "lines" in columns else None
    join = ", ".join
    # The columns lists were found in so far: a record's lists are mostly there.
    listed: list[int] = []

    def row_of(record: dict[str, Any]) -> list[Any]:
        get = record.get
        row = list(map(get, columns))
        if list in map(type, row):
            for i in listed:
                value = row[i]
                if type(value) is list:
                    row[i] = join(map(str, value))
            if list in map(type, row):
                for i, value in enumerate(row):
                    if type(value) is list:
                        row[i] = join(map(str, value))
                        listed.append(i)
        for i, outer, inner in nested:
            value = get(outer)
            row[i] = value.get(inner) if isinstance(value, dict) else None
        if lines is not None:
            row[lines] = _cell(record, "lines")
        return row

    return row_of


def _rows(workspace: Path, entity: str, columns: list[str]) -> Iterator[list[Any]]:
    row_of = _row_maker(columns)
    for record in inventory.read_records(workspace, entity):
        yield row_of(record)


def _fill(book: ReportWriter, title: str, columns: list[str], rows: Iterator[list[Any]]) -> None:
    """Write ``rows`` under ``title``, going on in ``title (2)``, ... when a sheet is full."""
    _Filler(book, title, columns).extend(rows)


class _Filler:
    """Rows of one entity into its sheet, and on into ``title (2)``... when it is full."""

    def __init__(self, book: ReportWriter, title: str, columns: list[str]) -> None:
        self.book, self.title, self.columns = book, title, columns
        self.sheet = book.sheet(title, columns)
        self.part = 1

    def _next(self) -> None:
        if self.sheet.rows_written >= xlsx.EXCEL_MAX_ROWS - 1:  # the header takes a row
            self.part += 1
            self.sheet = self.book.sheet(f"{self.title} ({self.part})", self.columns)

    def extend(self, rows: Iterable[list[Any]]) -> None:
        for row in rows:
            self._next()
            self.sheet.append(row)

    def takes(self, count: int) -> bool:
        """Whether ``count`` rendered rows go in as they are (no new sheet part among them)."""
        self._next()
        return self.sheet.takes_rendered and self.sheet.room() > count

    def add(self, items: list[str | list[Any]]) -> None:
        for item in items:
            if type(item) is str:
                self.sheet.append_rendered(item)
            else:
                self.sheet.append(item)


def _records(path: Path, start: int, end: int) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        handle.seek(start)
        for raw in handle.read(end - start).splitlines():
            yield from _records_of(path, raw, f" after byte {start}")


def _render(
    path: Path, start: int, end: int, columns: list[str], quote: str | None
) -> list[str | list[Any]]:
    """The rows of ``path[start:end]``, each rendered, or as values where it cannot be."""
    row_of = _row_maker(columns)
    render = xlsx.row_renderer([xl_col_to_name(col) for col in range(len(columns))], quote)
    items: list[str | list[Any]] = []
    for record in _records(path, start, end):
        row = row_of(record)
        rendered = render(row)
        items.append(row if rendered is None else rendered)
    return items


def _ranges(handle: IO[bytes], start: int) -> Iterator[tuple[int, int]]:
    """Byte ranges of whole lines from ``start`` on, about ``_CHUNK_BYTES`` each."""
    size = os.fstat(handle.fileno()).st_size
    while start < size:
        handle.seek(min(start + _CHUNK_BYTES, size))
        handle.readline()
        end = min(handle.tell(), size)
        yield start, end
        start = end


def _fill_entity(
    book: ReportWriter, title: str, columns: list[str], workspace: Path, entity: str, pool: Workers
) -> None:
    """An entity's sheet; a big one is rendered by other processes while this one writes."""
    path = inventory.inventory_dir(workspace) / f"{entity}.jsonl"
    if pool.count < 2 or not path.exists() or path.stat().st_size < _PARALLEL_BYTES:
        _fill(book, title, columns, _rows(workspace, entity, columns))
        return
    filler = _Filler(book, title, columns)
    row_of = _row_maker(columns)
    with path.open("rb") as handle:
        # The first rows set the column widths: written here, the way they always are.
        while not filler.sheet.takes_rendered:
            raw = handle.readline()
            if not raw:
                return
            filler.extend(row_of(record) for record in _records_of(path, raw))
        ranges = _ranges(handle, handle.tell())
        executor = pool.pool()
        window: deque[tuple[tuple[int, int], Future[list[str | list[Any]]]]] = deque()
        for span in itertools.islice(ranges, pool.count * 2):
            window.append(
                (span, executor.submit(_render, path, *span, columns, filler.sheet.quote))
            )
        while window:
            (start, end), future = window.popleft()
            items = future.result()
            for span in itertools.islice(ranges, 1):
                window.append(
                    (span, executor.submit(_render, path, *span, columns, filler.sheet.quote))
                )
            if filler.takes(len(items)):
                filler.add(items)
            else:
                # A new part of the sheet samples its widths again: these rows as values.
                filler.extend(row_of(record) for record in _records(path, start, end))


def _records_of(path: Path, raw: bytes, where: str = "") -> Iterator[dict[str, Any]]:
    """The record of one inventory line (none for a blank one); ``where`` places a
    damaged line for the error."""
    if not raw.strip():
        return
    try:
        record = json.loads(raw)
    except ValueError as err:
        raise WorkspaceError(f"{path}: damaged line{where}: {err}") from err
    if not isinstance(record, dict):
        raise WorkspaceError(f"{path}: damaged line{where}: not an object")
    yield record


def write_extract_report(workspace: Path, path: Path, shared: Workers | None = None) -> Path:
    """The workbook; big sheets are rendered by ``shared`` processes (or its own)."""
    manifest = inventory.read_manifest(workspace)
    with ReportWriter(path) as book:
        summary: list[tuple[str, Any]] = [
            ("Export", manifest.get("export")),
            ("Started at (UTC)", manifest.get("started_at")),
            ("Seconds", manifest.get("seconds")),
            ("Tool", manifest.get("tool")),
            ("Documents read", manifest.get("documents")),
            ("Files ignored (not .xml)", manifest.get("ignored_files")),
        ]
        summary += [(f"Count: {entity}", n) for entity, n in manifest.get("counts", {}).items()]
        summary += [(f"Warnings: {sev}", n) for sev, n in manifest.get("warnings", {}).items()]
        book.key_values("Summary", summary)
        commands = book.sheet(
            "Command types",
            [
                Column("Command type", width=48),
                Column("Count", width=10),
                Column("Understood", width=12),
            ],
        )
        unknown = manifest.get("unknown_commands", {})
        for name, count in manifest.get("command_types", {}).items():
            commands.append([name, count, name not in unknown])
        with contextlib.ExitStack() as stack:
            pool = shared if shared is not None else stack.enter_context(Workers())
            for entity, title in SHEETS:
                columns = _columns(entity)
                _fill_entity(book, title, columns, workspace, entity, pool)
        warn_columns = ["severity", "code", "file", "record", "field", "message", "oci_error_code"]
        _fill(book, "Warnings", warn_columns, _rows(workspace, "warnings", warn_columns))
    return path
