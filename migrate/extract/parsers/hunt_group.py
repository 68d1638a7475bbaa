"""Hunt groups as group features: the profile, policy, agents in order and their handling.

Every version (``GroupHuntGroupGetInstanceResponse14`` … ``20``) is read by element
name: later versions only add elements (group busy, not-reachable forwarding, CLID
settings), so one parser reads them all. The ``service_instances`` record the older
code reads is still written beside the feature.
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import Table, table, text
from migrate.extract.parsers import service_instance
from migrate.extract.parsers.base import Context, Sink, compact
from migrate.extract.parsers.user_settings import plain

ENTITY = "group_features"
UNKNOWN_SP = ""
# Echoed keys, not configuration.
KEYS = frozenset({"serviceUserId", "serviceProviderId", "groupId", "GroupId"})


def agent_ids(agents: Table) -> list[str]:
    """The agents' user ids in BroadWorks order (the hunt order)."""
    return [uid for uid in (text(row.get("User Id")) for row in agents) if uid]


def feature_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in data.items() if k not in KEYS and v is not None}


def record_feature(
    data: dict[str, Any], ctx: Context, out: Sink, kind: str, part: str, members: list[str]
) -> None:
    service_user_id = ctx.key(data, "serviceUserId")
    profile = data.get("serviceInstanceProfile")
    name = text(profile.get("name")) if isinstance(profile, dict) else None
    out.record(
        ENTITY,
        service_user_id,
        part,
        compact(
            {
                "id": service_user_id,
                "kind": kind,
                # Before R22 the answer does not name its group, nor does the request:
                # map takes it from the instance list or the DN list then.
                "sp_id": ctx.optional_key(data, "serviceProviderId") or UNKNOWN_SP,
                "group_id": ctx.optional_key(data, "groupId", "GroupId"),
                "name": name,
                "values": feature_values(data),
                "members": members,
                "commands": [ctx.ctype.name],
            }
        ),
    )


def hunt_group(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    service_instance.hunt_group(data, ctx, out)
    members = agent_ids(table(data, "User Id"))
    record_feature(data, ctx, out, "hunt_group", "detail", members)
