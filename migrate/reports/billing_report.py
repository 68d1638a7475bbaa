"""``reports/billing.xlsx``: Summary, Reconciliation (differences first), Webex CSV, Notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.load.billing import BillingResult
from migrate.reports.xlsx import Column, ReportWriter


def write_billing_report(
    result: BillingResult, path: Path, summary: list[tuple[str, Any]] | None = None
) -> Path:
    diffs = result.differences
    with ReportWriter(path) as book:
        book.key_values(
            "Summary",
            [
                *(summary or []),
                ("Billing period", f"{result.start} to {result.end}"),
                ("Report type", result.report_type),
                ("Webex report id", result.report_id),
                ("Report kept in Webex", "yes (--keep)" if result.kept else "no (deleted)"),
                (
                    "Result",
                    "reconciled: no differences" if result.ok else f"{len(diffs)} differences",
                ),
                ("Rows compared", len(result.rows)),
                ("Rows of other customers left out", result.ignored_rows),
                ("Reconciled at (UTC)", result.reconciled_at),
                (
                    "Rule",
                    "per user and day: the fraction of the day the package was held (a full "
                    "day 1, half a day 0.5), summed over the period; customers sum their "
                    "users. Expected = the journal's provisioning and rollback times.",
                ),
            ],
        )
        sheet = book.sheet(
            "Reconciliation",
            [
                Column(
                    "Status",
                    width=11,
                    note="missing: expected, not billed; unexpected: billed, "
                    "not expected; differs: quantities differ",
                ),
                Column("Level", width=9),
                Column("Customer", width=22),
                Column("Subject", width=36),
                Column("Service", width=22),
                Column("Billed by Webex", width=15),
                Column("Expected (journal)", width=17),
                Column("Difference", width=12),
                Column("Subscriber id", width=44),
                Column("Note", width=60),
            ],
        )
        for r in result.rows:
            sheet.append(
                [
                    r.status,
                    r.level,
                    r.customer,
                    r.subject,
                    r.service,
                    round(r.billed, 4),
                    round(r.expected, 4),
                    round(r.billed - r.expected, 4),
                    r.subscriber_id,
                    r.note,
                ]
            )
        if result.csv_rows:
            headers = list(result.csv_rows[0])
            raw = book.sheet("Webex CSV", headers)
            for row in result.csv_rows:
                raw.append([row.get(h, "") for h in headers])
        notes = book.sheet("Notes", [Column("Note", width=120)])
        for note in result.notes:
            notes.append([note])
    return path
