"""The model one customer at a time, so ``plan`` holds the largest customer, not the platform.

``map`` writes customers, locations, subscribers and numbers ordered by customer
id first: those are read in step, a group at a time. Devices (ordered by device
id, which does not sort as the customer ids do), workspaces, person settings and
call features are copied once into an on-disk index keyed by customer. Blocker
issues, which may name an object of any customer, go into the same index keyed by
the object, and each customer asks for those of its own objects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from migrate.errors import WorkspaceError
from migrate.plan import model as wm

T = TypeVar("T")

# Not ordered by customer in the model files: indexed on disk by customer.
INDEXED = ("devices", "workspaces", "person_settings", "call_features")


@dataclass
class CustomerModel:
    """Everything of one customer id the plan reads (``customer`` None: records that
    name a customer missing from customers.jsonl)."""

    id: str
    customer: wm.Customer | None = None
    locations: list[wm.Location] = field(default_factory=list)
    subscribers: list[wm.Subscriber] = field(default_factory=list)
    numbers: list[wm.Number] = field(default_factory=list)


def _grouped(
    items: Iterable[T], key: Callable[[T], str], path: Path
) -> Iterator[tuple[str, list[T]]]:
    """Runs of equal ``key``; a key that comes back after another is a damaged file."""
    current: str | None = None
    run: list[T] = []
    for item in items:
        value = key(item)
        if value != current:
            if current is not None:
                if value < current:
                    raise WorkspaceError(
                        f"{path}: not ordered by customer_id ({value!r} after {current!r}); "
                        "run `migrate map` again"
                    )
                yield current, run
            current, run = value, []
        run.append(item)
    if current is not None:
        yield current, run


class ModelIndex:
    """The on-disk index under ``folder`` (a scratch folder the caller removes)."""

    def __init__(self, workspace: Path, folder: Path) -> None:
        self.workspace = workspace
        self.db = sqlite3.connect(folder / "model-index.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE records (entity TEXT, customer TEXT, line TEXT)")
        self.db.execute(
            "CREATE TABLE blocked (entity TEXT, key TEXT, reason TEXT, PRIMARY KEY (entity, key))"
        )
        self.db.execute("CREATE TEMP TABLE wanted (key TEXT PRIMARY KEY)")
        self.db.execute("CREATE TABLE planned (key TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")
        for entity in INDEXED:
            self.db.executemany(
                "INSERT INTO records VALUES (?, ?, ?)",
                (
                    (entity, str(record.customer_id), json.dumps(wm.to_record(record)))
                    for record in wm.read(workspace, entity)
                ),
            )
        # The first blocker of an object gives its reason, as the issues file lists them.
        self.db.executemany(
            "INSERT OR IGNORE INTO blocked VALUES (?, ?, ?)",
            (
                (issue.entity, issue.key, f"blocker {issue.code}: {issue.message}")
                for issue in wm.read(workspace, "issues")
                if issue.severity == wm.BLOCKER
            ),
        )
        self.db.execute("CREATE INDEX records_by_customer ON records (entity, customer)")
        self.db.execute("CREATE INDEX blocked_by_key ON blocked (key)")
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def records(self, entity: str, customer: str) -> list[Any]:
        """The customer's records of an indexed entity, in the model file's order."""
        cls = wm.ENTITIES[entity]
        rows = self.db.execute(
            "SELECT line FROM records WHERE entity = ? AND customer = ? ORDER BY rowid",
            (entity, customer),
        )
        return [wm.from_record(cls, json.loads(line)) for (line,) in rows]

    def blocked(self, keys: Iterable[str]) -> dict[tuple[str, str], str]:
        """``(entity, key)`` → reason, for the blocked objects among ``keys``."""
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((k,) for k in keys))
        rows = self.db.execute(
            "SELECT entity, blocked.key, reason FROM wanted"
            " JOIN blocked ON blocked.key = wanted.key"
        ).fetchall()
        self.db.execute("COMMIT")
        return {(entity, key): reason for entity, key, reason in rows}

    def planned(self, keys: Iterable[str]) -> None:
        """Keys a customer's part plans, for the customers after it (:class:`PlannedSoFar`)."""
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR IGNORE INTO planned VALUES (?)", ((k,) for k in keys))
        self.db.execute("COMMIT")

    def was_planned(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM planned WHERE key = ?", (key,)).fetchone()
        return row is not None

    def customers(self) -> Iterator[CustomerModel]:
        """Every customer id the ordered files name, in order, with its records."""
        folder = wm.model_dir(self.workspace)
        streams: list[Iterator[tuple[str, list[Any]]]] = [
            _grouped(
                wm.read(self.workspace, "customers"), lambda c: c.id, folder / "customers.jsonl"
            ),
            *(
                _grouped(
                    wm.read(self.workspace, name),
                    lambda r: r.customer_id,
                    folder / f"{name}.jsonl",
                )
                for name in ("locations", "subscribers", "numbers")
            ),
        ]
        heads: list[tuple[str, list[Any]] | None] = [next(s, None) for s in streams]
        while any(head is not None for head in heads):
            current = min(head[0] for head in heads if head is not None)
            group = CustomerModel(current)
            runs: list[list[Any]] = []
            for i, head in enumerate(heads):
                if head is not None and head[0] == current:
                    runs.append(head[1])
                    heads[i] = next(streams[i], None)
                else:
                    runs.append([])
            customers, group.locations, group.subscribers, group.numbers = runs
            if len(customers) > 1:
                raise WorkspaceError(f"{folder / 'customers.jsonl'}: customer {current} twice")
            group.customer = customers[0] if customers else None
            yield group


class PlannedSoFar:
    """The keys planned so far: this customer's, in memory, and every customer's before
    it, in the index. A device's owner or a feature's member found in an earlier customer
    counts as planned, as it did when the whole platform was planned in one list."""

    def __init__(self, index: ModelIndex, mine: set[str]) -> None:
        self.index = index
        self.mine = mine

    def __contains__(self, key: object) -> bool:
        return key in self.mine or (isinstance(key, str) and self.index.was_planned(key))
