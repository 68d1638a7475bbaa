"""Group paging → Webex paging groups: number, extension, originators and targets.

Webex pages at most 75 targets and names a paging group in at most 30 characters;
the confirmation tone timeout and the originator's caller id prefix have no Webex
equivalent and are listed. A paging group with neither number nor extension
cannot be built (Webex needs one): it is listed with what to do.
"""

from __future__ import annotations

from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features.members import ENTITY, limited_name, member_refs
from migrate.mapping.locations import ensure_location
from migrate.plan.model import CallFeature

KIND = "paging_group"
MAX_NAME = 30
MAX_TARGETS = 75
# BroadWorks options Webex lacks, listed when set.
LACKING = ("confirmationToneTimeoutSeconds", "originatorCLIDPrefix")


def feature_id(service_user_id: str) -> str:
    return f"{KIND}:{service_user_id}"


def _is(value: Any) -> bool:
    return str(value).lower() == "true"


def _number(
    ctx: BuildContext, service_user_id: str, location_id: str, e164: Any, profile: dict[str, Any]
) -> str | None:
    """The paging group's number as the location has it; it moves to the group.

    A profile without a country code gives a national number only: it is the
    location's number that ends with those digits.
    """
    record = ctx.model.numbers.get(e164) if isinstance(e164, str) else None
    raw = "".join(c for c in str(profile.get("phoneNumber") or "") if c.isdigit())
    if record is None and len(raw) >= 6:
        record = next(
            (
                n
                for n in ctx.model.numbers.values()
                if n.location_id == location_id and n.id.endswith(raw)
            ),
            None,
        )
    if record is None or record.location_id != location_id:
        return None
    if record.assigned_to not in (None, service_user_id):
        return None  # someone else's: the group keeps its extension only
    record.assigned_to, record.assignment = service_user_id, "service_instance"
    return record.id


def map_feature(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    if not feature.sp_id or not feature.group_id:
        return
    location = ensure_location(ctx, feature.sp_id, feature.group_id)
    fid = feature_id(feature.id)
    values = feature.values
    profile = values.get("serviceInstanceProfile")
    profile = profile if isinstance(profile, dict) else {}
    bw_name = feature.name or feature.id
    number = _number(ctx, feature.id, location.id, values.get("phoneNumberE164"), profile)
    extension = profile.get("extension")
    items = [f"{name} {values[name]}" for name in LACKING if values.get(name) is not None]
    if number is None and not extension:
        ctx.model.add_not_migrated(
            kind=KIND,
            key=fid.split(":", 1)[1],
            customer_id=location.customer_id,
            location_id=location.id,
            bw_key={"service_user_id": feature.id},
            name=bw_name,
            items=[*items, f"{len(feature.members)} targets"],
            reason="no number and no extension: Webex needs one for a paging group",
            rebuild="give it an extension in BroadWorks and extract again, or create it "
            "in Control Hub with its originators and targets",
        )
        return
    targets = member_refs(ctx, fid, location, feature.members, role="targets", same_location=False)
    if len(targets.refs) > MAX_TARGETS:
        extra = targets.kept[MAX_TARGETS:]
        ctx.issues.warning(
            "paging_group_too_many_targets",
            entity=ENTITY,
            key=fid,
            customer_id=location.customer_id,
            message=f"Webex pages at most {MAX_TARGETS} targets; the last {len(extra)} are "
            "left out",
            field="targets",
            value=str(len(targets.kept)),
            proposed=str(MAX_TARGETS),
        )
        targets.dropped += [f"target {user}: beyond Webex's {MAX_TARGETS}" for user in extra]
        targets.refs, targets.kept = targets.refs[:MAX_TARGETS], targets.kept[:MAX_TARGETS]
    originators = member_refs(
        ctx,
        fid,
        location,
        [str(u) for u in values.get("originators") or []],
        role="originators",
        same_location=False,
    )
    name = limited_name(ctx, fid, location, bw_name, MAX_NAME)
    body: dict[str, Any] = {"name": name}
    if number:
        body["phoneNumber"] = number
    if extension:
        body["extension"] = extension
    body.update(
        {
            "enabled": str(values.get("isActive", "true")).lower() != "false",
            "originatorCallerIdEnabled": _is(values.get("deliverOriginatorCLIDInstead")),
            "originators": originators.refs,
            "targets": targets.refs,
        }
    )
    ctx.model.features[fid] = CallFeature(
        id=fid,
        kind=KIND,
        customer_id=location.customer_id,
        location_id=location.id,
        name=name,
        bw_key={"service_user_id": feature.id},
        webex=body,
        phone_number=number,
        extension=extension,
        members=targets.kept,
        bw_values={**values, "originators_kept": originators.kept},
    )
    items += targets.dropped + originators.dropped
    if items:
        ctx.model.add_not_migrated(
            kind=KIND,
            key=fid.split(":", 1)[1],
            customer_id=location.customer_id,
            location_id=location.id,
            bw_key={"service_user_id": feature.id},
            name=bw_name,
            items=items,
            reason="options and members Webex lacks in this paging group",
            rebuild="none needed for the options; add left-out members in Control Hub if wanted",
        )
