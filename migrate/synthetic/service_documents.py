"""Group services (hunt groups, call centers, auto attendants), unknown commands, errors."""

from __future__ import annotations

import random

from migrate.synthetic import data as d
from migrate.synthetic.plans import Instance, ServiceProvider, User
from migrate.synthetic.writer import ProviderWriter
from migrate.synthetic.xml import error, esc, req, resp, table

AGENT_HEADS = (
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Weight",
    "Phone Number",
    "Extension",
    "Department",
    "Email Address",
)


def write_service_documents(
    out: ProviderWriter,
    sp: ServiceProvider,
    group_id: str,
    rel: str,
    rng: random.Random,
    country: d.Country,
    zone: str,
    zone_display: str,
    users: list[User],
    instances: list[Instance],
    failure: str,
) -> None:
    pairs: list[tuple[str, str]] = []
    language = users[0].language
    for inst in instances:
        label = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}[inst.kind]
        name = esc(inst.name)
        profile = (
            f"<serviceInstanceProfile><name>{name}</name>"
            f"<callingLineIdLastName>{name}</callingLineIdLastName>"
            f"<callingLineIdFirstName>{label}</callingLineIdFirstName>"
            f"<phoneNumber>{inst.phone}</phoneNumber><extension>{inst.extension}</extension>"
            f"<countryCode>{country.calling_code}</countryCode><language>{language}</language>"
            f"<timeZone>{zone}</timeZone><timeZoneDisplayName>{zone_display}"
            "</timeZoneDisplayName></serviceInstanceProfile>"
        )
        key = f"<serviceUserId>{inst.service_user_id}</serviceUserId>"
        if inst.kind == "hg":
            version = sp.release.hunt_group
            rows = [
                (
                    a.user_id,
                    a.last,
                    a.first,
                    a.last,
                    a.first,
                    "0",
                    f"+{country.calling_code}-{a.phone}" if a.phone else "",
                    a.extension,
                    "",
                    a.email or "",
                )
                for a in inst.agents
            ]
            body = (
                f"{profile}<policy>{rng.choice(('Circular', 'Regular', 'Simultaneous'))}"
                "</policy><huntAfterNoAnswer>true</huntAfterNoAnswer>"
                "<noAnswerNumberOfRings>5</noAnswerNumberOfRings>"
                "<forwardAfterTimeout>false</forwardAfterTimeout>"
                "<forwardTimeoutSeconds>0</forwardTimeoutSeconds>"
                + table("agentUserTable", AGENT_HEADS, rows)
                + "<allowCallWaitingForAgents>false</allowCallWaitingForAgents>"
            )
            pairs.append(
                (
                    req(f"GroupHuntGroupGetInstanceRequest{version}", key),
                    resp(f"GroupHuntGroupGetInstanceResponse{version}", body),
                )
            )
        elif inst.kind == "cc":
            version = sp.release.call_center
            body = (
                f"{profile}<type>Premium</type><policy>Longest Idle</policy>"
                "<enableVideo>false</enableVideo><queueLength>25</queueLength>"
                "<allowCallerToDialEscapeDigit>true</allowCallerToDialEscapeDigit>"
                "<escapeDigit>0</escapeDigit>"
            )
            pairs.append(
                (
                    req(f"GroupCallCenterGetInstanceRequest{version}", key),
                    resp(f"GroupCallCenterGetInstanceResponse{version}", body),
                )
            )
            # From R16 a call center's agents are a request of their own.
            rows = [
                (a.user_id, a.last, a.first, a.last, a.first, "0", "", a.extension, "", "")
                for a in inst.agents
            ]
            pairs.append(
                (
                    req("GroupCallCenterGetAgentListRequest", key),
                    resp(
                        "GroupCallCenterGetAgentListResponse",
                        table("agentTable", AGENT_HEADS, rows),
                    ),
                )
            )
        else:
            version = sp.release.auto_attendant
            timeout = (
                "<firstDigitTimeoutSeconds>10</firstDigitTimeoutSeconds>" if version == "24" else ""
            )
            body = (
                f"{profile}<type>Standard</type>{timeout}<enableVideo>false</enableVideo>"
                "<extensionDialingScope>Group</extensionDialingScope>"
                "<nameDialingScope>Group</nameDialingScope>"
                "<nameDialingEntries>LastName + FirstName</nameDialingEntries>"
                "<businessHoursMenu><announcementSelection>Default</announcementSelection>"
                "<enableFirstMenuLevelExtensionDialing>true"
                "</enableFirstMenuLevelExtensionDialing><keyConfiguration><key>0</key>"
                "<entry><action>Transfer To Operator</action>"
                f"<phoneNumber>{users[0].extension}</phoneNumber></entry>"
                "</keyConfiguration></businessHoursMenu>"
            )
            pairs.append(
                (
                    req(f"GroupAutoAttendantGetInstanceRequest{version}", key),
                    resp(f"GroupAutoAttendantGetInstanceResponse{version}", body),
                )
            )
    if rng.random() < 0.08:
        # A command the extractor does not know: counted, never fatal.
        u = users[0]
        pairs.append(
            (
                req("UserCommPilotExpressGetRequest", f"<userId>{u.user_id}</userId>"),
                resp(
                    "UserCommPilotExpressGetResponse",
                    "<profileSetting>Available In Office</profileSetting>",
                ),
            )
        )
        out.counts["unknown_commands"] += 1
        out.counts["warnings"] += 1  # and names its user
        # The same user's phone behaviour: forwarding, do not disturb, call waiting.
        for command, body in (
            (
                "UserCallForwardingAlwaysGet",
                "<isActive>true</isActive><forwardToPhoneNumber>2125550199</forwardToPhoneNumber>"
                "<isRingSplashActive>false</isRingSplashActive>",
            ),
            ("UserDoNotDisturbGet", "<isActive>false</isActive><ringSplash>true</ringSplash>"),
            ("UserCallWaitingGet", "<isActive>true</isActive>"),
        ):
            version = "17sp4" if command == "UserCallWaitingGet" else ""
            pairs.append(
                (
                    req(f"{command}Request{version}", f"<userId>{u.user_id}</userId>"),
                    resp(f"{command}Response{version}", body),
                )
            )
            out.counts["user_settings"] += 1
    if failure:
        # A user removed between the list and the get: the server answers with an error.
        out.user_seq += 1
        ghost = f"former.employee{out.user_seq}@{sp.domain}"
        summary = f"[Error 4008] User not found: {ghost}"
        code = 4008 if failure == "code" else None
        pairs.append((req("UserGetRequest22V5", f"<userId>{ghost}</userId>"), error(summary, code)))
        out.counts["warnings"] += 1
    if pairs:
        out.writer.write(f"{rel}/services.xml", sp.encoding, pairs)
