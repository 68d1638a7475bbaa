"""The plan on disk as it is made: each customer's part appended to scratch files, then
plan.json (and the workbook) written from them, so no step holds every action.

Removals of what left the model are known only once every customer is planned; they
join their customer's queue (after its actions, ordinals continuing) as the streams
are read back. plan.json is the same bytes the whole plan dumped at once gives:
``json.dumps(plan.to_dict(), indent=1, sort_keys=True, ensure_ascii=False)``.
"""

from __future__ import annotations

import errno
import heapq
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, TypeVar

from migrate.plan.actions import CREATE, REMOVE, UNCHANGED, UPDATE, Action
from migrate.plan.builder import CustomerPart
from migrate.plan.diff import ENTITIES, Change, counts
from migrate.workspace import cannot_write

T = TypeVar("T")


class _Spool:
    """One JSON object a line, appended, then read back in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = path.open("w", encoding="utf-8")
        self.count = 0

    def add(self, item: dict[str, Any]) -> None:
        assert self.handle is not None
        self.handle.write(json.dumps(item, ensure_ascii=False))
        self.handle.write("\n")
        self.count += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def read(self) -> Iterator[dict[str, Any]]:
        self.close()
        with self.path.open("rb") as handle:
            for line in handle:
                yield json.loads(line)


class PlanStreams:
    """The parts of a plan, in customer order, spooled under ``scratch``."""

    def __init__(self, scratch: Path) -> None:
        self.actions = _Spool(scratch / "actions.jsonl")
        self.changes = _Spool(scratch / "changes.jsonl")
        self.left = _Spool(scratch / "left.jsonl")
        self.numbers_left = _Spool(scratch / "numbers-left.jsonl")
        self.queues: list[tuple[str, int]] = []  # (customer, how many actions), in order
        self.removals: dict[str, list[Action]] = defaultdict(list)
        self.removal_changes: list[Change] = []
        self.entity_counts: dict[str, dict[str, int]] = {
            entity: {op: 0 for op in (CREATE, UPDATE, REMOVE, UNCHANGED)}
            for entity in ENTITIES.values()
        }
        self.type_counts: dict[str, int] = {}

    def add(self, part: CustomerPart) -> None:
        for action in part.actions:
            self.actions.add(action.to_dict())
        if part.actions:
            self.queues.append((part.customer, len(part.actions)))
        for change in part.changes:
            self.changes.add(change.to_dict())
        for item in part.left:
            self.left.add(vars(item))
        for item in part.numbers_left:
            self.numbers_left.add(vars(item))
        # An object's changes are all in its customer's part: counted part by part.
        self._count(part.changes)

    def finish(self, removed: Iterable[tuple[Change, Action | None]]) -> None:
        for change, remove in removed:
            self.removal_changes.append(change)
            if remove is not None:
                self.removals[remove.customer].append(remove)
        self._count(self.removal_changes)
        for spool in (self.actions, self.changes, self.left, self.numbers_left):
            spool.close()

    def _count(self, changes: list[Change]) -> None:
        for entity, row in counts(changes).items():
            for op, n in row.items():
                self.entity_counts[entity][op] += n

    @property
    def change_counts(self) -> dict[str, dict[str, int]]:
        """Per entity, objects per op, as :func:`migrate.plan.diff.counts` gives them."""
        return {e: dict(row) for e, row in self.entity_counts.items() if any(row.values())}

    @property
    def left_alone(self) -> int:
        return self.left.count + self.numbers_left.count

    def action_count(self) -> int:
        return self.actions.count + sum(len(q) for q in self.removals.values())

    def iter_actions(self) -> Iterator[dict[str, Any]]:
        """Every action in plan order; counts them per type as it goes."""
        self.type_counts = {}
        spooled = self.actions.read()
        queues = iter(self.queues)
        head = next(queues, None)
        for customer in sorted({c for c, _ in self.queues} | set(self.removals)):
            size = 0
            if head is not None and head[0] == customer:
                size = head[1]
                for _ in range(size):
                    yield self._counted(next(spooled))
                head = next(queues, None)
            for ordinal, remove in enumerate(self.removals.get(customer, []), start=size):
                yield self._counted(replace(remove, ordinal=ordinal).to_dict())

    def _counted(self, action: dict[str, Any]) -> dict[str, Any]:
        kind = action["type"]
        self.type_counts[kind] = self.type_counts.get(kind, 0) + 1
        return action

    def iter_changes(self, by_customer: bool = False) -> Iterator[dict[str, Any]]:
        """plan.json's order: every customer's changes, then the removals'. ``by_customer``:
        each customer's removals right after its other changes (a workbook per customer)."""
        removals = (change.to_dict() for change in self.removal_changes)
        if not by_customer:
            yield from self.changes.read()
            yield from removals
            return
        # heapq.merge is stable: a customer's spooled changes keep coming first.
        yield from heapq.merge(self.changes.read(), sorted(removals, key=_customer), key=_customer)

    def iter_left(self, by_customer: bool = False) -> Iterator[dict[str, Any]]:
        """Numbers left alone, then objects; ``by_customer``: both of a customer together."""
        if not by_customer:
            yield from self.numbers_left.read()
            yield from self.left.read()
            return
        yield from heapq.merge(self.numbers_left.read(), self.left.read(), key=_customer)

    def counts(self) -> dict[str, int]:
        """Plan.counts: actions per type (after :meth:`iter_actions`), then left alone."""
        return {**self.type_counts, "left_alone": self.left_alone}


def _customer(row: dict[str, Any]) -> str:
    customer: str = row["customer"]
    return customer


def scratch_errors(path: Path, scratch: Path, work: Callable[[], T]) -> T:
    """Run ``work``; a scratch file that cannot grow fails as a write of ``path`` (exit 5).

    SQLite says only "disk is full": a probe write in ``scratch`` names the cause."""
    try:
        return work()
    except sqlite3.OperationalError as err:
        if "full" not in str(err):
            raise
        raise cannot_write(path, _probe(scratch)) from err
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        raise cannot_write(path, err) from err


def _probe(scratch: Path) -> OSError:
    probe = scratch / "probe"
    try:
        with probe.open("wb") as handle:
            for _ in range(64):
                handle.write(b"\0" * (1 << 20))
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as err:
        return err
    finally:
        probe.unlink(missing_ok=True)
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
