"""Call park groups → Webex call parks; the group's park settings → "Not migrated".

BroadWorks parks a call on the first free member of the group, in the group's
order: Webex's ``parkOnAgentsEnabled`` with the members as agents, in order.
The recall destination (the instance's, else the group's) becomes Webex's recall
option; BroadWorks' alternate recall user is a hunt group, referenced as the
feature it became. BroadWorks has no park extensions, so none are made. Recall
and display timers are location settings in Webex (Call Park settings): listed
with their values for the engineer to set.
"""

from __future__ import annotations

from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features.members import ENTITY, limited_name, list_dropped, member_refs
from migrate.mapping.locations import ensure_location
from migrate.plan.model import CallFeature

KIND = "call_park"
MAX_NAME = 80
PARKING_USER_ONLY = "ALERT_PARKING_USER_ONLY"
# BroadWorks recallTo → Webex recall option.
RECALL: dict[str, str] = {
    "Parking User Only": PARKING_USER_ONLY,
    "Parking User Then Alternate User": "ALERT_PARKING_USER_FIRST_THEN_HUNT_GROUP",
    "Alternate User Only": "ALERT_HUNT_GROUP_ONLY",
}
# Group settings Webex keeps per location, with where the engineer sets them.
SETTINGS: dict[str, str] = {
    "recallTimerSeconds": "Call Park settings › recall time (30–600 s)",
    "alternateUserRecallTimerSeconds": "Call Park settings › hunt wait time (30–600 s)",
    "recallRingPattern": "Call Park settings › ring pattern",
    "displayTimerSeconds": "no Webex equivalent",
    "enableDestinationAnnouncement": "no Webex equivalent",
}


def feature_id(sp_id: str, group_id: str, name: str) -> str:
    return f"{KIND}:{sp_id}/{group_id}/{name}"


def _group_settings(ctx: BuildContext, sp_id: str, group_id: str) -> dict[str, Any]:
    key = f"{sp_id}/{group_id}/{KIND}"
    for feature in inv.read(ctx.workspace, "group_features"):
        if feature.id == key and feature.kind == "call_park_settings":
            return dict(feature.values)
    return {}


def _hunt_groups(ctx: BuildContext) -> set[str]:
    return {f.id for f in inv.read(ctx.workspace, "group_features") if f.kind == "hunt_group"}


def map_feature(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    if not feature.sp_id or not feature.group_id or not feature.name:
        return
    location = ensure_location(ctx, feature.sp_id, feature.group_id)
    fid = feature_id(feature.sp_id, feature.group_id, feature.name)
    group = _group_settings(ctx, feature.sp_id, feature.group_id)
    values = feature.values
    members = member_refs(ctx, fid, location, feature.members, role="agents", exclusive_kind=KIND)
    recall_to = values.get("recallTo") or group.get("recallTo") or "Parking User Only"
    alternate = values.get("recallAlternateUserId") or group.get("recallAlternateUserId")
    option = RECALL.get(str(recall_to), PARKING_USER_ONLY)
    recall: dict[str, Any] = {"option": option}
    depends: list[str] = []
    if option != PARKING_USER_ONLY:
        if alternate and alternate in _hunt_groups(ctx):
            recall["huntGroupId"] = {"$feature": f"hunt_group:{alternate}"}
            depends.append(f"hunt_group:{alternate}")
        else:
            recall = {"option": PARKING_USER_ONLY}
            ctx.issues.warning(
                "call_park_recall_not_a_hunt_group",
                entity=ENTITY,
                key=fid,
                customer_id=location.customer_id,
                message=f"calls are recalled to {alternate or 'an alternate user'} "
                "(BroadWorks) but Webex recalls only to a hunt group of the migration",
                field="recallTo",
                value=f"{recall_to} ({alternate or 'no alternate user'})",
                proposed=PARKING_USER_ONLY,
            )
    name = limited_name(ctx, fid, location, feature.name, MAX_NAME)
    ctx.model.features[fid] = CallFeature(
        id=fid,
        kind=KIND,
        customer_id=location.customer_id,
        location_id=location.id,
        name=name,
        bw_key={"sp_id": feature.sp_id, "group_id": feature.group_id, "name": feature.name},
        webex={
            "name": name,
            "recall": recall,
            "agents": members.refs,
            "parkOnAgentsEnabled": True,
        },
        members=members.kept,
        depends_on=depends,
        bw_values={**values, "group": group},
    )
    list_dropped(ctx, KIND, fid, location, feature.name, members, "call park")


def map_settings(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    """The group's recall and display timers: Webex holds them per location."""
    if not feature.sp_id or not feature.group_id:
        return
    location = ensure_location(ctx, feature.sp_id, feature.group_id)
    items = [
        f"{name} {feature.values[name]}: {where}"
        for name, where in SETTINGS.items()
        if feature.values.get(name) is not None
    ]
    if not items:
        return
    ctx.model.add_not_migrated(
        kind="call_park_settings",
        key=location.id,
        customer_id=location.customer_id,
        location_id=location.id,
        bw_key={"sp_id": feature.sp_id, "group_id": feature.group_id},
        name="Call park settings",
        items=items,
        reason="location settings, not part of any call park",
        rebuild="set them in Control Hub: Location › Calling › Call Park settings",
    )
