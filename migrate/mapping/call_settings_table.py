"""``call_settings.csv``: BroadWorks service and field → Webex person feature and field.

Rows are ``service,field,feature,webex_field,decision``. ``field`` ``*`` stands for
every field of the service no other row names. ``migrate`` rows must name a feature
the loader applies and a Webex field the mapper knows how to fill (so a typo in an
edited table is refused, not silently dropped); ``list`` rows send the value to the
"Not migrated" sheet, with ``note`` as what to rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NoReturn

MIGRATE = "migrate"
LIST = "list"
DECISIONS = (MIGRATE, LIST)

# Features the loader applies, with the Webex fields the mapper can fill for each.
LOADABLE: dict[str, frozenset[str]] = {
    "callForwarding": frozenset(
        {
            f"callForwarding.{kind}.{name}"
            for kind in ("always", "busy", "noAnswer")
            for name in ("enabled", "destination")
        }
        | {
            "callForwarding.always.ringReminderEnabled",
            "callForwarding.noAnswer.numberOfRings",
            "businessContinuity.enabled",
            "businessContinuity.destination",
        }
    ),
    "doNotDisturb": frozenset({"enabled", "ringSplashEnabled"}),
    "callWaiting": frozenset({"enabled"}),
    "voicemail": frozenset(
        {
            "enabled",
            "sendAllCalls.enabled",
            "sendBusyCalls.enabled",
            "sendUnansweredCalls.enabled",
            "sendUnansweredCalls.numberOfRings",
            "messageStorage.storageType",
            "messageStorage.externalEmail",
            "messageStorage.mwiEnabled",
            "notifications.enabled",
            "notifications.destination",
            "emailCopyOfMessage.enabled",
            "emailCopyOfMessage.emailId",
            "transferToNumber.enabled",
            "transferToNumber.destination",
        }
    ),
    "anonymousCallReject": frozenset({"enabled"}),
    "simultaneousRing": frozenset({"enabled", "doNotRingIfOnCallEnabled", "phoneNumbers"}),
    "singleNumberReach": frozenset({"alertAllNumbersForClickToDialCallsEnabled", "numbers"}),
    "selectiveForward": frozenset(
        {"enabled", "defaultPhoneNumberToForward", "ringReminderEnabled"}
    ),
    "sequentialRing": frozenset(
        {
            "ringBaseLocationFirstEnabled",
            "baseLocationNumberOfRings",
            "continueIfBaseLocationIsBusyEnabled",
            "phoneNumbers",
        }
    ),
}


@dataclass(frozen=True)
class CallSettingRule:
    service: str
    field: str
    feature: str
    webex_field: str
    decision: str
    note: str
    row: int


@dataclass
class CallSettingRules:
    rules: dict[tuple[str, str], CallSettingRule] = field(default_factory=dict)

    def rule(self, service: str, name: str) -> CallSettingRule | None:
        return self.rules.get((service, name)) or self.rules.get((service, "*"))


Fail = Callable[[int, str, str], NoReturn]


def load_rules(rows: Iterable[tuple[int, dict[str, str]]], fail: Fail) -> CallSettingRules:
    table = CallSettingRules()
    for row, cells in rows:
        service, name = cells["service"], cells["field"]
        feature, webex_field, decision = cells["feature"], cells["webex_field"], cells["decision"]
        if not service:
            fail(row, "service", "empty")
        if not name:
            fail(row, "field", "empty (use * for every field of the service)")
        if decision not in DECISIONS:
            fail(row, "decision", f"{decision!r}: use one of {', '.join(DECISIONS)}")
        if decision == MIGRATE:
            if feature not in LOADABLE:
                fail(row, "feature", f"{feature!r} is not applied by the loader; use list")
            if webex_field not in LOADABLE[feature]:
                known = ", ".join(sorted(LOADABLE[feature]))
                fail(row, "webex_field", f"{webex_field!r}: {feature} takes {known}")
            if name == "*":
                fail(row, "field", "a migrate row names one field")
        key = (service, name)
        if key in table.rules:
            first = table.rules[key].row
            fail(row, "field", f"duplicate key {service}/{name} (also row {first})")
        table.rules[key] = CallSettingRule(
            service, name, feature, webex_field, decision, cells.get("note", ""), row
        )
    return table
