"""``reports/plan.xlsx``: what the plan changes, object by object and field by field
(old → new), its actions in order, and what it leaves alone."""

from __future__ import annotations

import itertools
import json
import pickle
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from migrate.plan.actions import REMOVE, UNCHANGED, UPDATE, Action
from migrate.plan.builder import LeftAlone, Plan
from migrate.plan.diff import ENTITIES, Change, counts
from migrate.plan.planfile import PlanFile
from migrate.reports.parts import (
    Part,
    key_values,
    write_parts,
    write_whole,
)
from migrate.reports.xlsx import Column, SheetSpec

# The state a load left an action in (None: none, or still pending).
Done = Callable[[str], str | None]


def _nothing_done(_key: str) -> None:
    return None


def write_plan_report(
    plan: Plan,
    path: Path,
    done: Mapping[str, str] | None = None,
    split_rows: int | None = None,
) -> Path:
    """``done``: journal state per action key, when a load already ran."""
    lookup = None if done is None else done.get
    by_customer = split_rows is not None and len(plan.actions) > split_rows
    # plan.json lists removals' changes after every customer's: a split takes each
    # customer's together (a stable sort keeps their order within the customer).
    changes = sorted(plan.changes, key=_customer) if by_customer else plan.changes
    left = sorted(plan.left_alone, key=_customer) if by_customer else plan.left_alone
    return write_plan_rows(
        path,
        PlanTotals(
            plan.fingerprint,
            plan.created_at,
            plan.inputs,
            counts(plan.changes),
            dict(Counter(action.type for action in plan.actions)),
            len(plan.actions),
            len(plan.left_alone),
        ),
        changes,
        plan.actions,
        left,
        lookup,
        split_rows,
    )


def _customer(row: _OfCustomer) -> str:
    return row.customer


def write_plan_file_report(
    plan: PlanFile,
    path: Path,
    done: Done | None = None,
    split_rows: int | None = None,
) -> Path:
    """The workbook of a plan.json, read as it streams (``migrate report`` at scale).

    Above ``split_rows`` its changes are put in customer order in a scratch file
    beside ``path``: plan.json lists the removals' changes after every customer's.
    """
    per_type = {kind: n for kind, n in plan.counts.items() if kind != "left_alone"}
    per_entity = _run_counts(plan.changes())
    totals = PlanTotals(
        plan.fingerprint,
        plan.created_at,
        plan.inputs,
        per_entity,
        per_type,
        sum(per_type.values()),
        plan.counts.get("left_alone", 0),
    )
    if split_rows is None or totals.actions <= split_rows:
        return write_plan_rows(
            path, totals, plan.changes(), plan.actions(), plan.left_alone(), done, split_rows
        )
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".plan-scratch-") as scratch:
        changes = _customer_ordered(plan.changes(), Path(scratch) / "changes.sqlite")
        left = _customer_ordered(plan.left_alone(), Path(scratch) / "left.sqlite")
        return write_plan_rows(path, totals, changes, plan.actions(), left, done, split_rows)


def _run_counts(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """:func:`counts` of each customer's run of changes, summed, as the plan stage counts
    them part by part: memory holds one customer's objects."""
    total: dict[str, dict[str, int]] = {}
    for _owner, run in itertools.groupby(changes, key=_customer):
        for entity, row in counts(run).items():
            into = total.setdefault(entity, dict.fromkeys(row, 0))
            for op, n in row.items():
                into[op] += n
    # In the order counts() gives a whole plan's.
    return {e: total[e] for e in ENTITIES.values() if e in total and any(total[e].values())}


def _customer_ordered(rows: Iterable[T], scratch: Path) -> Iterator[T]:
    """``rows`` by customer, each customer's in their order, spooled through sqlite."""
    db = sqlite3.connect(scratch)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("CREATE TABLE rows (customer TEXT, seq INTEGER, row BLOB)")
        numbered = ((_customer(r), n, pickle.dumps(r)) for n, r in enumerate(rows))
        while chunk := list(itertools.islice(numbered, 10_000)):
            db.executemany("INSERT INTO rows VALUES (?, ?, ?)", chunk)
        db.commit()
        for (row,) in db.execute("SELECT row FROM rows ORDER BY customer, seq"):
            yield pickle.loads(row)  # noqa: S301 (our own scratch, written just above)
    finally:
        db.close()


@dataclass
class PlanTotals:
    """What the Summary sheet says of a plan whose rows stream after it."""

    fingerprint: str
    created_at: str
    inputs: dict[str, str]
    per_entity: dict[str, dict[str, int]]  # as migrate.plan.diff.counts gives it
    per_type: dict[str, int]
    actions: int
    left_alone: int


_CHANGE_COLUMNS = [
    Column("Customer", width=24),
    Column("Object", width=12),
    Column("Key", width=40),
    Column("Change", width=10, note="create, update, remove (with --prune only)"),
    Column("Field", width=18),
    Column("Old value", width=40),
    Column("New value", width=40),
    Column("Action", width=56),
    Column("Note", width=60),
]
_PLAN_COLUMNS = [
    Column("Customer", width=24),
    Column("Order", width=7),
    Column("Action", width=18),
    Column("Key", width=48),
    Column("What", width=60),
    Column(
        "Outcome",
        width=22,
        note="create: created unless it already exists, then adopted; done: a load already did it",
    ),
    Column("Depends on", width=48),
    Column("Inverse", width=20),
    Column("Payload", width=80),
]
_LEFT_COLUMNS = [
    Column("Customer", width=24),
    Column("Object", width=12),
    Column("Key", width=40),
    Column("Why", width=100),
]
_COUNT_COLUMNS = [
    Column("Actions", width=10),
    Column("Changed objects", width=16),
    Column("Left alone", width=12),
]


def write_plan_rows(
    path: Path,
    totals: PlanTotals,
    changes: Iterable[Change],
    actions: Iterable[Action],
    left_alone: Iterable[LeftAlone],
    done: Done | None = None,
    split_rows: int | None = None,
) -> Path:
    """The workbook, its rows written as the iterables give them.

    Above ``split_rows`` actions it is an index of one workbook per customer
    (:mod:`migrate.reports.parts`); then each iterable must give its rows in
    customer order, as the plan's streams do.
    """
    done = done or _nothing_done
    summary = key_values("Summary", _summary(totals))
    if split_rows is None or totals.actions <= split_rows:
        write_whole(path, [summary, *_sheets(changes, actions, left_alone, done)])
        return path
    grouped = _Aligned(changes, actions, left_alone)
    # Rows of no customer (a number left alone before any customer owns it) stay in the index.
    front = grouped.take("")

    def parts() -> Iterator[Part]:
        while (customer := grouped.next_customer()) is not None:
            mine_changes, mine_actions, mine_left = grouped.take(customer)
            counts = [len(mine_actions), len(_shown(mine_changes)), len(mine_left)]
            sheets = _sheets(mine_changes, mine_actions, mine_left, done)
            yield Part(customer, sheets, counts)

    write_parts(path, [summary, *_sheets(*front, done)], _COUNT_COLUMNS, parts())
    return path


def _summary(totals: PlanTotals) -> list[tuple[str, Any]]:
    return [
        ("Plan fingerprint", totals.fingerprint),
        ("Created at (UTC)", totals.created_at),
        *[
            (
                f"Objects: {entity}",
                f"+ {n['create']} create  ~ {n['update']} update  "
                f"- {n['remove']} remove  = {n['unchanged']} unchanged",
            )
            for entity, n in totals.per_entity.items()
        ],
        ("Removals run only with `migrate load --prune`", "yes"),
        ("Actions", totals.actions),
        *[(f"Actions: {kind}", n) for kind, n in sorted(totals.per_type.items())],
        ("Left alone", totals.left_alone),
        *[(f"Input: {name}", digest[:16]) for name, digest in sorted(totals.inputs.items())],
    ]


def _sheets(
    changes: Iterable[Change],
    actions: Iterable[Action],
    left_alone: Iterable[LeftAlone],
    done: Done,
) -> list[SheetSpec]:
    return [
        SheetSpec("Changes", _CHANGE_COLUMNS, lambda: _change_rows(changes)),
        SheetSpec("Plan", _PLAN_COLUMNS, lambda: _action_rows(actions, done)),
        SheetSpec(
            "Left alone",
            _LEFT_COLUMNS,
            lambda: ([i.customer, i.entity, i.key, i.reason] for i in left_alone),
        ),
    ]


def _shown(changes: Iterable[Change]) -> list[Change]:
    """The changes the Changes sheet lists: the Plan sheet lists every action, this
    sheet the difference."""
    return [c for c in changes if c.op != UNCHANGED or c.note]


def _change_rows(changes: Iterable[Change]) -> Iterator[list[Any]]:
    for change in changes:
        if change.op == UNCHANGED and not change.note:
            continue
        for name, (old, new) in change.fields.items() or {"": (None, None)}.items():
            yield [
                change.customer,
                change.entity,
                change.key,
                change.op,
                name,
                _cell(old),
                _cell(new),
                change.action,
                change.note,
            ]


def _action_rows(actions: Iterable[Action], done: Done) -> Iterator[list[Any]]:
    for action in actions:
        state = done(action.key)
        outcome = (
            "prune only (load --prune)"
            if action.op == REMOVE
            else f"done ({state})"
            if state in ("succeeded",)
            else action.op
            if action.op == UPDATE
            else (f"retry ({state})" if state and state != "rolled_back" else "create or adopt")
        )
        yield [
            action.customer,
            action.ordinal,
            action.type,
            action.key,
            action.summary,
            outcome,
            ", ".join(action.depends_on),
            (action.inverse or {}).get("type"),
            json.dumps(action.payload, ensure_ascii=False, sort_keys=True),
        ]


class _OfCustomer(Protocol):
    @property
    def customer(self) -> str: ...


T = TypeVar("T", bound=_OfCustomer)


class _Aligned:
    """Three streams in customer order, taken one customer at a time: memory holds
    that customer's rows, never the plan's."""

    def __init__(
        self,
        changes: Iterable[Change],
        actions: Iterable[Action],
        left_alone: Iterable[LeftAlone],
    ) -> None:
        self._changes = _Grouped(changes, "changes")
        self._actions = _Grouped(actions, "actions")
        self._left = _Grouped(left_alone, "left alone")

    def next_customer(self) -> str | None:
        heads = [g.head for g in (self._changes, self._actions, self._left) if g.head is not None]
        return min(heads) if heads else None

    def take(self, customer: str) -> tuple[list[Change], list[Action], list[LeftAlone]]:
        return (
            self._changes.take(customer),
            self._actions.take(customer),
            self._left.take(customer),
        )


class _Grouped(Generic[T]):
    """A stream of rows with a ``customer``, given back a customer's run at a time."""

    def __init__(self, rows: Iterable[T], what: str) -> None:
        self._rows = iter(rows)
        self._what = what
        self._next: T | None = None
        self.head: str | None = None
        self._advance()

    def _advance(self) -> None:
        previous = self.head
        self._next = next(self._rows, None)
        self.head = None if self._next is None else self._next.customer
        if self.head is not None and previous is not None and self.head < previous:
            # A split workbook per customer needs each customer's rows together.
            raise ValueError(
                f"plan {self._what} are not in customer order: {self.head} after {previous}"
            )

    def take(self, customer: str) -> list[T]:
        taken: list[T] = []
        while self._next is not None and self.head == customer:
            taken.append(self._next)
            self._advance()
        return taken


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
