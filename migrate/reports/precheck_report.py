"""``reports/precheck.xlsx``: Summary, Blockers, Warnings, Passed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.precheck.runner import PrecheckResult
from migrate.reports.xlsx import Column, ReportWriter

_FINDING_COLUMNS = [
    Column("Customer", width=22),
    Column("Object", width=11),
    Column("BroadWorks key", width=40),
    Column("Rule or Webex code", width=24),
    Column("Found by", width=10),
    Column("Message", width=80),
    Column("Hint", width=60),
]


def write_precheck_report(result: PrecheckResult, path: Path) -> Path:
    with ReportWriter(path) as book:
        summary: list[tuple[str, Any]] = [
            ("Blockers", len(result.blockers)),
            ("Warnings", len(result.findings) - len(result.blockers)),
            *[(f"Checked: {name}", n) for name, n in result.checked.items()],
            ("Passed (no blocker)", len(result.passed)),
            ("Webex validate calls", result.remote_calls),
            ("Webex validate calls accepted", result.remote_passed),
            ("Seconds", round(result.seconds, 2)),
            *[(f"Rule {name}", n) for name, n in result.counts.items()],
        ]
        book.key_values("Summary", summary)
        for title, severity in (("Blockers", "blocker"), ("Warnings", "warning")):
            sheet = book.sheet(title, _FINDING_COLUMNS)
            for f in result.findings:
                if f.severity == severity:
                    sheet.append([f.customer, f.entity, f.key, f.rule, f.source, f.message, f.hint])
        passed = book.sheet(
            "Passed",
            [
                Column("Customer", width=22),
                Column("Object", width=11),
                Column("BroadWorks key", width=40),
            ],
        )
        for entity, key, customer in result.passed:
            passed.append([customer, entity, key])
    return path
