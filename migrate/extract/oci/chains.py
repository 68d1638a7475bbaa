"""The OCI-P requests the walk sends, each with its versions newest first.

Only requests whose responses the parsers read (``migrate.extract.parsers``)
are walked; ``WALKED`` checks that against ``PARSERS`` at import, so a parser
added without a request here (or the reverse) is caught by the tests. The
version chains are those of the R25 schema (research/broadworks-exports.md
§2.0); the walk asks the newest and falls back when the server answers
``ErrorResponse`` to a version it does not know.
"""

from __future__ import annotations

from migrate.extract.parsers import PARSERS

CHAINS: dict[str, tuple[str, ...]] = {
    "ServiceProviderGetListRequest": ("",),
    "ServiceProviderGetRequest": ("22V5", "22V4", "22V3", "22V2", "22", "17sp1", "13mp2"),
    "ServiceProviderServicePackGetDetailListRequest": ("",),
    "GroupGetListInServiceProviderRequest": ("",),
    "GroupGetRequest": ("22V5", "22V4", "22V3", "22V2", "22", "14sp7", ""),
    "UserGetListInGroupRequest": ("",),
    "GroupDnGetAssignmentListRequest": ("18", ""),
    "GroupAccessDeviceGetListRequest": ("",),
    "GroupAccessDeviceGetRequest": (
        "24V3",
        "24V2",
        "24",
        "22V5",
        "22V4",
        "22V3",
        "22V2",
        "22",
        "18sp1",
        "16",
        "14sp6",
        "14sp3",
        "14",
    ),
    "GroupAccessDeviceGetUserListRequest": ("21sp1", ""),
    "GroupHuntGroupGetInstanceListRequest": ("",),
    "GroupCallCenterGetInstanceListRequest": ("",),
    "GroupAutoAttendantGetInstanceListRequest": ("",),
    "GroupHuntGroupGetInstanceRequest": (
        "20",
        "19sp1",
        "19",
        "17sp4",
        "17sp3",
        "17sp1V1",
        "17",
        "14",
    ),
    "GroupCallCenterGetInstanceRequest": (
        "22",
        "19sp1",
        "19",
        "17sp3",
        "17sp1",
        "17",
        "16",
        "14sp9",
        "14sp3",
        "14",
    ),
    # A call center's agents (from R16), overflow and bounced-call settings.
    "GroupCallCenterGetAgentListRequest": ("",),
    "GroupCallCenterOverflowGetRequest": ("20", "17", ""),
    "GroupCallCenterBouncedCallGetRequest": ("17", ""),
    "GroupAutoAttendantGetInstanceRequest": (
        "24",
        "20",
        "19sp1",
        "19",
        "17sp1",
        "17",
        "16",
        "14",
    ),
    "GroupScheduleGetListRequest": ("17sp1", ""),
    "GroupScheduleGetEventDetailListRequest": ("",),
    "ServiceProviderScheduleGetListRequest": ("",),
    "ServiceProviderScheduleGetEventDetailListRequest": ("",),
    "GroupCallParkGetInstanceListRequest": ("",),
    "GroupCallParkGetInstanceRequest": ("16sp2", ""),
    "GroupCallParkGetRequest": ("16sp2", ""),
    "GroupCallPickupGetInstanceListRequest": ("",),
    "GroupCallPickupGetInstanceRequest": ("",),
    "GroupGroupPagingGetInstanceListRequest": ("",),
    "GroupGroupPagingGetInstanceRequest": ("19sp1", "17sp3", ""),
    "GroupGroupPagingGetOriginatorListRequest": ("",),
    "GroupGroupPagingGetTargetListRequest": ("",),
    "UserGetRequest": (
        "23V2",
        "23",
        "22V9",
        "22V8",
        "22V7",
        "22V6",
        "22V5",
        "22V4",
        "22V3",
        "22V2",
        "22",
        "21sp1V2",
        "21sp1",
        "21",
        "20",
        "19",
        "18",
        "17sp4",
        "17sp3",
        "17",
        "15sp2",
        "14sp9",
        "14sp4",
        "14",
    ),
    "UserServiceGetAssignmentListRequest": ("",),
    "UserAssignedServicesGetListRequest": ("",),
    "UserGetRegistrationListRequest": ("",),
    "UserSharedCallAppearanceGetRequest": ("21sp1", "16sp2", "14sp2", "14"),
    "SystemLanguageGetListRequest": ("",),
    "SystemTimeZoneGetListRequest": ("20", ""),
}

# Each user's service settings, asked for every user (an unassigned service is an
# ErrorResponse the walk notes as declined), newest version first.
USER_SETTINGS: dict[str, tuple[str, ...]] = {
    "UserCallForwardingAlwaysGetRequest": ("",),
    "UserCallForwardingBusyGetRequest": ("",),
    "UserCallForwardingNoAnswerGetRequest": ("13mp16", ""),
    "UserCallForwardingNotReachableGetRequest": ("",),
    "UserCallForwardingSelectiveGetRequest": ("16", ""),
    "UserDoNotDisturbGetRequest": ("",),
    "UserCallWaitingGetRequest": ("17sp4", ""),
    "UserVoiceMessagingUserGetVoiceManagementRequest": ("23", "17", ""),
    "UserVoiceMessagingUserGetGreetingRequest": ("20", ""),
    "UserVoiceMessagingUserGetAdvancedVoiceManagementRequest": ("14sp3", ""),
    "UserCallingLineIDDeliveryBlockingGetRequest": ("",),
    "UserAnonymousCallRejectionGetRequest": ("",),
    "UserSimultaneousRingPersonalGetRequest": ("17", ""),
    "UserBroadWorksAnywhereGetRequest": ("16sp2", ""),
    "UserRemoteOfficeGetRequest": ("",),
    "UserSequentialRingGetRequest": ("14sp4", ""),
    "UserSpeedDial8GetListRequest": ("",),
    "UserSpeedDial100GetListRequest": ("17sp1", ""),
    "UserExecutiveGetAssistantsRequest": ("",),
    "UserExecutiveGetFilteringRequest": ("",),
    "UserExecutiveGetAlertingRequest": ("",),
    "UserExecutiveGetScreeningRequest": ("",),
    "UserExecutiveAssistantGetRequest": ("",),
    "UserCallRecordingGetRequest": ("22V3", "20", ""),
    # Which call centers the user is an agent of, and whether joined.
    "UserCallCenterGetRequest": ("23", "19", "17sp4", "17", "16", ""),
}
# Asked per BroadWorks Anywhere location the user's answer lists.
ANYWHERE_LOCATION = "UserBroadWorksAnywhereGetPhoneNumberRequest"
CHAINS.update(USER_SETTINGS)
CHAINS[ANYWHERE_LOCATION] = ("",)


# Asked only to find what to walk next; no parser reads them, and extract
# counts them among the unknown command types.
DISCOVERY: dict[str, tuple[str, ...]] = {
    "ServiceProviderServicePackGetListRequest": ("",),
}
VERSIONS = {**CHAINS, **DISCOVERY}


def response_base(request_base: str) -> str:
    return request_base[: -len("Request")] + "Response"


def _walked() -> frozenset[str]:
    unparsed = sorted(b for b in CHAINS if response_base(b) not in PARSERS)
    if unparsed:
        raise RuntimeError(f"the walk would ask requests no parser reads: {unparsed}")
    return frozenset(CHAINS)


WALKED = _walked()
