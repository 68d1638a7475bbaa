"""The review sheet "Auto attendants": one row per menu key of each attendant (the
business-hours, after-hours and holiday menus), with its target and what Webex gets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrate.mapping.model import Model
from migrate.reports.xlsx import Column, SheetSpec

SHEET = "Auto attendants"
KINDS = frozenset({"auto_attendant"})


def sheet(model: Model) -> SheetSpec:
    def rows() -> Iterator[list[Any]]:
        for feature in sorted(model.features.values(), key=lambda f: f.id):
            if feature.kind not in KINDS:
                continue
            common = [
                feature.id,
                feature.customer_id,
                feature.location_id,
                feature.name,
                feature.phone_number,
                feature.extension,
                feature.bw_values.get("type"),
                feature.webex.get("businessSchedule"),
                feature.webex.get("holidaySchedule"),
                feature.webex.get("extensionDialing"),
                feature.webex.get("nameDialing"),
                feature.bw_values.get("firstDigitTimeoutSeconds"),
            ]
            keys = feature.bw_values.get("keys") or []
            if not keys:
                yield [*common, None, None, None, None, None, None, None, None]
            for key in keys:
                yield [
                    *common,
                    key.get("menu"),
                    key.get("key"),
                    key.get("action"),
                    key.get("description"),
                    key.get("dialed"),
                    key.get("target"),
                    key.get("webex"),
                    key.get("value"),
                ]

    return SheetSpec(
        SHEET,
        [
            Column("Feature ID", width=36),
            Column("Customer ID"),
            Column("Location ID"),
            Column("Name", width=24),
            Column("Number"),
            Column("Extension"),
            Column("BroadWorks type"),
            Column("Business schedule", width=20),
            Column("Holiday schedule", width=20),
            Column("Extension dialing"),
            Column("Name dialing"),
            Column("First digit timeout (s)"),
            Column("Menu"),
            Column("Key"),
            Column("BroadWorks action", width=22),
            Column("Description", width=20),
            Column("Dials"),
            Column("Reaches", width=30),
            Column("Webex action", width=22),
            Column("Webex value"),
        ],
        rows,
    )
