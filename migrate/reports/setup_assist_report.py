"""``reports/setup-assist.xlsx``: one row per location to request Wholesale Setup Assist for.

The columns follow Table 9 of the Solution Guide (the request form), so an
engineer copies a row into the form; ``Submit by`` is the last day the request
may reach Cisco (six business days before the planned cutover).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.load.setup_assist import (
    EXPRESS_MAX_SEATS,
    LEAD_BUSINESS_DAYS,
    SetupAssistResult,
)
from migrate.reports.xlsx import Column, ReportWriter

COLUMNS = [
    Column("Customer", width=22),
    Column("Partner/Agent Org ID", width=44),
    Column("Customer Org ID", width=44),
    Column("Subscription ID", width=24),
    Column("Total Number of Locations"),
    Column("Location ID", width=44),
    Column("Location", width=26),
    Column("Seats", note="People of the org placed in this Webex Calling location."),
    Column(
        "SKU",
        width=32,
        note=f"Express: up to {EXPRESS_MAX_SEATS} seats (flat charge); Standard: more (per user).",
    ),
    Column("Planned cutover", width=14),
    Column(
        "Submit by",
        width=14,
        note=f"{LEAD_BUSINESS_DAYS} business days (Monday-Friday, less the holidays of "
        "migrate.toml) before the planned cutover.",
    ),
    Column("Late", note="yes: the last day to submit has passed."),
]


def write_setup_assist_report(
    result: SetupAssistResult, path: Path, summary: list[tuple[str, Any]] | None = None
) -> Path:
    late = sum(1 for r in result.rows if r.late)
    with ReportWriter(path) as book:
        book.key_values(
            "Summary",
            [
                *(summary or []),
                ("Today", result.today.isoformat()),
                ("Partner org id", result.partner_org_id or "(no customer wanted it)"),
                ("Customers", len({r.customer for r in result.rows})),
                ("Locations", len(result.rows)),
                ("Late requests", late),
                ("Customers not ready", len(result.not_ready)),
            ],
        )
        sheet = book.sheet("Setup Assist", COLUMNS)
        for r in result.rows:
            sheet.append(
                [
                    r.customer,
                    r.partner_org_id,
                    r.customer_org_id,
                    r.subscription_id,
                    r.total_locations,
                    r.location_id,
                    r.location_name,
                    r.seats,
                    r.sku,
                    r.cutover_date.isoformat() if r.cutover_date else "not planned",
                    r.submit_by.isoformat() if r.submit_by else "",
                    "yes" if r.late else "",
                ]
            )
        waiting = book.sheet("Not ready", [Column("Customer", width=22), Column("Why", width=60)])
        for customer, why in sorted(result.not_ready.items()):
            waiting.append([customer, why])
    return path
