"""Per-user service settings (forwarding, voicemail, do not disturb …): one record per
user and service, values kept under their OCI-P schema names.

Values are read generically, by element name, because every release from R20 to R25
adds fields to these responses (``UserCallWaitingGetResponse17sp4`` adds
``disableCallingLineIdDelivery``, ``…VoiceManagementResponse23`` adds
``outOfPrimaryZoneRedirectToVoiceMail``); the mapper decides which names it knows.
Tables become lists of rows keyed by heading, repeated elements lists.
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import Table
from migrate.extract.parsers.base import Context, Parser, Sink, join_key

ENTITY = "user_settings"

# Response base (version suffix stripped) → the service it describes.
SERVICES: dict[str, str] = {
    "UserCallForwardingAlwaysGetResponse": "call_forwarding_always",
    "UserCallForwardingBusyGetResponse": "call_forwarding_busy",
    "UserCallForwardingNoAnswerGetResponse": "call_forwarding_no_answer",
    "UserCallForwardingNotReachableGetResponse": "call_forwarding_not_reachable",
    "UserCallForwardingSelectiveGetResponse": "call_forwarding_selective",
    "UserDoNotDisturbGetResponse": "do_not_disturb",
    "UserCallWaitingGetResponse": "call_waiting",
    "UserVoiceMessagingUserGetVoiceManagementResponse": "voice_messaging",
    "UserVoiceMessagingUserGetGreetingResponse": "voice_messaging",
    "UserVoiceMessagingUserGetAdvancedVoiceManagementResponse": "voice_messaging",
    "UserCallingLineIDDeliveryBlockingGetResponse": "calling_line_id_delivery_blocking",
    "UserAnonymousCallRejectionGetResponse": "anonymous_call_rejection",
    "UserSimultaneousRingPersonalGetResponse": "simultaneous_ring_personal",
    "UserBroadWorksAnywhereGetResponse": "broadworks_anywhere",
    "UserBroadWorksAnywhereGetPhoneNumberResponse": "broadworks_anywhere",
    "UserRemoteOfficeGetResponse": "remote_office",
    "UserSequentialRingGetResponse": "sequential_ring",
    "UserSpeedDial8GetListResponse": "speed_dial_8",
    "UserSpeedDial100GetListResponse": "speed_dial_100",
    "UserExecutiveGetAssistantsResponse": "executive",
    "UserExecutiveGetFilteringResponse": "executive",
    "UserExecutiveGetAlertingResponse": "executive",
    "UserExecutiveGetScreeningResponse": "executive",
    "UserExecutiveAssistantGetResponse": "executive_assistant",
    "UserCallRecordingGetResponse": "call_recording",
}

# Record kinds that many commands of one user add to without contradicting each other:
# one BroadWorks Anywhere location per phone number.
ADDITIVE_KINDS = frozenset({"UserBroadWorksAnywhereGetPhoneNumberResponse"})


def plain(value: Any) -> Any:
    """``to_data`` output as plain JSON: tables and repeated elements as lists."""
    if isinstance(value, Table):
        return [dict(row) for row in value]
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    return value


def user_setting(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    user_id = ctx.key(data, "userId")
    service = SERVICES[ctx.ctype.base]
    values = {k: plain(v) for k, v in data.items() if k != "userId" and v is not None}
    if ctx.ctype.base == "UserBroadWorksAnywhereGetPhoneNumberResponse":
        # The response does not echo the location's number: the paired request says it.
        number = ctx.key(data, "phoneNumber")
        values = {"locations": {number: values}}
    out.record(
        ENTITY,
        join_key(user_id, service),
        ctx.ctype.base,
        {
            "user_id": user_id,
            "service": service,
            "values": values,
            "commands": [ctx.ctype.name],
        },
    )


PARSERS: dict[str, Parser] = dict.fromkeys(SERVICES, user_setting)


def is_user_get(base: str) -> bool:
    """A per-user read the extractor does not understand (its user is named)."""
    return base.startswith("User") and "Get" in base and base.endswith("Response")


def user_of(ctx: Context) -> str | None:
    return ctx.keys.get("userId") or None


def not_understood_message(ctx: Context) -> str:
    user = user_of(ctx)
    who = f"user {user}" if user else "a user the export does not name"
    return (
        f"{ctx.ctype.name} of {who} is not understood: its settings are not migrated "
        "and must be checked by hand"
    )


__all__ = ["ADDITIVE_KINDS", "ENTITY", "PARSERS", "SERVICES", "is_user_get"]
