"""BroadWorks call center → Webex call queue of the location the group became.

Basic and standard call centers become call queues, premium ones Customer Assist
queues (``hasCxEssentials``). Agents keep their order, whether they joined, their
weight (WEIGHTED only) and skill (skill-based routing only). An agent whose package
does not allow queue membership gets the package that does (``cx_essentials``, as
the shipped rules give call-center agents), with an issue saying so; a reviewer's
package is left as it is and the issue says what Webex will refuse. Announcements
are listed, not moved: their audio must be uploaded again.
"""

from __future__ import annotations

from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.features import agents as ag
from migrate.mapping.rules import is_workspace

KIND = "call_queue"
BW_KIND = "call_center"
REBUILD = "set these by hand on the Webex call queue in Control Hub; upload announcements again"
QUEUE_AGENT_PACKAGE = "cx_essentials"
# Subscriber packages Webex lets answer a call queue; a Customer Assist queue only cx_essentials.
QUEUE_PACKAGES = frozenset({"webex_calling", "webex_suite", QUEUE_AGENT_PACKAGE})
CX_QUEUE_PACKAGES = frozenset({QUEUE_AGENT_PACKAGE})
MAX_QUEUE = 250
ROUTING = {"priority based": "PRIORITY_BASED", "skill based": "SKILL_BASED"}
OVERFLOW = {
    "busy": "PERFORM_BUSY_TREATMENT",
    "transfer": "TRANSFER_TO_PHONE_NUMBER",
    "ringing": "PLAY_RINGING_UNTIL_CALLER_HANGS_UP",
}
# Instance elements Webex queues have no equivalent of: listed when switched on or set.
LACKING_FLAGS = {
    "enableVideo": "Webex queues are voice only",
    "enableReporting": "BroadWorks call center reporting does not move",
    "allowCallerToDialEscapeDigit": "Webex has no escape digit",
    "overrideAgentWrapUpTime": "Webex has no per-queue wrap-up time",
    "forceDeliveryOfCalls": "Webex has no forced delivery",
    "enableAutomaticStateChangeForAgents": "Webex has no agent state after a call",
    "callCenterQueueThresholdsIsActive": "Webex has no queue thresholds",
    "enableGuardTimer": "Webex has no guard timer",
    "playMusicOnHold": "announcement: upload the music on hold to Webex",
    "playComfortMessage": "announcement: upload the comfort message to Webex",
}
LACKING_VALUES = (
    "escapeDigit",
    "wrapUpSeconds",
    "agentUnavailableCode",
    "networkClassOfService",
    "reportingServerName",
    "statisticsSource",
)


def map_call_queue(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    d = ag.draft(ctx, feature, KIND)
    if d is None:
        return
    values = d.values
    rows = values.get("agentTable") or values.get("agentUserTable")
    rows = rows if isinstance(rows, list) else []
    agents = ag.agent_refs(d, rows, feature.members)
    policy = ag.policy(d, len(agents))
    premium = str(values.get("type") or "").casefold() == "premium"
    body: dict[str, Any] = {"name": d.name}
    call = d.call_feature([user_id for user_id, _ref, _row in agents])
    ag.identity(d, body, call)
    routing = ROUTING.get(str(values.get("routingType") or "").casefold(), "PRIORITY_BASED")
    body["callPolicies"] = {"policy": policy, "routingType": routing, **_bounce(d)}
    body["queueSettings"] = _queue(d)
    for element, webex in (
        ("allowCallWaitingForAgents", "allowCallWaitingForAgentsEnabled"),
        ("allowAgentLogoff", "allowAgentJoinEnabled"),
    ):
        value = ag.flag(values, element)
        if value is not None:
            body[webex] = value
    if premium:
        body["hasCxEssentials"] = True
    shares = ag.weights(d, [row for _u, _r, row in agents]) if policy == ag.WEIGHTED else []
    joined = values.get("agentJoined")
    joined = joined if isinstance(joined, dict) else {}
    body["agents"] = []
    for i, (user_id, ref, row) in enumerate(agents):
        _agent_package(d, user_id, premium)
        agent: dict[str, Any] = {"id": ref}
        if shares:
            agent["weight"] = shares[i]
        skill = ag.number(row, "Skill Level")
        if routing == "SKILL_BASED" and skill is not None:
            agent["skillLevel"] = skill
        state = joined.get(user_id)
        agent["joinEnabled"] = True if state is None else str(state).lower() == "true"
        body["agents"].append(agent)
    _lacking(d)
    call.webex = body
    ag.add(d, call)
    ag.listed(d, REBUILD)


def _agent_package(d: ag.Draft, user_id: str, premium: bool) -> None:
    sub = d.ctx.model.subscribers[user_id]
    allowed = CX_QUEUE_PACKAGES if premium else QUEUE_PACKAGES
    if sub.package in allowed:
        return
    queue = "a Customer Assist queue" if premium else "a call queue"
    if is_workspace(sub) or "package" in sub.overridden:
        d.ctx.issues.warning(
            "queue_agent_package",
            entity="subscriber",
            key=user_id,
            customer_id=sub.customer_id,
            message=f"{user_id} answers {d.name}, {queue}, but {sub.package} does not "
            f"allow queue membership: give it {QUEUE_AGENT_PACKAGE} or Webex refuses the agent",
            field="package",
            value=sub.package,
            proposed=QUEUE_AGENT_PACKAGE,
        )
        return
    d.ctx.issues.warning(
        "queue_agent_package",
        entity="subscriber",
        key=user_id,
        customer_id=sub.customer_id,
        message=f"{user_id} answers {d.name}, {queue}: {sub.package} does not allow queue "
        f"membership, proposed {QUEUE_AGENT_PACKAGE}",
        field="package",
        value=sub.package,
        proposed=QUEUE_AGENT_PACKAGE,
    )
    sub.package = QUEUE_AGENT_PACKAGE


def _bounce(d: ag.Draft) -> dict[str, Any]:
    bounced = d.values.get("bouncedCall")
    out: dict[str, Any] = {}
    if isinstance(bounced, dict):
        active = ag.flag(bounced, "isActive")
        if active is not None:
            out["callBounceEnabled"] = active
        rings = ag.rings(
            d,
            ag.number(bounced, "numberOfRingsBeforeBouncingCall"),
            "numberOfRingsBeforeBouncingCall",
        )
        if active and rings is not None:
            out["callBounceMaxRings"] = rings
        for element, webex in (
            ("bounceCallWhenAgentUnavailable", "agentUnavailableEnabled"),
            ("alertCallCenterCallOnHold", "alertAgentEnabled"),
            ("bounceCallCenterCallOnHold", "callBounceOnHoldEnabled"),
        ):
            value = ag.flag(bounced, element)
            if value is not None:
                out[webex] = value
        for element, webex in (
            ("alertCallCenterCallOnHoldSeconds", "alertAgentMaxSeconds"),
            ("bounceCallCenterCallOnHoldSeconds", "callBounceOnHoldMaxSeconds"),
        ):
            seconds = ag.number(bounced, element)
            if seconds is not None and out.get(webex.replace("MaxSeconds", "Enabled")):
                out[webex] = seconds
        if ag.flag(bounced, "enableTransfer"):
            d.lacks(
                "bouncedCall.enableTransfer",
                bounced.get("transferPhoneNumber") or "true",
                "Webex returns a bounced call to the queue, never to a number",
            )
    elif ag.flag(d.values, "huntAfterNoAnswer") is not None:  # R14: bounce on the instance
        active = bool(ag.flag(d.values, "huntAfterNoAnswer"))
        out["callBounceEnabled"] = active
        rings = ag.rings(d, ag.number(d.values, "noAnswerNumberOfRings"), "noAnswerNumberOfRings")
        if active and rings is not None:
            out["callBounceMaxRings"] = rings
    return {"callBounce": out} if out else {}


def _queue(d: ag.Draft) -> dict[str, Any]:
    values = d.values
    out: dict[str, Any] = {}
    size = ag.number(values, "queueLength")
    if size is not None:
        bounded = min(MAX_QUEUE, max(1, size))
        if bounded != size:
            d.warn(
                "queue_length",
                f"queue length {size} is outside 1-{MAX_QUEUE}",
                "queueLength",
                size,
                bounded,
            )
        out["queueSize"] = bounded
    for element, webex in (
        ("resetCallStatisticsUponEntryInQueue", "resetCallStatisticsEnabled"),
        ("playRingingWhenOfferingCall", "callOfferToneEnabled"),
    ):
        value = ag.flag(values, element)
        if value is not None:
            out[webex] = value
    out["overflow"] = _overflow(d)
    return out


def _overflow(d: ag.Draft) -> dict[str, Any]:
    overflow = d.values.get("overflow")
    if not isinstance(overflow, dict):
        # Before R16 the instance forwards after a timeout: Webex's overflow after a wait.
        if ag.flag(d.values, "forwardAfterTimeout"):
            overflow = {
                "action": "Transfer",
                "transferPhoneNumber": d.values.get("forwardToPhoneNumber"),
                "overflowAfterTimeout": "true",
                "timeoutSeconds": d.values.get("forwardTimeoutSeconds"),
            }
        else:
            return {"action": "PERFORM_BUSY_TREATMENT"}
    raw = str(overflow.get("action") or "Busy")
    action = OVERFLOW.get(raw.casefold())
    if action is None:
        d.warn(
            "overflow_action",
            f"overflow action {raw!r} is not Webex's",
            "overflow.action",
            raw,
            "PERFORM_BUSY_TREATMENT",
        )
        action = "PERFORM_BUSY_TREATMENT"
    out: dict[str, Any] = {"action": action}
    if action == "TRANSFER_TO_PHONE_NUMBER":
        target = ag.destination(
            d, overflow.get("transferPhoneNumber"), "overflow.transferPhoneNumber"
        )
        if target is None:
            d.warn(
                "overflow_without_target",
                "overflow transfers to no number Webex takes",
                "overflow.transferPhoneNumber",
                overflow.get("transferPhoneNumber"),
                "PERFORM_BUSY_TREATMENT",
            )
            out["action"] = "PERFORM_BUSY_TREATMENT"
        else:
            out["transferNumber"] = target
    after = ag.flag(overflow, "overflowAfterTimeout")
    if after is not None:
        out["overflowAfterWaitEnabled"] = after
        seconds = ag.number(overflow, "timeoutSeconds")
        if after and seconds is not None:
            out["overflowAfterWaitTime"] = seconds
    greeting = ag.flag(overflow, "playAnnouncementBeforeOverflowProcessing")
    if greeting is not None:
        out["playOverflowGreetingEnabled"] = greeting
    for element in ("audioMessageSelection", "videoMessageSelection"):
        chosen = overflow.get(element)
        if chosen and str(chosen) != "Default":
            files = overflow.get(element.replace("MessageSelection", "FileList")) or overflow.get(
                element.replace("MessageSelection", "FileDescription")
            )
            d.lacks(
                f"overflow.{element}",
                f"{chosen} {files or ''}".strip(),
                "announcement: upload it to Webex",
            )
    return out


def _lacking(d: ag.Draft) -> None:
    values = d.values
    for element, what in LACKING_FLAGS.items():
        if ag.flag(values, element):
            d.lacks(element, "true", what)
    for element in LACKING_VALUES:
        value = values.get(element)
        if value and not (
            element == "wrapUpSeconds" and not ag.flag(values, "overrideAgentWrapUpTime")
        ):
            if element == "escapeDigit" and not ag.flag(values, "allowCallerToDialEscapeDigit"):
                continue
            d.lacks(element, value, "Webex call queues have no equivalent")
    state = values.get("agentStateAfterCall")
    if state and ag.flag(values, "enableAutomaticStateChangeForAgents"):
        d.lacks("agentStateAfterCall", state, "Webex has no agent state after a call")
