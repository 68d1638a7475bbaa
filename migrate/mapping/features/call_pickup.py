"""Call pickup groups → Webex call pickups of the group's location, members as agents.

BroadWorks pickup groups have no notification settings: Webex's default (none)
is what they did.
"""

from __future__ import annotations

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features.members import limited_name, list_dropped, member_refs
from migrate.mapping.locations import ensure_location
from migrate.plan.model import CallFeature

KIND = "call_pickup"
MAX_NAME = 80


def feature_id(sp_id: str, group_id: str, name: str) -> str:
    return f"{KIND}:{sp_id}/{group_id}/{name}"


def map_feature(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    if not feature.sp_id or not feature.group_id or not feature.name:
        return
    location = ensure_location(ctx, feature.sp_id, feature.group_id)
    fid = feature_id(feature.sp_id, feature.group_id, feature.name)
    members = member_refs(ctx, fid, location, feature.members, role="agents", exclusive_kind=KIND)
    name = limited_name(ctx, fid, location, feature.name, MAX_NAME)
    ctx.model.features[fid] = CallFeature(
        id=fid,
        kind=KIND,
        customer_id=location.customer_id,
        location_id=location.id,
        name=name,
        bw_key={"sp_id": feature.sp_id, "group_id": feature.group_id, "name": feature.name},
        webex={"name": name, "agents": members.refs},
        members=members.kept,
        bw_values=dict(feature.values),
    )
    list_dropped(ctx, KIND, fid, location, feature.name, members, "call pickup")
