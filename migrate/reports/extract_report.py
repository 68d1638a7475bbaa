"""``reports/extract.xlsx``: Summary, one sheet per entity, Warnings."""

from __future__ import annotations

import contextlib
import itertools
import json
import json.scanner
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

from migrate import inventory
from migrate.errors import WorkspaceError
from migrate.extract.workers import Workers
from migrate.reports import xlsx
from migrate.reports.xlsx import Column, RenderedRows, ReportWriter

# Entity files from this size on are rendered by other processes, a chunk at a time.
_PARALLEL_BYTES = 4 << 20
_CHUNK_BYTES = 1 << 20
# The decoder's own scanner: json.loads less its checks and decoding, line by line.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # a decoder is its context

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


def _row_maker(columns: list[str], empty: str | None = "") -> Callable[[dict[str, Any]], list[Any]]:
    """A record's row; ``empty`` stands for an empty list (``None`` where rows are only
    rendered: no cell either way, but the widths count ``""`` and ``None`` apart)."""
    # Hundreds of thousands of records: a row is one dict lookup per column,
    # lists are joined only in rows that hold one, and only nested objects and
    # the lines take a path of their own.
    nested: list[tuple[str, int, int, list[str]]] = []
    for i, column in enumerate(columns):
        if "." in column:
            outer, inner = column.split(".", 1)
            if nested and nested[-1][0] == outer and nested[-1][2] == i:
                nested[-1] = (outer, nested[-1][1], i + 1, [*nested[-1][3], inner])
            else:
                nested.append((outer, i, i + 1, [inner]))
    lines = columns.index("lines") if "lines" in columns else None
    join = ", ".join
    # The columns lists were found in so far: a record's lists are mostly there.
    listed: list[int] = []

    def row_of(record: dict[str, Any]) -> list[Any]:
        get = record.get
        row = list(map(get, columns))
        if lines is not None:
            row[lines] = _cell(record, "lines")
        if list in map(type, row):
            for i in listed:
                value = row[i]
                if type(value) is list:
                    row[i] = join(map(str, value)) or empty
            if list in map(type, row):
                for i, value in enumerate(row):
                    if type(value) is list:
                        row[i] = join(map(str, value)) or empty
                        listed.append(i)
        for outer, start, stop, inners in nested:
            value = get(outer)
            if isinstance(value, dict):
                row[start:stop] = map(value.get, inners)
            else:
                row[start:stop] = itertools.repeat(None, stop - start)
        if lines is not None and row[lines] == "":
            row[lines] = empty
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

    def add(self, items: list[RenderedRows | list[Any]]) -> None:
        for item in items:
            if isinstance(item, RenderedRows):
                self.sheet.append_rows(item)
            else:
                self.sheet.append(item)


def _records(path: Path, start: int, end: int) -> list[dict[str, Any]]:
    """The records of ``path[start:end]``, whole lines."""
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    where = f" after byte {start}"
    try:
        text: str | None = data.decode()
    except UnicodeDecodeError:
        text = None
    if text is None or "\r" in text:  # lines as bytes split them, one by one
        return [record for raw in data.splitlines() for record in _records_of(path, raw, where)]
    # Whatever the scanner does not take whole is json.loads's.
    scan = _SCAN
    records: list[dict[str, Any]] = []
    for line in text.split("\n"):
        try:
            record, stop = scan(line, 0)
        except (StopIteration, ValueError):
            stop = -1
        if stop == len(line) and type(record) is dict:
            records.append(record)
        else:
            records.extend(_records_of(path, line.encode(), where))
    return records


def _rows_in(data: bytes) -> int:
    """How many rows the lines of ``data`` make, unless some are blank (then fewer)."""
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _render(
    path: Path, start: int, end: int, columns: list[str], quote: str | None, first: int
) -> list[RenderedRows | list[Any]]:
    """The rows of ``path[start:end]`` rendered as the sheet's rows from index ``first``
    on, and as values those that cannot be."""
    row_of = _row_maker(columns, empty=None)
    rows = list(map(row_of, _records(path, start, end)))
    letters = [xl_col_to_name(col) for col in range(len(columns))]
    rendered = xlsx.render_rows(rows, letters, quote, first)
    return [rows[item] if isinstance(item, int) else item for item in rendered]


def _ranges(handle: IO[bytes], start: int) -> Iterator[tuple[int, int]]:
    """Byte ranges of whole lines from ``start`` on, about ``_CHUNK_BYTES`` each."""
    size = os.fstat(handle.fileno()).st_size
    while start < size:
        handle.seek(min(start + _CHUNK_BYTES, size))
        handle.readline()
        end = min(handle.tell(), size)
        yield start, end
        start = end


def _counted(handle: IO[bytes], spans: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """Each span with the number of rows in it."""
    for start, end in spans:
        handle.seek(start)
        yield start, end, _rows_in(handle.read(end - start))


@dataclass
class _Job:
    """A span of an entity's file, rendered elsewhere as the sheet's rows from ``first``."""

    entity: str
    start: int
    end: int
    rows: int  # as its lines count them
    first: int
    done: Future[list[RenderedRows | list[Any]]] | None = None


class _Renders:
    """The big entities' rows, rendered by other processes a span at a time in the
    order the sheets are written, a few spans ahead: across the end of one entity
    into the next, and while the small sheets before them are written here."""

    def __init__(self, workspace: Path, pool: Workers, quote: str) -> None:
        self._folder = inventory.inventory_dir(workspace)
        self._pool, self._quote = pool, quote
        self._heads: dict[str, int] = {}
        self._next: dict[str, int] = {}  # the row an entity's next span is numbered from
        self._window: deque[_Job] = deque()
        self._jobs = self._plan()
        self._top_up()

    def path(self, entity: str) -> Path:
        return self._folder / f"{entity}.jsonl"

    def takes(self, entity: str) -> bool:
        """Whether ``entity`` is big enough to be rendered elsewhere."""
        path = self.path(entity)
        return path.exists() and path.stat().st_size >= _PARALLEL_BYTES

    def head(self, entity: str) -> int:
        """Where the spans of ``entity`` start: after the rows that set the widths,
        which are written here, the way they always are."""
        if entity not in self._heads:
            with self.path(entity).open("rb") as handle:
                rows = 0
                while rows < xlsx.sampled_rows() and (raw := handle.readline()):
                    rows += bool(raw.strip())
                self._heads[entity] = handle.tell()
        return self._heads[entity]

    def _plan(self) -> Iterator[_Job]:
        for entity, _title in SHEETS:
            if not self.takes(entity):
                continue
            self._next[entity] = 1 + xlsx.sampled_rows()  # the header, then the head
            with self.path(entity).open("rb") as handle:
                for start, end, rows in _counted(handle, _ranges(handle, self.head(entity))):
                    job = _Job(entity, start, end, rows, self._next[entity])
                    self._next[entity] += rows
                    yield job

    def _top_up(self) -> None:
        for job in itertools.islice(self._jobs, self._pool.count * 2 - len(self._window)):
            columns = _columns(job.entity)
            job.done = self._pool.pool().submit(
                _render, self.path(job.entity), job.start, job.end, columns, self._quote, job.first
            )
            self._window.append(job)

    def results(self, entity: str) -> Iterator[tuple[_Job, list[RenderedRows | list[Any]]]]:
        """The spans of ``entity`` with their rows, in order."""
        while self._window and self._window[0].entity == entity:
            job = self._window.popleft()
            assert job.done is not None
            items = job.done.result()
            self._top_up()
            yield job, items

    def renumber(self, entity: str, row: int) -> None:
        """The next row of ``entity``'s sheet is ``row``: number the spans not sent yet
        from there (those sent are written as values)."""
        sent = sum(job.rows for job in self._window if job.entity == entity)
        self._next[entity] = row + sent


def _fill_entity(
    book: ReportWriter, title: str, columns: list[str], entity: str, renders: _Renders
) -> None:
    """A big entity's sheet, from the rows rendered elsewhere."""
    path = renders.path(entity)
    filler = _Filler(book, title, columns)
    row_of = _row_maker(columns)
    with path.open("rb") as handle:
        while handle.tell() < renders.head(entity) and (raw := handle.readline()):
            filler.extend(row_of(record) for record in _records_of(path, raw))
    for job, items in renders.results(entity):
        count = sum(item.count if isinstance(item, RenderedRows) else 1 for item in items)
        if filler.takes(count) and job.first == filler.sheet.next_row:
            filler.add(items)
            if count != job.rows:  # blank lines: the spans after them are numbered anew
                renders.renumber(entity, filler.sheet.next_row)
        else:
            # A new part of the sheet samples its widths again: these rows as values.
            filler.extend(map(row_of, _records(path, job.start, job.end)))
            renders.renumber(entity, filler.sheet.next_row)


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
    with ReportWriter(path) as book, contextlib.ExitStack() as stack:
        pool = shared if shared is not None else stack.enter_context(Workers())
        # The big sheets' rows are on their way before the first sheet is written.
        renders = _Renders(workspace, pool, book.quote) if pool.count >= 2 else None
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
        for entity, title in SHEETS:
            columns = _columns(entity)
            if renders is not None and renders.takes(entity):
                _fill_entity(book, title, columns, entity, renders)
            else:
                _fill(book, title, columns, _rows(workspace, entity, columns))
        warn_columns = ["severity", "code", "file", "record", "field", "message", "oci_error_code"]
        _fill(book, "Warnings", warn_columns, _rows(workspace, "warnings", warn_columns))
    return path
