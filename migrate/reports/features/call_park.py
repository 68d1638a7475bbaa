"""review.xlsx "Call park": each call park group with its recall and its agents."""

from __future__ import annotations

from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.features.call_group_rows import member_sheet
from migrate.reports.xlsx import Column, SheetSpec


def _settings(feature: CallFeature) -> list[Any]:
    recall = feature.webex.get("recall") or {}
    group = feature.bw_values.get("group") or {}
    return [
        feature.bw_values.get("recallTo") or group.get("recallTo"),
        recall.get("option"),
        feature.depends_on[0].split(":", 1)[1] if feature.depends_on else None,
        group.get("recallTimerSeconds"),
    ]


def sheet(model: Model) -> SheetSpec:
    columns = [
        Column("BroadWorks recall to", width=24),
        Column("Webex recall", width=30),
        Column("Recall hunt group", width=26),
        Column("Recall timer (s)", width=10, note="a location setting in Webex: see Not migrated"),
    ]
    return member_sheet(model, "call_park", "Call park", columns, _settings)
