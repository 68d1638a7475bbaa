"""The merged inventory written from the indexed shards, by the parse workers.

Each entity is cut into runs of whole keys; a worker merges one run into a
part file of its own, and the parts, concatenated in key order, are the
entity's file, byte for byte what one process writing it all would write.
The devices come last: their registrations are keyed by their user's
group, which only the merged users say; the other entities do not wait.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.extract.store import Conflict, Store, UserLocations, stage_registrations

# The order of the runs queued: users first, as the devices wait for them.
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


@dataclass(frozen=True)
class _Run:
    entity: str
    low: str | None
    high: str | None
    out: Path
    locations: Path | None  # users only: where the run remembers each user's group


@dataclass
class _Written:
    count: int
    conflicts: list[Conflict]


def dump(
    shards: tuple[Path, ...],
    staging: Path,
    conflicts: list[Conflict],
    pool: Executor | None,
    workers: int,
) -> dict[str, int]:
    """Write every entity's JSONL from the parse ``shards`` into ``staging``; returns counts."""
    submit = _submitter(pool)
    runs: dict[str, list[_Run]] = {}
    futures: dict[str, list[Future[_Written]]] = {}
    # Each entity's runs are queued as soon as they are cut, users first: the
    # devices wait for them, the other entities do not.
    store = Store(shards)
    try:
        for entity in DUMP_ORDER:
            if entity != "devices":
                runs[entity] = _runs(store, staging, entity, workers)
                futures[entity] = [submit(_write_run, shards, run) for run in runs[entity]]
    finally:
        store.close()
    results = {"users": [future.result() for future in futures["users"]]}
    registrations = staging / ".registrations.sqlite"
    located = [run.locations for run in runs["users"] if run.locations is not None]
    stage_registrations(registrations, located, shards)
    for path in located:
        path.unlink(missing_ok=True)
    with_registrations = (*shards, registrations)
    store = Store(with_registrations)
    try:
        runs["devices"] = _runs(store, staging, "devices", workers)
    finally:
        store.close()
    futures["devices"] = [submit(_write_run, with_registrations, run) for run in runs["devices"]]
    counts: dict[str, int] = {}
    for entity in DUMP_ORDER:
        if entity not in results:
            results[entity] = [future.result() for future in futures[entity]]
        written = results[entity]
        _concatenate([run.out for run in runs[entity]], staging / f"{entity}.jsonl")
        counts[entity] = sum(part.count for part in written)
        for part in written:
            conflicts.extend(part.conflicts)
    return counts


def _runs(store: Store, staging: Path, entity: str, workers: int) -> list[_Run]:
    parts = min(workers * 2, store.count(entity) // _RUN_RECORDS) if workers > 1 else 1
    bounds: list[str | None] = [None, *store.split(entity, max(parts, 1)), None]
    return [
        _Run(
            entity,
            low,
            high,
            staging / f".{entity}.part{i}",
            staging / f".{entity}.locations{i}" if entity == "users" else None,
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


def _write_run(shards: tuple[Path, ...], run: _Run) -> _Written:
    store = Store(shards)
    conflicts: list[Conflict] = []
    try:
        records = store.merged(run.entity, conflicts, run.low, run.high)
        if run.locations is None:
            count = _write_jsonl(run.out, records)
        else:
            locations = UserLocations(run.locations)
            try:
                count = _write_jsonl(run.out, _remembering_locations(locations, records))
            finally:
                locations.close()
    finally:
        store.close()
    return _Written(count, conflicts)


def _remembering_locations(
    store: UserLocations, records: Iterator[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    batch: list[tuple[str, str | None, str | None]] = []
    for record in records:
        batch.append((record["user_id"], record.get("sp_id"), record.get("group_id")))
        if len(batch) >= _LOCATION_BATCH:
            store.remember(batch)
            batch.clear()
        yield record
    store.remember(batch)


def _write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    """``inventory.write_jsonl`` without its fsync: the concatenated file gets that."""
    count = 0
    dumps = _dumps
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        write = handle.write
        for record in records:
            write(dumps(record))
            write("\n")
            count += 1
    return count


def _concatenate(parts: list[Path], path: Path) -> None:
    try:
        os.replace(parts[0], path)
        with path.open("ab") as out:
            for part in parts[1:]:
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
                part.unlink()
            out.flush()
            os.fsync(out.fileno())
    except OSError as err:
        if err.filename:
            raise
        # A failed write() does not say which file: the staged write maps this name.
        raise OSError(err.errno, err.strerror, str(path)) from err
