"""BroadWorks hunt group → Webex hunt group of the location the group became.

Policy, agents in hunt order (weights only for WEIGHTED), advance after no answer,
forward after timeout (seconds become rings), call waiting for agents, group busy
and not-reachable forwarding go into ``callPolicies``; the CLID options Webex lacks
are listed on "Not migrated" beside the hunt group that was built.
"""

from __future__ import annotations

from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features import agents as ag

KIND = "hunt_group"
REBUILD = "set these by hand on the Webex hunt group in Control Hub, if still wanted"


def map_hunt_group(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    d = ag.draft(ctx, feature, KIND)
    if d is None:
        return
    values = d.values
    rows = values.get("agentUserTable")
    rows = rows if isinstance(rows, list) else []
    agents = ag.agent_refs(d, rows, feature.members)
    policy = ag.policy(d, len(agents))
    body: dict[str, Any] = {"name": d.name}
    call = d.call_feature([user_id for user_id, _ref, _row in agents])
    ag.identity(d, body, call)
    body["callPolicies"] = _policies(d, policy)
    shares = ag.weights(d, [row for _u, _r, row in agents]) if policy == ag.WEIGHTED else []
    body["agents"] = [
        {"id": ref, **({"weight": shares[i]} if shares else {})}
        for i, (_user, ref, _row) in enumerate(agents)
    ]
    _lacking(d)
    call.webex = body
    ag.add(d, call)
    ag.listed(d, REBUILD)


def _policies(d: ag.Draft, policy: str) -> dict[str, Any]:
    values = d.values
    out: dict[str, Any] = {"policy": policy}
    waiting = ag.flag(values, "allowCallWaitingForAgents")
    if waiting is not None:
        out["waitingEnabled"] = waiting
    for element, webex in (
        ("enableGroupBusy", "groupBusyEnabled"),
        ("allowMembersToControlGroupBusy", "allowMembersToControlGroupBusyEnabled"),
    ):
        value = ag.flag(values, element)
        if value is not None:
            out[webex] = value
    no_answer: dict[str, Any] = {}
    advance = ag.flag(values, "huntAfterNoAnswer")
    if advance is not None:
        no_answer["nextAgentEnabled"] = advance
        rings = ag.rings(d, ag.number(values, "noAnswerNumberOfRings"), "noAnswerNumberOfRings")
        if advance and rings is not None:
            no_answer["nextAgentRings"] = rings
    forward = ag.flag(values, "forwardAfterTimeout")
    target = ag.destination(d, values.get("forwardToPhoneNumber"), "forwardToPhoneNumber")
    if forward and target is None:
        d.lacks("forwardAfterTimeout", "true", "no destination Webex takes: forwarding left off")
    if forward is not None:
        no_answer["forwardEnabled"] = bool(forward and target)
        if forward and target:
            no_answer["destination"] = target
            rings = ag.seconds_as_rings(
                d, ag.number(values, "forwardTimeoutSeconds"), "forwardTimeoutSeconds"
            )
            if rings is not None:
                no_answer["numberOfRings"] = rings
    if no_answer:
        out["noAnswer"] = no_answer
    reach = ag.flag(values, "enableNotReachableForwarding")
    if reach is not None:
        where = ag.destination(
            d, values.get("notReachableForwardToPhoneNumber"), "notReachableForwardToPhoneNumber"
        )
        out["businessContinuityRedirect"] = {"enabled": bool(reach and where)}
        if reach and where:
            out["businessContinuityRedirect"]["destination"] = where
    return out


def _lacking(d: ag.Draft) -> None:
    values = d.values
    own_clid = ag.flag(values, "useSystemHuntGroupCLIDSetting") is False
    if own_clid and ag.flag(values, "includeHuntGroupNameInCLID"):
        d.lacks(
            "includeHuntGroupNameInCLID",
            "true",
            "Webex cannot add the group's name to the caller id",
        )
    for element, what in (
        ("makeBusyWhenNotReachable", "Webex has no busy-when-unreachable option"),
        ("applyGroupBusyWhenTerminatingToAgent", "Webex has no such group busy option"),
    ):
        if ag.flag(values, element):
            d.lacks(element, "true", what)
    ncos = values.get("networkClassOfService")
    if ncos:
        d.lacks("networkClassOfService", ncos, "Webex has no network class of service")
