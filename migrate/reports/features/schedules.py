"""The review sheet "Schedules": one row per schedule event, in each location it lands in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from migrate.mapping.features.schedule import recurrence_text
from migrate.mapping.model import Model
from migrate.reports.xlsx import Column, SheetSpec

SHEET = "Schedules"
KINDS = frozenset({"schedule"})


def sheet(model: Model) -> SheetSpec:
    def rows() -> Iterator[list[Any]]:
        for feature in sorted(model.features.values(), key=lambda f: f.id):
            if feature.kind not in KINDS:
                continue
            raw = feature.bw_values.get("events")
            bw_events: dict[str, Any] = raw if isinstance(raw, dict) else {}
            common = [
                feature.id,
                feature.customer_id,
                feature.location_id,
                feature.name,
                feature.webex.get("type"),
                feature.bw_values.get("scheduleLevel"),
            ]
            events = feature.webex.get("events") or []
            if not events:
                yield [*common, None, None, None, None, None, None, None]
            for event in events:
                bw = bw_events.get(event.get("name"), {})
                yield [
                    *common,
                    event.get("name"),
                    event.get("startDate"),
                    event.get("endDate"),
                    "all day"
                    if event.get("allDayEnabled")
                    else f"{event.get('startTime')}-{event.get('endTime')}",
                    recurrence_text(bw.get("recurrence")) if isinstance(bw, dict) else None,
                    json.dumps(event.get("recurrence"), sort_keys=True)
                    if event.get("recurrence")
                    else None,
                    None if bw else "made up: not in the export",
                ]

    return SheetSpec(
        SHEET,
        [
            Column("Feature ID", width=40),
            Column("Customer ID"),
            Column("Location ID"),
            Column("Webex name", width=24),
            Column("Type"),
            Column("BroadWorks level"),
            Column("Event", width=24),
            Column("Start date"),
            Column("End date"),
            Column("Time"),
            Column("BroadWorks recurrence", width=40),
            Column("Webex recurrence", width=40),
            Column("Note", width=30),
        ],
        rows,
    )
