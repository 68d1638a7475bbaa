"""review.xlsx "Paging": each paging group, its number, originators and targets."""

from __future__ import annotations

from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.features.call_group_rows import member_sheet
from migrate.reports.xlsx import Column, SheetSpec


def _settings(feature: CallFeature) -> list[Any]:
    return [
        feature.phone_number,
        feature.extension,
        feature.webex.get("originatorCallerIdEnabled"),
        feature.bw_values.get("confirmationToneTimeoutSeconds"),
    ]


def sheet(model: Model) -> SheetSpec:
    columns = [
        Column("Number", width=16),
        Column("Extension", width=10),
        Column("Originator caller id", width=10),
        Column("Confirmation tone (s)", width=10, note="no Webex equivalent"),
    ]
    return member_sheet(model, "paging_group", "Paging", columns, _settings)
