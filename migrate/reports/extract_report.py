"""``reports/extract.xlsx``: Summary, one sheet per entity, Warnings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from migrate import inventory
from migrate.reports import xlsx
from migrate.reports.xlsx import Column, ReportWriter

SHEETS = (
    ("service_providers", "Service providers"),
    ("groups", "Groups"),
    ("users", "Users"),
    ("numbers", "Numbers"),
    ("devices", "Devices"),
    ("service_packs", "Service packs"),
    ("service_instances", "Service instances"),
    ("languages", "Languages"),
    ("time_zones", "Time zones"),
)
_NESTED = {
    "address": inventory.Address,
    "contact": inventory.Contact,
    "endpoint": inventory.Endpoint,
}


def _columns(entity: str) -> list[str]:
    cls = inventory.ENTITIES[entity]
    columns: list[str] = []
    for f in fields(cls):
        nested = _NESTED.get(f.name)
        if nested is not None:
            columns.extend(f"{f.name}.{sub.name}" for sub in fields(nested))
        else:
            columns.append(f.name)
    return columns


def _cell(record: dict[str, Any], column: str) -> Any:
    if "." in column:
        outer, inner = column.split(".", 1)
        nested = record.get(outer)
        return nested.get(inner) if isinstance(nested, dict) else None
    value = record.get(column)
    if column == "lines" and isinstance(value, list):
        return "; ".join(
            f"{line.get('user_id') or '?'} ({line.get('endpoint_type') or 'line'})"
            for line in value
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _rows(workspace: Path, entity: str, columns: list[str]) -> Iterator[list[Any]]:
    # Hundreds of thousands of records: plain columns are read with one dict
    # lookup, and only lists and nested fields take the general path.
    plain = [column for column in columns if "." not in column and column != "lines"]
    special = {i: column for i, column in enumerate(columns) if column not in plain}
    for record in inventory.read_records(workspace, entity):
        get = record.get
        row = [get(column) for column in columns]
        for i, value in enumerate(row):
            if type(value) is list:
                row[i] = _cell(record, columns[i])
        for i, column in special.items():
            row[i] = _cell(record, column)
        yield row


def _fill(book: ReportWriter, title: str, columns: list[str], rows: Iterator[list[Any]]) -> None:
    """Write ``rows`` under ``title``, going on in ``title (2)``, ... when a sheet is full."""
    sheet = book.sheet(title, columns)
    part = 1
    for row in rows:
        if sheet.rows_written >= xlsx.EXCEL_MAX_ROWS - 1:  # the header takes a row
            part += 1
            sheet = book.sheet(f"{title} ({part})", columns)
        sheet.append(row)


def write_extract_report(workspace: Path, path: Path) -> Path:
    manifest = inventory.read_manifest(workspace)
    with ReportWriter(path) as book:
        summary: list[tuple[str, Any]] = [
            ("Export", manifest.get("export")),
            ("Started at (UTC)", manifest.get("started_at")),
            ("Seconds", manifest.get("seconds")),
            ("Tool", manifest.get("tool")),
            ("Documents read", manifest.get("documents")),
            ("Files ignored (not .xml)", manifest.get("ignored_files")),
        ]
        summary += [(f"Count: {entity}", n) for entity, n in manifest.get("counts", {}).items()]
        summary += [(f"Warnings: {sev}", n) for sev, n in manifest.get("warnings", {}).items()]
        book.key_values("Summary", summary)
        commands = book.sheet(
            "Command types",
            [
                Column("Command type", width=48),
                Column("Count", width=10),
                Column("Understood", width=12),
            ],
        )
        unknown = manifest.get("unknown_commands", {})
        for name, count in manifest.get("command_types", {}).items():
            commands.append([name, count, name not in unknown])
        for entity, title in SHEETS:
            columns = _columns(entity)
            _fill(book, title, columns, _rows(workspace, entity, columns))
        warn_columns = ["severity", "code", "file", "record", "field", "message", "oci_error_code"]
        _fill(book, "Warnings", warn_columns, _rows(workspace, "warnings", warn_columns))
    return path
