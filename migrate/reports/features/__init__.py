"""review.xlsx's sheets for location call features, one module per kind.

Each module has ``sheet(model)``; a sheet is written only when the model holds
features of its kinds, so a customer without them keeps the workbook it had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from migrate.mapping.model import Model
from migrate.reports.features import (
    auto_attendants,
    call_park,
    call_pickup,
    call_queues,
    hunt_groups,
    paging_group,
    schedules,
)
from migrate.reports.xlsx import SheetSpec

# (the CallFeature kinds the sheet shows, the sheet)
FEATURE_SHEETS: list[tuple[frozenset[str], Callable[[Model], SheetSpec]]] = [
    (frozenset({"call_park"}), call_park.sheet),
    (frozenset({"call_pickup"}), call_pickup.sheet),
    (frozenset({"paging_group"}), paging_group.sheet),
    (schedules.KINDS, schedules.sheet),
    (auto_attendants.KINDS, auto_attendants.sheet),
    (frozenset({hunt_groups.KIND}), hunt_groups.sheet),
    (frozenset({call_queues.KIND}), call_queues.sheet),
]


def feature_sheets(model: Model) -> Iterator[SheetSpec]:
    present = {feature.kind for feature in model.features.values()}
    for kinds, sheet in FEATURE_SHEETS:
        if kinds & present:
            yield sheet(model)
