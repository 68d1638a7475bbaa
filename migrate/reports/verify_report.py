"""``reports/verify.xlsx``: Summary, Differences (missing first), Checked, Not compared.

Above ``split_rows`` differences (a field that differs on every subscriber of a
platform is a million) it is an index (:mod:`migrate.reports.parts`): the
summary, the differences of no customer, Checked, Not compared, and a
*Workbooks* sheet with each customer's differences by problem; each
customer's differences go to ``reports/verify/<customer>.xlsx``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from migrate.load.compare import DIFFERENT, MISSING, UNEXPECTED, UNREAD, Difference
from migrate.load.verify import VerifyResult
from migrate.reports.parts import (
    Part,
    key_values,
    write_parts,
    write_whole,
)
from migrate.reports.xlsx import Column, SheetSpec

_DIFFERENCE_COLUMNS = [
    Column("Customer", width=22),
    Column("Object", width=11),
    Column("Key", width=36),
    Column(
        "Problem",
        width=11,
        note="missing: planned, not in Webex; unexpected: in "
        "Webex, not planned (or rolled back); different: "
        "a field differs; unread: Webex would not list "
        "that kind, nothing was compared",
    ),
    Column("Field", width=12),
    Column("Planned", width=30),
    Column("Webex", width=30),
    Column("Plan action", width=44),
    Column("Journal state", width=13),
    Column("Webex id", width=44),
    Column("Message", width=70),
]
_PROBLEMS = (MISSING, UNEXPECTED, DIFFERENT, UNREAD)
_COUNT_COLUMNS = [
    Column("Differences", width=12),
    *[Column(problem.capitalize(), width=11) for problem in _PROBLEMS],
]


def write_verify_report(
    result: VerifyResult,
    path: Path,
    summary: list[tuple[str, Any]] | None = None,
    split_rows: int | None = None,
) -> Path:
    counts = result.counts()
    front = key_values(
        "Summary",
        [
            *(summary or []),
            ("Verified at (UTC)", result.verified_at),
            (
                "Result",
                "no differences" if result.ok else f"{len(result.differences)} differences",
            ),
            ("Customers verified", len(result.customers)),
            ("Customers not loaded yet (not verified)", len(result.not_loaded)),
            *[(f"Differences: {problem}", n) for problem, n in counts.items()],
            *[(f"Compared: {kind}", n) for kind, n in result.checked.items()],
            *[(f"Identical: {kind}", n) for kind, n in result.matched.items()],
            ("Not compared (see that sheet)", len(result.not_compared)),
            ("Webex requests (all reads)", result.requests),
            ("Seconds", round(result.seconds, 2)),
        ],
    )
    checked = SheetSpec(
        "Checked",
        [
            Column("Object", width=14),
            Column("Compared", width=10),
            Column("Identical", width=10),
        ],
        lambda: ([kind, n, result.matched.get(kind, 0)] for kind, n in result.checked.items()),
    )
    notes = SheetSpec(
        "Not compared",
        [Column("What", width=40), Column("Why", width=100)],
        lambda: _notes(result),
    )
    if split_rows is None or len(result.differences) <= split_rows:
        write_whole(path, [front, _differences(result.differences), checked, notes])
        return path
    mine: dict[str, list[Difference]] = {}
    for difference in result.differences:
        mine.setdefault(difference.customer or "", []).append(difference)
    of_none = mine.pop("", [])

    def parts() -> Iterator[Part]:
        for customer in sorted(mine):
            theirs = mine[customer]
            problems = Counter(d.problem for d in theirs)
            tally = [len(theirs), *[problems[p] for p in _PROBLEMS]]
            yield Part(customer, [_differences(theirs)], tally)

    write_parts(path, [front, _differences(of_none), checked, notes], _COUNT_COLUMNS, parts())
    return path


def _differences(differences: Sequence[Difference]) -> SheetSpec:
    return SheetSpec(
        "Differences",
        _DIFFERENCE_COLUMNS,
        lambda: (
            [
                d.customer,
                d.kind,
                d.key,
                d.problem,
                d.field,
                d.expected,
                d.actual,
                d.action,
                d.journal_state,
                d.webex_id,
                d.message,
            ]
            for d in differences
        ),
    )


def _notes(result: VerifyResult) -> Iterator[list[Any]]:
    for what, why in result.not_compared:
        yield [what, why]
    for customer in result.not_loaded:
        yield [
            f"customer {customer}",
            "not loaded yet: the journal has no action of it past pending",
        ]
