"""review.xlsx "Call pickup": each call pickup group and its agents."""

from __future__ import annotations

from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.features.call_group_rows import member_sheet
from migrate.reports.xlsx import SheetSpec


def _settings(_feature: CallFeature) -> list[Any]:
    return []


def sheet(model: Model) -> SheetSpec:
    return member_sheet(model, "call_pickup", "Call pickup", [], _settings)
