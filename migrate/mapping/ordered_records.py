"""The model files of a platform mapped part by part, in the order one model gives them.

Each part's records go to an sqlite table with the sort key of their file
(``mapping.model``'s orders; sqlite's binary order of UTF-8 text is Python's
order of str, and a bool is stored as 0/1), then each file is written in that
order. A record two parts both produce (an issue of no customer) is written
once, as the first part had it, like the one model's dict.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.mapping.model import (
    Model,
    issue_order,
    location_order,
    not_migrated_order,
    number_order,
    subscriber_order,
)
from migrate.plan.model import ENTITIES, to_record

_Key = Callable[[str, Any], tuple[Any, ...]]
_KEY_COLUMNS = 6


def _by_key(key: str, _record: Any) -> tuple[Any, ...]:
    return (key,)


ORDERS: dict[str, _Key] = {
    "customers": _by_key,
    "locations": lambda _k, r: location_order(r),
    "subscribers": lambda _k, r: subscriber_order(r),
    "numbers": lambda _k, r: number_order(r),
    "devices": _by_key,
    "workspaces": _by_key,
    "not_migrated": lambda _k, r: not_migrated_order(r),
    "issues": lambda _k, r: issue_order(r),
    "person_settings": _by_key,
    "call_features": _by_key,
}


def records(model: Model, entity: str) -> Iterable[tuple[str, Any]]:
    """``(key, record)`` of what ``entity``'s file holds of ``model``."""
    if entity == "subscribers":
        return ((s.id, s) for s in model.active_subscribers())
    if entity == "issues":
        return model.issues.items.items()
    if entity == "call_features":
        return model.features.items()
    found: dict[str, Any] = getattr(model, entity)
    return found.items()


class OrderedRecords:
    """Model records of every part, written out in their file's order."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        keys = ", ".join(f"k{n}" for n in range(_KEY_COLUMNS))
        for entity in ENTITIES:
            db.execute(f"CREATE TABLE rec_{entity} (uid TEXT PRIMARY KEY, {keys}, line TEXT)")

    def add(self, model: Model) -> None:
        self.insert(record_rows(model))

    def insert(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """A part's :func:`record_rows` (made in any process); a record already filed by
        an earlier part is kept as that part had it."""
        holes = "?, " * (_KEY_COLUMNS + 1)
        for entity in ENTITIES:
            self._db.executemany(
                f"INSERT OR IGNORE INTO rec_{entity} VALUES ({holes}?)",  # noqa: S608
                rows[entity],
            )

    def write(self, folder: Path) -> dict[str, int]:
        """Each entity's file in ``folder``; the count of records of each."""
        self._db.commit()
        counts: dict[str, int] = {}
        keys = ", ".join(f"k{n}" for n in range(_KEY_COLUMNS))
        for entity in ENTITIES:
            query = f"SELECT line FROM rec_{entity} ORDER BY {keys}, uid"  # noqa: S608
            rows = self._db.execute(query)
            counts[entity] = inv.write_lines(folder / f"{entity}.jsonl", (r[0] for r in rows))
        return counts

    def severities(self) -> dict[str, int]:
        """Issues by severity, over every part."""
        rows = self._db.execute(
            "SELECT json_extract(line, '$.severity'), COUNT(*) FROM rec_issues GROUP BY 1"
        )
        return {str(severity): int(count) for severity, count in rows}


def record_rows(model: Model) -> dict[str, list[tuple[Any, ...]]]:
    """Each entity's rows of ``model`` for :meth:`OrderedRecords.insert`: its key, its
    sort key and its line."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for entity in ENTITIES:
        order = ORDERS[entity]
        rows[entity] = [
            (key, *_padded(order(key, record)), inv.dumps(to_record(record)))
            for key, record in records(model, entity)
        ]
    return rows


def _padded(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return key + (None,) * (_KEY_COLUMNS - len(key))


def sorted_records(model: Model, entity: str) -> list[tuple[str, Any]]:
    """``(key, record)`` of ``entity``'s file, in its order: one model's file."""
    order = ORDERS[entity]
    return sorted(records(model, entity), key=lambda item: order(*item))
