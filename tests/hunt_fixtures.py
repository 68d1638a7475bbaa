"""OCI-P hunt group and call center responses, one per command version (R14–R25), with
the agent list, overflow, bounced-call and per-agent responses of call centers, and
the acme export with them added (one file the sample does not have).

Agents are acme's users and its lobby phone (a place); every policy is used.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.ocip import command, el, table, write_pair

SP, GROUP = "acme-ent", "acme-hq"
ALICE, CAROL, DAVE = (
    "alice.johnson@acme-corp.com",
    "carol.nguyen@acme-corp.com",
    "dave.okafor@acme-corp.com",
)
BOB, LOBBY = "bob.martinez@acme-corp.com", "lobby.phone@acme-corp.com"
SHORT_HEADS = [
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Weight",
]
LONG_HEADS = [*SHORT_HEADS, "Phone Number", "Extension", "Department", "Email Address"]
POLICIES = ["Circular", "Regular", "Simultaneous", "Uniform", "Weighted"]


@dataclass
class Case:
    """One response as sent, its request, the values the inventory must hold, members."""

    response: str
    request: str
    service_user_id: str
    body: str
    values: dict[str, object]
    members: list[str] = field(default_factory=list)
    user: str | None = None  # the agent a user-level response is about


def profile(name: str, extension: str, number: str | None = None) -> str:
    inner = (
        el("name", name)
        + el("callingLineIdLastName", name)
        + el("callingLineIdFirstName", "Group")
        + (el("phoneNumber", number) + el("countryCode", "1") if number else "")
        + el("extension", extension)
    )
    return f"<serviceInstanceProfile>{inner}</serviceInstanceProfile>"


def agent_table(name: str, agents: list[tuple[str, str]], long: bool) -> str:
    heads = LONG_HEADS if long else SHORT_HEADS
    rows = [
        [uid, "Last", "First", "Last", "First", weight, *([None] * (len(heads) - 6))]
        for uid, weight in agents
    ]
    return table(name, heads, rows)


HG_VERSIONS = ["14", "17", "17sp1V1", "17sp3", "17sp4", "19", "19sp1", "20"]
HG_AGENTS = [(ALICE, "50"), (CAROL, "30"), (LOBBY, "20")]


def hunt_group_case(index: int, version: str) -> Case:
    uid = f"hg{version.lower()}@acme-corp.com"
    policy = POLICIES[index % len(POLICIES)]
    number = "2125550150" if version == "20" else None
    long = version == "20"
    body = (
        profile(f"HG {version}", str(4300 + index), number)
        + el("policy", policy)
        + el("huntAfterNoAnswer", "true")
        + el("noAnswerNumberOfRings", "3")
        + el("forwardAfterTimeout", "true")
        + el("forwardTimeoutSeconds", "30")
        + el("forwardToPhoneNumber", "4101")
        + agent_table("agentUserTable", HG_AGENTS, long)
        + el("allowCallWaitingForAgents", "true")
    )
    values: dict[str, object] = {"policy": policy, "forwardTimeoutSeconds": "30"}
    if version == "17sp1V1":
        body += el("allowMembersToControlGroupBusy", "true") + el("enableGroupBusy", "false")
        values["allowMembersToControlGroupBusy"] = "true"
    if version in ("17sp3", "17sp4", "19", "19sp1", "20"):
        body += el("useSystemHuntGroupCLIDSetting", "false") + el(
            "includeHuntGroupNameInCLID", "true"
        )
        values["includeHuntGroupNameInCLID"] = "true"
    if version in ("17sp4", "19", "19sp1", "20"):
        body += (
            el("enableNotReachableForwarding", "true")
            + el("notReachableForwardToPhoneNumber", "+12125550199")
            + el("makeBusyWhenNotReachable", "false")
        )
        values["notReachableForwardToPhoneNumber"] = "+12125550199"
    if version in ("19", "19sp1", "20"):
        body += el("allowMembersToControlGroupBusy", "false") + el("enableGroupBusy", "false")
    if version == "20":
        body += el("applyGroupBusyWhenTerminatingToAgent", "false")
    if version in ("19sp1", "20"):
        body += el("networkClassOfService", "Standard")
        values["networkClassOfService"] = "Standard"
    return Case(
        f"GroupHuntGroupGetInstanceResponse{version}",
        f"GroupHuntGroupGetInstanceRequest{version}",
        uid,
        body,
        values,
        [a for a, _w in HG_AGENTS],
    )


CC_VERSIONS = ["14", "14sp3", "14sp9", "16", "17", "17sp1", "17sp3", "19", "19sp1", "22"]
CC_AGENTS = [(CAROL, "60"), (DAVE, "40"), (BOB, "0")]  # bob: webex_voice, no queue seat
TYPES = ["Basic", "Standard", "Premium"]


def call_center_case(index: int, version: str) -> Case:
    uid = f"cc{version.lower()}@acme-corp.com"
    policy = POLICIES[index % len(POLICIES)]
    number = "2125550151" if version == "22" else None
    body = profile(f"CC {version}", str(4400 + index), number)
    values: dict[str, object] = {"policy": policy}
    old = version.startswith("14")
    if not old:
        body += el("type", TYPES[index % 3])
        values["type"] = TYPES[index % 3]
    if version in ("19", "19sp1", "22"):
        routing = "Skill Based" if version == "19sp1" else "Priority Based"
        body += el("routingType", routing)
        values["routingType"] = routing
    body += el("policy", policy)
    if old:
        body += (
            el("huntAfterNoAnswer", "true")
            + el("noAnswerNumberOfRings", "4")
            + el("forwardAfterTimeout", "true")
            + el("forwardTimeoutSeconds", "120")
            + el("forwardToPhoneNumber", "4101")
        )
    body += el("enableVideo", "false") + el("queueLength", str(10 + index))
    values["queueLength"] = str(10 + index)
    if old:
        body += (
            el("allowAgentLogoff", "true")
            + el("playMusicOnHold", "true")
            + el("playComfortMessage", "false")
            + el("timeBetweenComfortMessagesSeconds", "10")
            + el("enableGuardTimer", "false")
            + el("guardTimerSeconds", "5")
            + agent_table("agentUserTable", CC_AGENTS, False)
            + el("allowCallWaitingForAgents", "false")
        )
        if version != "14":
            body += el("allowCallsToAgentsInWrapUp", "true") + el(
                "enableCallQueueWhenNoAgentsAvailable", "true"
            )
            values["enableCallQueueWhenNoAgentsAvailable"] = "true"
    else:
        if version in ("17sp1", "17sp3", "19", "19sp1", "22"):
            body += el("enableReporting", "false")
        body += (
            el("allowCallerToDialEscapeDigit", "false")
            + el("escapeDigit", "0")
            + el("resetCallStatisticsUponEntryInQueue", "true")
            + el("allowAgentLogoff", "true")
            + el("allowCallWaitingForAgents", "true")
            + el("allowCallsToAgentsInWrapUp", "false")
            + el("overrideAgentWrapUpTime", "true")
            + el("wrapUpSeconds", "45")
            + el("forceDeliveryOfCalls", "false")
        )
        values["wrapUpSeconds"] = "45"
        if version != "16":
            body += el("enableAutomaticStateChangeForAgents", "false") + el(
                "agentStateAfterCall", "Available"
            )
        body += el("playRingingWhenOfferingCall", "true")
        if version in ("19", "19sp1", "22"):
            body += el("callCenterQueueThresholdsIsActive", "false")
        if version in ("19sp1", "22"):
            body += el("networkClassOfService", "Gold")
            values["networkClassOfService"] = "Gold"
    return Case(
        f"GroupCallCenterGetInstanceResponse{version}",
        f"GroupCallCenterGetInstanceRequest{version}",
        uid,
        body,
        values,
        [a for a, _w in CC_AGENTS] if old else [],
    )


def agent_list_case(cc: str) -> Case:
    rows = [
        [uid, "Last", "First", "Last", "First", w, None, None, None, None, str(3 + i)]
        for i, (uid, w) in enumerate(CC_AGENTS)
    ]
    body = table("agentTable", [*LONG_HEADS, "Skill Level"], rows)
    return Case(
        "GroupCallCenterGetAgentListResponse",
        "GroupCallCenterGetAgentListRequest",
        cc,
        body,
        {
            "agentTable": [
                {"User Id": CAROL, "Weight": "60", "Skill Level": "3"},
                {"User Id": DAVE},
                {"User Id": BOB},
            ]
        },
        [CAROL, DAVE, BOB],
    )


def overflow_case(version: str, cc: str) -> Case:
    body = (
        el("action", "Transfer")
        + el("transferPhoneNumber", "4101")
        + el("overflowAfterTimeout", "true")
        + el("timeoutSeconds", "90")
        + el("playAnnouncementBeforeOverflowProcessing", "true")
        + el("audioMessageSelection", "File" if version == "20" else "Default")
    )
    if version == "20":
        body += "<audioUrlList>" + el("url1", "http://ann.example/overflow.wav") + "</audioUrlList>"
    return Case(
        f"GroupCallCenterOverflowGetResponse{version}",
        f"GroupCallCenterOverflowGetRequest{version}",
        cc,
        body,
        {"overflow": {"action": "Transfer", "timeoutSeconds": "90"}},
    )


def bounced_case(version: str, cc: str) -> Case:
    body = (
        el("isActive", "true")
        + el("numberOfRingsBeforeBouncingCall", "4")
        + el("enableTransfer", "false")
        + el("bounceCallWhenAgentUnavailable", "true")
    )
    if version == "17":
        body += (
            el("alertCallCenterCallOnHold", "true")
            + el("alertCallCenterCallOnHoldSeconds", "30")
            + el("bounceCallCenterCallOnHold", "false")
            + el("bounceCallCenterCallOnHoldSeconds", "60")
        )
    return Case(
        f"GroupCallCenterBouncedCallGetResponse{version}",
        f"GroupCallCenterBouncedCallGetRequest{version}",
        cc,
        body,
        {"bouncedCall": {"isActive": "true", "numberOfRingsBeforeBouncingCall": "4"}},
    )


USER_CC_VERSIONS = ["", "16", "17", "17sp4", "19", "23"]


def user_call_center_case(version: str, user: str, cc: str, available: str) -> Case:
    rows = [[cc, None, None, available, "true", "Premium", "1", None, None]]
    heads = [
        "Service User Id",
        "Phone Number",
        "Extension",
        "Available",
        "Logoff Allowed",
        "Type",
        "Priority",
        "Routing Policy",
        "Skill Level",
    ]
    body = el("agentACDState", "Available") + table("callCenterTable", heads, rows)
    return Case(
        f"UserCallCenterGetResponse{version}",
        f"UserCallCenterGetRequest{version}",
        cc,
        body,
        {"agentJoined": {user: available}},
        user=user,
    )


def instance_lists(hgs: list[Case], ccs: list[Case]) -> tuple[list[str], list[str]]:
    """The group's instance lists: they say which group each instance is in."""
    keys = el("serviceProviderId", SP) + el("groupId", GROUP)
    requests = [
        command("GroupHuntGroupGetInstanceListRequest", keys),
        command("GroupCallCenterGetInstanceListRequest", keys),
    ]
    heads = [
        "Service User Id",
        "Name",
        "Phone Number",
        "Extension",
        "Department",
        "Is Active",
        "Policy",
    ]
    responses = [
        command(
            "GroupHuntGroupGetInstanceListResponse",
            table(
                "huntGroupTable",
                heads,
                [[c.service_user_id, None, None, None, None, "true", None] for c in hgs],
            ),
        ),
        command(
            "GroupCallCenterGetInstanceListResponse",
            table(
                "callCenterTable",
                heads,
                [[c.service_user_id, None, None, None, None, "true", None] for c in ccs],
            ),
        ),
    ]
    return requests, responses


def all_cases() -> tuple[list[Case], list[Case], list[Case]]:
    """(hunt groups, call centers, their supplementary responses)."""
    hgs = [hunt_group_case(i, v) for i, v in enumerate(HG_VERSIONS)]
    ccs = [call_center_case(i, v) for i, v in enumerate(CC_VERSIONS)]
    newer = [c.service_user_id for c in ccs if not c.response.endswith(("14", "14sp3", "14sp9"))]
    extra = [agent_list_case(cc) for cc in newer]
    extra += [overflow_case(v, newer[i]) for i, v in enumerate(["", "17", "20"])]
    extra += [bounced_case(v, newer[i]) for i, v in enumerate(["", "17"])]
    extra += [
        user_call_center_case(v, (CAROL, DAVE)[i % 2], newer[-1 - i % 3], ("true", "false")[i % 2])
        for i, v in enumerate(USER_CC_VERSIONS)
    ]
    return hgs, ccs, extra


def request_of(case: Case) -> str:
    if case.user is not None:
        return command(case.request, el("userId", case.user))
    return command(case.request, el("serviceUserId", case.service_user_id))


def write_cases(folder: Path, name: str, cases: list[Case], lists: bool = True) -> None:
    hgs = [c for c in cases if c.response.startswith("GroupHuntGroupGetInstanceResponse")]
    ccs = [c for c in cases if c.response.startswith("GroupCallCenterGetInstanceResponse")]
    requests = [request_of(c) for c in cases]
    responses = [command(c.response, c.body) for c in cases]
    if lists:
        more_requests, more_responses = instance_lists(hgs, ccs)
        requests, responses = more_requests + requests, more_responses + responses
    # OCI-P documents carry 1-15 commands.
    for start in range(0, len(requests), 15):
        write_pair(
            folder,
            f"{name}-{start // 15}",
            requests[start : start + 15],
            responses[start : start + 15],
        )


def acme_with_flows(target: Path, samples: Path) -> Path:
    """The acme sample with hunt groups and call centers of every version in HQ."""
    shutil.copytree(samples / "acme-enterprise", target)
    hgs, ccs, extra = all_cases()
    write_cases(target / "hq", "hq-flows", [*hgs, *ccs, *extra])
    return target
