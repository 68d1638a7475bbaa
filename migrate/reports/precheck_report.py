"""``reports/precheck.xlsx``: Summary, Blockers, Warnings, Passed.

Above ``split_rows`` findings and passed objects it is an index of one
workbook per customer (:mod:`migrate.reports.parts`); what belongs to no
customer stays in the index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from migrate.precheck.rules import Finding
from migrate.precheck.runner import PrecheckResult
from migrate.reports.parts import (
    Part,
    key_values,
    write_parts,
    write_whole,
)
from migrate.reports.xlsx import Column, SheetSpec

_FINDING_COLUMNS = [
    Column("Customer", width=22),
    Column("Object", width=11),
    Column("BroadWorks key", width=40),
    Column("Rule or Webex code", width=24),
    Column("Found by", width=10),
    Column("Message", width=80),
    Column("Hint", width=60),
]
_PASSED_COLUMNS = [
    Column("Customer", width=22),
    Column("Object", width=11),
    Column("BroadWorks key", width=40),
]
_COUNT_COLUMNS = [Column("Blockers", width=10), Column("Warnings", width=10), Column("Passed")]


def write_precheck_report(
    result: PrecheckResult, path: Path, split_rows: int | None = None
) -> Path:
    summary = key_values(
        "Summary",
        [
            ("Blockers", len(result.blockers)),
            ("Warnings", len(result.findings) - len(result.blockers)),
            *[(f"Checked: {name}", n) for name, n in result.checked.items()],
            ("Passed (no blocker)", len(result.passed)),
            ("Webex validate calls", result.remote_calls),
            ("Webex validate calls accepted", result.remote_passed),
            ("Seconds", round(result.seconds, 2)),
            *[(f"Rule {name}", n) for name, n in result.counts.items()],
        ],
    )
    if split_rows is None or len(result.findings) + len(result.passed) <= split_rows:
        write_whole(path, [summary, *_sheets(result.findings, result.passed)])
        return path
    findings: dict[str, list[Finding]] = defaultdict(list)
    passed: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for finding in result.findings:
        findings[finding.customer or ""].append(finding)
    for item in result.passed:
        passed[item[2] or ""].append(item)
    customers = sorted((set(findings) | set(passed)) - {""})

    def parts() -> Iterator[Part]:
        for cid in customers:
            mine = findings.pop(cid, [])
            blockers = sum(f.severity == "blocker" for f in mine)
            counts = [blockers, len(mine) - blockers, len(passed.get(cid, []))]
            yield Part(cid, _sheets(mine, passed.pop(cid, [])), counts)

    write_parts(path, [summary, *_sheets(findings.get("", []), [])], _COUNT_COLUMNS, parts())
    return path


def _sheets(findings: Sequence[Finding], passed: Sequence[tuple[str, str, str]]) -> list[SheetSpec]:
    def of(severity: str) -> Iterator[list[Any]]:
        for f in findings:
            if f.severity == severity:
                yield [f.customer, f.entity, f.key, f.rule, f.source, f.message, f.hint]

    return [
        SheetSpec("Blockers", _FINDING_COLUMNS, lambda: of("blocker")),
        SheetSpec("Warnings", _FINDING_COLUMNS, lambda: of("warning")),
        SheetSpec(
            "Passed",
            _PASSED_COLUMNS,
            lambda: ([customer, entity, key] for entity, key, customer in passed),
        ),
    ]
