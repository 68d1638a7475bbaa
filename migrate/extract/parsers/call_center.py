"""Call centers as group features: the instance, its agents, overflow and bounced calls.

Up to R14sp9 the instance response carries the agents and no-answer handling itself;
from R16 the agents come with ``GroupCallCenterGetAgentListResponse``, overflow with
``GroupCallCenterOverflowGetResponse`` (…17, 20) and bounce with
``GroupCallCenterBouncedCallGetResponse`` (…17). Whether an agent has joined a queue is
the agent's own setting: the "Available" column of ``UserCallCenterGetResponse``
(…16, 17, 17sp4, 19, 23), one row per call center. Each response is a part of one
feature record, its values under their own name where element names would collide.
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import table, text
from migrate.extract.parsers import service_instance
from migrate.extract.parsers.base import Context, Sink, compact
from migrate.extract.parsers.hunt_group import (
    ENTITY,
    UNKNOWN_SP,
    agent_ids,
    feature_values,
    record_feature,
)
from migrate.extract.parsers.user_settings import plain

KIND = "call_center"
# The part a user's call-center answer adds (many users add to one call center). The
# parts other than the instance's do not know the group: they are merged first
# (extract.store KIND_ORDER) with an empty provider the instance's part replaces.
JOINED = "agent_joined"


def call_center(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    service_instance.call_center(data, ctx, out)
    members = agent_ids(table(data, "User Id"))  # only before R16
    record_feature(data, ctx, out, KIND, "detail", members)


def _part(data: dict[str, Any], ctx: Context, out: Sink, part: str, values: dict[str, Any]) -> None:
    service_user_id = ctx.key(data, "serviceUserId")
    out.record(
        ENTITY,
        service_user_id,
        part,
        compact(
            {
                "id": service_user_id,
                "kind": KIND,
                "sp_id": UNKNOWN_SP,
                "values": values,
                "commands": [ctx.ctype.name],
            }
        ),
    )


def agent_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    agents = table(data, "User Id")
    service_user_id = ctx.key(data, "serviceUserId")
    out.record(
        ENTITY,
        service_user_id,
        "agents",
        compact(
            {
                "id": service_user_id,
                "kind": KIND,
                "sp_id": UNKNOWN_SP,
                "values": {"agentTable": plain(agents)},
                "members": agent_ids(agents),
                "commands": [ctx.ctype.name],
            }
        ),
    )


def overflow(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    _part(data, ctx, out, "overflow", {"overflow": feature_values(data)})


def bounced_call(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    _part(data, ctx, out, "bounced", {"bouncedCall": feature_values(data)})


def user_call_centers(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """One agent's call centers: whether the agent is joined ("Available") to each."""
    user_id = ctx.key(data, "userId")
    for row in table(data, "Service User Id"):
        service_user_id = text(row.get("Service User Id"))
        available = text(row.get("Available"))
        if service_user_id is None or available is None:
            continue
        out.record(
            ENTITY,
            service_user_id,
            JOINED,
            {
                "id": service_user_id,
                "kind": KIND,
                "sp_id": UNKNOWN_SP,
                "values": {"agentJoined": {user_id: available}},
                "commands": [ctx.ctype.name],
            },
        )
