"""Group services → the Webex Calling features of the location the group became.

One module per BroadWorks service kind, each with ``map_feature(ctx, feature)``; a
new kind is one module and one line in ``MAPPERS``. A kind without a mapper stays
with ``mapping.services``: listed in "Not migrated" to rebuild by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features import (
    auto_attendant,
    call_park,
    call_pickup,
    call_queue,
    hunt_group,
    paging_group,
    schedule,
)

FeatureMapper = Callable[[BuildContext, inv.GroupFeature], None]

# BroadWorks kind (inventory ``group_features.kind``) → its mapper.
MAPPERS: dict[str, FeatureMapper] = {
    "call_park": call_park.map_feature,
    "call_park_settings": call_park.map_settings,
    "call_pickup": call_pickup.map_feature,
    "paging_group": paging_group.map_feature,
    "schedule": schedule.map_schedule,
    "auto_attendant": auto_attendant.map_auto_attendant,
    "hunt_group": hunt_group.map_hunt_group,
    "call_center": call_queue.map_call_queue,
}


def map_group_features(ctx: BuildContext) -> set[str]:
    """Map every group feature whose kind has a mapper; the BroadWorks ids it mapped.

    Schedules go first: the features that use them look them up by name.
    """
    mapped: set[str] = set()
    features = sorted(
        inv.read(ctx.workspace, "group_features"), key=lambda f: (f.kind != "schedule", f.id)
    )
    for feature in features:
        mapper = MAPPERS.get(feature.kind)
        if mapper is not None:
            mapper(ctx, feature)
            mapped.add(feature.id)
    return mapped
