"""The merged inventory written from the sealed store, by the parse workers.

Each entity is cut into runs of whole keys; a worker merges one run into a
part file of its own, and the parts, concatenated in key order, are the
entity's file, byte for byte what one process writing it all would write.
Users come first: the devices' registrations are keyed by their user's
group, which only the merged users say.

A caller that writes a workbook of the inventory next can have the workers
render its rows as they write each record (:func:`rendering_rows`): they
hold the merged record then, which the workbook would otherwise read back
and decode.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from migrate.extract.store import Conflict, Store

# Order matters: users first, so registrations can be attached to devices.
DUMP_ORDER = (
    "users",
    "service_providers",
    "groups",
    "numbers",
    "devices",
    "service_packs",
    "service_instances",
    "languages",
    "time_zones",
    "user_settings",
    "group_features",
)
# Below this many staged records an entity is one run: a run costs a query and a file.
_RUN_RECORDS = 20_000
_LOCATION_BATCH = 10_000
# ``inventory.dumps``' format, its encoder made once: a fresh one per record
# costs as much as a small record's encoding. Records are trees, never cyclic.
_dumps = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False
).encode


class SheetRows(Protocol):
    """Renders an entity's workbook rows beside its inventory file (picklable)."""

    def renderer(self, entity: str) -> Callable[[dict[str, Any], str], str] | None:
        """What one record (and its inventory line) adds to ``entity``'s rows file;
        ``None`` for an entity no sheet shows."""

    def seal(self, rows: Path, inventory: Path, count: int) -> None:
        """``rows`` is complete: ``count`` records, written beside ``inventory``."""


# Set for the extract of a command that writes the workbook next: the dump's
# workers render its rows. Only worth it with workers (a small export has none).
_SHEET_ROWS: ContextVar[SheetRows | None] = ContextVar("_SHEET_ROWS", default=None)


@contextmanager
def rendering_rows(rows: SheetRows) -> Iterator[None]:
    """While inside, a dump by workers writes ``rows_file(entity)`` files beside the inventory."""
    token = _SHEET_ROWS.set(rows)
    try:
        yield
    finally:
        _SHEET_ROWS.reset(token)


def rows_file(folder: Path, entity: str) -> Path:
    return folder / f".{entity}.rows"


@dataclass(frozen=True)
class _Run:
    entity: str
    low: str | None
    high: str | None
    out: Path
    locations: Path | None  # users only: where the run remembers each user's group
    sheet: SheetRows | None = None  # renders the workbook's rows into ``rows``
    rows: Path | None = None


@dataclass
class _Written:
    count: int
    conflicts: list[Conflict]


def dump(
    store: Store,
    staging: Path,
    conflicts: list[Conflict],
    pool: Executor | None,
    workers: int,
) -> dict[str, int]:
    """Write every entity's JSONL into ``staging``; returns the count of each."""
    submit = _submitter(pool)
    sheet = _SHEET_ROWS.get() if pool is not None else None
    users = _runs(store, staging, "users", workers, sheet)
    written = [submit(_write_run, store.path, run) for run in users]
    results = {"users": [future.result() for future in written]}
    for run in users:
        if run.locations is not None:
            store.take_user_locations(run.locations)
            run.locations.unlink(missing_ok=True)
    store.attach_registrations()
    others = {
        entity: _runs(store, staging, entity, workers, sheet)
        for entity in DUMP_ORDER
        if entity != "users"
    }
    futures = {
        entity: [submit(_write_run, store.path, run) for run in runs]
        for entity, runs in others.items()
    }
    for entity, pending in futures.items():
        results[entity] = [future.result() for future in pending]
    counts: dict[str, int] = {}
    for entity in DUMP_ORDER:
        runs = users if entity == "users" else others[entity]
        _concatenate([run.out for run in runs], staging / f"{entity}.jsonl")
        counts[entity] = sum(part.count for part in results[entity])
        if sheet is not None and runs[0].rows is not None:
            rows = rows_file(staging, entity)
            # A cache the workbook removes: not worth an fsync.
            _concatenate([run.rows for run in runs if run.rows is not None], rows, sync=False)
            sheet.seal(rows, staging / f"{entity}.jsonl", counts[entity])
        for part in results[entity]:
            conflicts.extend(part.conflicts)
    return counts


def _runs(
    store: Store, staging: Path, entity: str, workers: int, sheet: SheetRows | None = None
) -> list[_Run]:
    parts = min(workers * 2, store.count(entity) // _RUN_RECORDS) if workers > 1 else 1
    bounds: list[str | None] = [None, *store.split(entity, max(parts, 1)), None]
    shown = sheet is not None and sheet.renderer(entity) is not None
    return [
        _Run(
            entity,
            low,
            high,
            staging / f".{entity}.part{i}",
            staging / f".{entity}.locations{i}" if entity == "users" else None,
            sheet if shown else None,
            staging / f".{entity}.rows{i}" if shown else None,
        )
        for i, (low, high) in enumerate(itertools.pairwise(bounds))
    ]


def _submitter(pool: Executor | None) -> Callable[..., Future[_Written]]:
    if pool is not None:
        return pool.submit

    def here(fn: Callable[..., _Written], *args: Any) -> Future[_Written]:
        future: Future[_Written] = Future()
        future.set_result(fn(*args))
        return future

    return here


def _write_run(path: Path, run: _Run) -> _Written:
    store = Store(path, create=False)
    conflicts: list[Conflict] = []
    try:
        records = store.merged(run.entity, conflicts, run.low, run.high)
        render = None if run.sheet is None else run.sheet.renderer(run.entity)
        if run.locations is None:
            count = _write_jsonl(run.out, records, render, run.rows)
        else:
            locations = Store(run.locations)
            try:
                records = _remembering_locations(locations, records)
                count = _write_jsonl(run.out, records, render, run.rows)
                locations.seal()
            finally:
                locations.close()
    finally:
        store.close()
    return _Written(count, conflicts)


def _remembering_locations(
    store: Store, records: Iterator[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    batch: list[tuple[str, str | None, str | None]] = []
    for record in records:
        batch.append((record["user_id"], record.get("sp_id"), record.get("group_id")))
        if len(batch) >= _LOCATION_BATCH:
            store.remember_user_locations(batch)
            batch.clear()
        yield record
    store.remember_user_locations(batch)


def _write_jsonl(
    path: Path,
    records: Iterator[dict[str, Any]],
    render: Callable[[dict[str, Any], str], str] | None = None,
    rows: Path | None = None,
) -> int:
    """``inventory.write_jsonl`` without its fsync: the concatenated file gets that;
    with ``render``, each record's workbook row into ``rows`` too."""
    count = 0
    dumps = _dumps
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        write = handle.write
        if render is None or rows is None:
            for record in records:
                write(dumps(record))
                write("\n")
                count += 1
            return count
        with rows.open("w", encoding="utf-8", newline="") as side:
            put = side.write
            for record in records:
                line = dumps(record)
                write(line)
                write("\n")
                put(render(record, line))
                count += 1
    return count


def _concatenate(parts: list[Path], path: Path, sync: bool = True) -> None:
    try:
        os.replace(parts[0], path)
        with path.open("ab") as out:
            for part in parts[1:]:
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
                part.unlink()
            out.flush()
            if sync:
                os.fsync(out.fileno())
    except OSError as err:
        if err.filename:
            raise
        # A failed write() does not say which file: the staged write maps this name.
        raise OSError(err.errno, err.strerror, str(path)) from err
