"""OCI-P per-user service responses, one fixture per command version (R20–R25), and an
acme export with them added (a document the sample does not have)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ocip import command, el, table, write_pair

CRITERIA = table(
    "criteriaTable",
    ["Is Active", "Criteria Name", "Time Schedule", "Calls From", "Forward To", "Blacklisted"],
    [["true", "After hours", "Evenings", "All calls", "2125550177", "false"]],
)

# (response type as sent, its request, body, {field: value the inventory must hold})
FIXTURES: list[tuple[str, str, str, dict[str, object]]] = [
    (
        "UserCallForwardingAlwaysGetResponse",
        "UserCallForwardingAlwaysGetRequest",
        el("isActive", "true")
        + el("forwardToPhoneNumber", "2125550111")
        + el("isRingSplashActive", "true"),
        {"isActive": "true", "forwardToPhoneNumber": "2125550111", "isRingSplashActive": "true"},
    ),
    (
        "UserCallForwardingBusyGetResponse",
        "UserCallForwardingBusyGetRequest",
        el("isActive", "true") + el("forwardToPhoneNumber", "4199"),
        {"isActive": "true", "forwardToPhoneNumber": "4199"},
    ),
    (
        "UserCallForwardingNoAnswerGetResponse13mp16",
        "UserCallForwardingNoAnswerGetRequest13mp16",
        el("isActive", "true")
        + el("forwardToPhoneNumber", "+442079460000")
        # 30 rings: more than Webex's 20, so the mapper proposes 20
        + el("numberOfRings", "30"),
        {"isActive": "true", "forwardToPhoneNumber": "+442079460000", "numberOfRings": "30"},
    ),
    (
        "UserCallForwardingNotReachableGetResponse",
        "UserCallForwardingNotReachableGetRequest",
        el("isActive", "true") + el("forwardToPhoneNumber", "2125550122"),
        {"isActive": "true", "forwardToPhoneNumber": "2125550122"},
    ),
    (
        "UserCallForwardingSelectiveGetResponse16",
        "UserCallForwardingSelectiveGetRequest16",
        el("isActive", "true")
        + el("defaultForwardToPhoneNumber", "2125550177")
        + el("playRingReminder", "false")
        + CRITERIA,
        {"isActive": "true", "defaultForwardToPhoneNumber": "2125550177"},
    ),
    (
        "UserDoNotDisturbGetResponse",
        "UserDoNotDisturbGetRequest",
        el("isActive", "false") + el("ringSplash", "true"),
        {"isActive": "false", "ringSplash": "true"},
    ),
    (
        "UserCallWaitingGetResponse",
        "UserCallWaitingGetRequest",
        el("isActive", "false"),
        {"isActive": "false"},
    ),
    (
        "UserCallWaitingGetResponse17sp4",
        "UserCallWaitingGetRequest17sp4",
        el("isActive", "false") + el("disableCallingLineIdDelivery", "true"),
        {"isActive": "false", "disableCallingLineIdDelivery": "true"},
    ),
    (
        "UserVoiceMessagingUserGetVoiceManagementResponse17",
        "UserVoiceMessagingUserGetVoiceManagementRequest17",
        el("isActive", "true")
        + el("processing", "Unified Voice and Email Messaging")
        + el("usePhoneMessageWaitingIndicator", "true")
        + el("sendVoiceMessageNotifyEmail", "true")
        + el("voiceMessageNotifyEmailAddress", "notify@acme-corp.com")
        + el("sendCarbonCopyVoiceMessage", "true")
        + el("voiceMessageCarbonCopyEmailAddress", "copy@acme-corp.com")
        + el("transferOnZeroToPhoneNumber", "true")
        + el("transferPhoneNumber", "4100")
        + el("alwaysRedirectToVoiceMail", "false")
        + el("busyRedirectToVoiceMail", "true")
        + el("noAnswerRedirectToVoiceMail", "true"),
        {"processing": "Unified Voice and Email Messaging", "transferPhoneNumber": "4100"},
    ),
    (
        "UserVoiceMessagingUserGetVoiceManagementResponse23",
        "UserVoiceMessagingUserGetVoiceManagementRequest23",
        el("isActive", "true")
        + el("processing", "Deliver To Email Address Only")
        + el("voiceMessageDeliveryEmailAddress", "vm@acme-corp.com")
        + el("usePhoneMessageWaitingIndicator", "false")
        + el("sendVoiceMessageNotifyEmail", "false")
        + el("sendCarbonCopyVoiceMessage", "false")
        + el("transferOnZeroToPhoneNumber", "false")
        + el("alwaysRedirectToVoiceMail", "false")
        + el("busyRedirectToVoiceMail", "true")
        + el("noAnswerRedirectToVoiceMail", "true")
        + el("outOfPrimaryZoneRedirectToVoiceMail", "false"),
        {
            "processing": "Deliver To Email Address Only",
            "outOfPrimaryZoneRedirectToVoiceMail": "false",
        },
    ),
    (
        "UserVoiceMessagingUserGetGreetingResponse20",
        "UserVoiceMessagingUserGetGreetingRequest20",
        el("busyAnnouncementSelection", "Default")
        + el("noAnswerAnnouncementSelection", "Default")
        + el("noAnswerNumberOfRings", "4"),
        {"noAnswerNumberOfRings": "4", "busyAnnouncementSelection": "Default"},
    ),
    (
        "UserVoiceMessagingUserGetAdvancedVoiceManagementResponse14sp3",
        "UserVoiceMessagingUserGetAdvancedVoiceManagementRequest14sp3",
        el("mailServerSelection", "Group Mail Server")
        + el("groupMailServerUseGroupDefaultMailServerFullMailboxLimit", "false")
        + el("groupMailServerFullMailboxLimit", "300"),
        {"groupMailServerFullMailboxLimit": "300"},
    ),
    (
        "UserCallingLineIDDeliveryBlockingGetResponse",
        "UserCallingLineIDDeliveryBlockingGetRequest",
        el("isActive", "true"),
        {"isActive": "true"},
    ),
    (
        "UserAnonymousCallRejectionGetResponse",
        "UserAnonymousCallRejectionGetRequest",
        el("isActive", "true"),
        {"isActive": "true"},
    ),
    (
        "UserSimultaneousRingPersonalGetResponse17",
        "UserSimultaneousRingPersonalGetRequest17",
        el("isActive", "true")
        + el("doNotRingIfOnCall", "true")
        + el(
            "simultaneousRingNumber",
            phoneNumber="9175550133",
            answerConfirmationRequired="true",
        )
        + el(
            "simultaneousRingNumber",
            phoneNumber="4102",
            answerConfirmationRequired="false",
        )
        + CRITERIA,
        {"isActive": "true", "doNotRingIfOnCall": "true"},
    ),
    (
        "UserBroadWorksAnywhereGetResponse16sp2",
        "UserBroadWorksAnywhereGetRequest16sp2",
        el("alertAllLocationsForClickToDialCalls", "false")
        + el("alertAllLocationsForGroupPagingCalls", "false")
        + table(
            "phoneNumberTable",
            ["Phone Number", "Description", "Activated"],
            [["9175550144", "Mobile", "true"]],
        ),
        {"alertAllLocationsForClickToDialCalls": "false"},
    ),
    (
        "UserBroadWorksAnywhereGetPhoneNumberResponse",
        "UserBroadWorksAnywhereGetPhoneNumberRequest",
        el("description", "Mobile")
        + el("isActive", "true")
        + el("outboundAlternateNumber", "2125550100")
        + el("broadworksCallControl", "false")
        + el("useDiversionInhibitor", "false")
        + el("answerConfirmationRequired", "false"),
        {"locations": {"9175550144": {"isActive": "true", "description": "Mobile"}}},
    ),
    (
        "UserRemoteOfficeGetResponse",
        "UserRemoteOfficeGetRequest",
        el("isActive", "true") + el("remoteOfficePhoneNumber", "2125550155"),
        {"isActive": "true", "remoteOfficePhoneNumber": "2125550155"},
    ),
    (
        "UserSequentialRingGetResponse14sp4",
        "UserSequentialRingGetRequest14sp4",
        el("ringBaseLocationFirst", "true")
        + el("baseLocationNumberOfRings", "3")
        + el("continueIfBaseLocationIsBusy", "true")
        + el("callerMayStopSearch", "false")
        + el("location", phoneNumber="9175550166", numberOfRings="3")
        + CRITERIA,
        {"ringBaseLocationFirst": "true", "baseLocationNumberOfRings": "3"},
    ),
    (
        "UserSpeedDial8GetListResponse",
        "UserSpeedDial8GetListRequest",
        el("speedDialEntry", speedCode="2", phoneNumber="2125550188", description="Home"),
        {"speedDialEntry": {"speedCode": "2", "phoneNumber": "2125550188", "description": "Home"}},
    ),
    (
        "UserSpeedDial100GetListResponse17sp1",
        "UserSpeedDial100GetListRequest17sp1",
        el("speedDialEntry", speedCode="10", phoneNumber="2125550199", description="Office")
        + el("speedDialEntry", speedCode="11", phoneNumber="2125550198"),
        {},
    ),
    (
        "UserExecutiveGetAssistantsResponse",
        "UserExecutiveGetAssistantsRequest",
        el("allowOptInOut", "true")
        + table(
            "assistantUserTable",
            ["User Id", "Last Name", "First Name", "Opt-in"],
            [["bob.martinez@acme-corp.com", "Martinez", "Bob", "true"]],
        ),
        {"allowOptInOut": "true"},
    ),
    (
        "UserExecutiveAssistantGetResponse",
        "UserExecutiveAssistantGetRequest",
        el("enableDivert", "false")
        + table(
            "executiveUserTable",
            ["User Id", "Last Name", "First Name", "Opt-in"],
            [["alice.johnson@acme-corp.com", "Johnson", "Alice", "true"]],
        ),
        {"enableDivert": "false"},
    ),
    (
        "UserCallRecordingGetResponse20",
        "UserCallRecordingGetRequest20",
        el("recordingOption", "On Demand") + el("pauseResumeNotification", "None"),
        {"recordingOption": "On Demand"},
    ),
    (
        "UserCallRecordingGetResponse22V3",
        "UserCallRecordingGetRequest22V3",
        el("recordingOption", "Always")
        + el("pauseResumeNotification", "Beep")
        + el("enableCallRecordingAnnouncement", "false")
        + el("recordVoiceMessaging", "false"),
        {"recordingOption": "Always", "recordVoiceMessaging": "false"},
    ),
]


def request_body(request: str, user_id: str) -> str:
    body = el("userId", user_id)
    if request.startswith("UserBroadWorksAnywhereGetPhoneNumber"):
        body += el("phoneNumber", "9175550144")
    return body


def pair(user_id: str, index: int) -> tuple[str, str]:
    response, request, body, _values = FIXTURES[index]
    return command(request, request_body(request, user_id)), command(response, body)


def write_settings(folder: Path, name: str, users_and_fixtures: list[tuple[str, int]]) -> None:
    pairs = [pair(user, index) for user, index in users_and_fixtures]
    write_pair(folder, name, [p[0] for p in pairs], [p[1] for p in pairs])


# The newest version of each service for alice, the older ones for bob, so that
# every fixture passes through map and load; carol has call waiting only.
def acme_with_settings(target: Path, samples: Path) -> Path:
    shutil.copytree(samples / "acme-enterprise", target)
    newest: dict[str, int] = {}
    for index, (response, *_rest) in enumerate(FIXTURES):
        newest[_base(response)] = index
    alice = [("alice.johnson@acme-corp.com", i) for i in sorted(newest.values())]
    bob = [
        ("bob.martinez@acme-corp.com", i) for i in range(len(FIXTURES)) if i not in newest.values()
    ]
    carol = [("carol.nguyen@acme-corp.com", 7)]
    # Alice's forwarding-always here replaces the sample's inactive one: drop that first.
    sample = target / "hq" / "hq-users-a.xml.response.xml"
    text = sample.read_text(encoding="iso-8859-1")
    start = text.index('<command echo="" xsi:type="UserCallForwardingAlwaysGetResponse"')
    end = text.index("</command>", start) + len("</command>")
    sample.write_text(text[:start] + text[end:], encoding="iso-8859-1")
    request = target / "hq" / "hq-users-a.xml"
    text = request.read_text(encoding="iso-8859-1")
    start = text.index('<command xsi:type="UserCallForwardingAlwaysGetRequest"')
    end = text.index("</command>", start) + len("</command>")
    request.write_text(text[:start] + text[end:], encoding="iso-8859-1")
    write_settings(target / "hq", "hq-settings", alice + bob + carol)
    return target


def _base(response: str) -> str:
    for suffix in ("13mp16", "17sp4", "17sp1", "16sp2", "14sp4", "14sp3", "22V3", "17", "16"):
        if response.endswith(suffix):
            return response[: -len(suffix)]
    return response.rstrip("0123456789")
