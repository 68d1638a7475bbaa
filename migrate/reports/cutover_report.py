"""``reports/cutover.xlsx`` and ``reports/cutover-devices.csv``: written before the switch.

The workbook: per customer whether it is ready (or what was forced), the
numbers cutover activates and those it leaves inactive, the phones to move
(MAC, model, owner; an activation code for a phone without a MAC), the
users and what was not migrated, and every request a ``--dry-run`` would send.

The CSV is for the BroadWorks side of the device move, one phone a row, in
this column order: ``device_name, mac, group, service_provider, model``
(``mac`` empty for a phone moved by activation code).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from migrate.load.cutover import Activation, Phone, UserLine
from migrate.load.dryrun import Recorded
from migrate.reports.xlsx import Column, ReportWriter
from migrate.workspace import staged_file

DEVICES_CSV = "cutover-devices.csv"
CSV_COLUMNS = ("device_name", "mac", "group", "service_provider", "model")


def write_devices_csv(path: Path, phones: list[Phone]) -> Path:
    with staged_file(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for p in phones:
            writer.writerow(
                [_cell(v) for v in (p.device_name, p.mac, p.group, p.service_provider, p.model)]
            )
    return path


def _cell(value: str) -> str:
    # A spreadsheet opening the CSV must not run a BroadWorks value as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_cutover_report(
    path: Path,
    summary: list[tuple[str, Any]],
    readiness: Mapping[str, list[str]],
    forced: bool,
    states: Mapping[str, str],
    numbers: list[Activation],
    phones: list[Phone],
    users: list[UserLine],
    recorded: list[Recorded] | None = None,
) -> Path:
    with ReportWriter(path) as book:
        book.key_values("Summary", summary)
        ready = book.sheet(
            "Readiness",
            [
                Column("Customer", width=30),
                Column("Ready", width=10),
                Column("Cutover state", width=20),
                Column("What stands in the way", width=100),
            ],
        )
        for customer, problems in sorted(readiness.items()):
            verdict = "yes" if not problems else "forced" if forced else "no"
            state = states.get(customer, "")
            if not problems:
                ready.append([customer, verdict, state, ""])
            for problem in problems:
                ready.append([customer, verdict, state, problem])
        sheet = book.sheet(
            "Numbers",
            [
                Column("Customer", width=30),
                Column("Location (add_numbers action)", width=40),
                Column("Number", width=18),
                Column("At cutover", width=40),
            ],
        )
        for item in numbers:
            for n in item.activate:
                sheet.append([item.customer, item.location_key, n, "activate"])
            for n in item.left_inactive:
                sheet.append([item.customer, item.location_key, n, "stays inactive (BroadWorks)"])
        moves = book.sheet(
            "Phones",
            [
                Column("Customer", width=30),
                Column("Device", width=30),
                Column("MAC", width=16),
                Column("Model", width=24),
                Column("Owner", width=30),
                Column("Owner kind", width=12),
                Column("Activation code", width=20),
                Column("Code expires", width=26),
            ],
        )
        for p in phones:
            moves.append(
                [
                    p.customer,
                    p.device_name,
                    p.mac,
                    p.model,
                    p.owner,
                    p.owner_kind,
                    p.activation_code,
                    p.code_expires,
                ]
            )
        people = book.sheet(
            "Users",
            [
                Column("Customer", width=30),
                Column("User", width=30),
                Column("Name", width=30),
                Column("Email", width=34),
                Column("What", width=16),
                Column("Result", width=16),
                Column("Detail", width=80),
            ],
        )
        for u in users:
            people.append([u.customer, u.user, u.name, u.email, u.what, u.result, u.detail])
        if recorded is not None:
            requests = book.sheet(
                "Requests",
                [
                    Column("#", width=6),
                    Column("Method", width=8),
                    Column("Path", width=60),
                    Column("Query", width=40),
                    Column("Body", width=100),
                ],
            )
            for i, r in enumerate(recorded, start=1):
                requests.append([i, r.method, r.path, r.query, json.dumps(r.body, sort_keys=True)])
    return path
