"""Members of call park, call pickup and paging groups: BroadWorks user ids → references.

A member becomes ``{"$subscriber": id}`` or, for a place, ``{"$workspace": id}``.
Webex takes as a member only someone it has: a user the migration does not move,
or one in another location when the feature needs its own location's people, is
dropped with an issue and listed in "Not migrated". A person may be in at most one
call park group and one call pickup group of a location (Webex refuses a second):
the later group (by name) loses the member, with an issue naming the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate.mapping.context import BuildContext
from migrate.mapping.rules import is_workspace
from migrate.plan.model import Location

ENTITY = "call_feature"


@dataclass
class Members:
    refs: list[dict[str, Any]] = field(default_factory=list)  # in BroadWorks order
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "user: why", for "Not migrated"


def member_refs(
    ctx: BuildContext,
    feature_id: str,
    location: Location,
    user_ids: list[str],
    *,
    role: str = "members",
    same_location: bool = True,
    exclusive_kind: str | None = None,
) -> Members:
    """References for ``user_ids``; ``exclusive_kind``: one group of that kind per person."""
    out = Members()
    for user_id in dict.fromkeys(user_ids):  # BroadWorks lists a user once; stay safe
        sub = ctx.model.subscribers.get(user_id)
        why, code, proposed = None, "", None
        if sub is None or sub.skipped:
            why, code = "is not migrated", "call_feature_member_not_migrated"
        elif same_location and sub.location_id != location.id:
            why = f"is in location {sub.location_id}, not {location.id}"
            code = "call_feature_member_other_location"
        elif exclusive_kind is not None:
            first = next(
                (
                    f
                    for f in ctx.model.features.values()
                    if f.kind == exclusive_kind
                    and f.location_id == location.id
                    and user_id in f.members
                ),
                None,
            )
            if first is not None:
                label = exclusive_kind.replace("_", " ")
                why = f"is already in {label} group {first.name!r} of this location"
                code = f"{exclusive_kind}_member_in_two_groups"
                proposed = f"keep {user_id} in {first.name!r} only"
        if why is not None:
            ctx.issues.warning(
                code,
                entity=ENTITY,
                key=feature_id,
                customer_id=location.customer_id,
                message=f"{user_id} {why}: Webex cannot take it among the {role} of "
                f"{feature_id}; it is left out",
                field=role,
                value=user_id,
                proposed=proposed or f"leave {user_id} out of {feature_id}",
            )
            out.dropped.append(f"{role[:-1] if role.endswith('s') else role} {user_id}: {why}")
            continue
        assert sub is not None
        out.kept.append(user_id)
        out.refs.append({"$workspace": user_id} if is_workspace(sub) else {"$subscriber": user_id})
    return out


def limited_name(
    ctx: BuildContext, feature_id: str, location: Location, name: str, limit: int
) -> str:
    """Webex's longest name for the feature; a longer BroadWorks name is cut, with an issue."""
    if len(name) <= limit:
        return name
    cut = name[:limit].rstrip()
    ctx.issues.warning(
        "call_feature_name_too_long",
        entity=ENTITY,
        key=feature_id,
        customer_id=location.customer_id,
        message=f"Webex takes at most {limit} characters for this name",
        field="name",
        value=name,
        proposed=cut,
    )
    return cut


def list_dropped(
    ctx: BuildContext,
    kind: str,
    feature_id: str,
    location: Location,
    name: str,
    members: Members,
    what: str,
) -> None:
    """The members a call park or pickup left out, on "Not migrated" with why."""
    if not members.dropped:
        return
    ctx.model.add_not_migrated(
        kind=kind,
        key=feature_id.split(":", 1)[1],
        customer_id=location.customer_id,
        location_id=location.id,
        bw_key={"name": name},
        name=name,
        items=members.dropped,
        reason=f"members Webex cannot take in this {what}",
        rebuild=f"add them to a {what} of their own location in Control Hub, if wanted",
    )
