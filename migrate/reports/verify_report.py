"""``reports/verify.xlsx``: Summary, Differences (missing first), Checked, Not compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.load.verify import VerifyResult
from migrate.reports.xlsx import Column, ReportWriter


def write_verify_report(
    result: VerifyResult, path: Path, summary: list[tuple[str, Any]] | None = None
) -> Path:
    counts = result.counts()
    with ReportWriter(path) as book:
        book.key_values(
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
        sheet = book.sheet(
            "Differences",
            [
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
            ],
        )
        for d in result.differences:
            sheet.append(
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
            )
        checked = book.sheet(
            "Checked",
            [
                Column("Object", width=14),
                Column("Compared", width=10),
                Column("Identical", width=10),
            ],
        )
        for kind, n in result.checked.items():
            checked.append([kind, n, result.matched.get(kind, 0)])
        notes = book.sheet("Not compared", [Column("What", width=40), Column("Why", width=100)])
        for what, why in result.not_compared:
            notes.append([what, why])
        for customer in result.not_loaded:
            notes.append(
                [
                    f"customer {customer}",
                    "not loaded yet: the journal has no action of it past pending",
                ]
            )
    return path
