"""Webex Calling person settings: read and replace one feature of a person.

Each feature is one GET and one PUT on the person's id with the customer's
``orgId``. Webex's PUT bodies need some fields the migration does not set
(``callForwarding.busy`` beside ``always``): :func:`update_body` lays the wanted
values over what was read and drops the read-only fields, so the PUT carries
the person's whole feature.
"""

from __future__ import annotations

from typing import Any

from migrate.webex.client import WebexClient

# Feature → path under the person (wxc_sdk person_settings: f_ep and its alternates).
PATHS: dict[str, str] = {
    "callForwarding": "people/{person}/features/callForwarding",
    "doNotDisturb": "people/{person}/features/doNotDisturb",
    "callWaiting": "people/{person}/features/callWaiting",
    "voicemail": "people/{person}/features/voicemail",
    "anonymousCallReject": "telephony/config/people/{person}/anonymousCallReject",
    "simultaneousRing": "telephony/config/people/{person}/simultaneousRing",
    "singleNumberReach": "telephony/config/people/{person}/singleNumberReach",
    "selectiveForward": "telephony/config/people/{person}/selectiveForward",
    "sequentialRing": "people/{person}/features/sequentialRing",
}
SNR = "singleNumberReach"
# The PUT on singleNumberReach takes these; its numbers are a sub-resource of their own.
SNR_SETTINGS = ("enabled", "alertAllNumbersForClickToDialCallsEnabled")
SNR_NUMBER_FIELDS = (
    "phoneNumber",
    "enabled",
    "name",
    "doNotForwardCallsEnabled",
    "answerConfirmationEnabled",
)

# Answers carry these, PUT bodies must not (wxc_sdk's ``update()`` excludes them).
READ_ONLY: dict[str, tuple[tuple[str, ...], ...]] = {
    "callForwarding": (("callForwarding", "noAnswer", "systemMaxNumberOfRings"),),
    "doNotDisturb": (("webexGoOverrideEnabled",),),
    "voicemail": (
        ("sendUnansweredCalls", "systemMaxNumberOfRings"),
        ("sendBusyCalls", "greetingUploaded"),
        ("sendUnansweredCalls", "greetingUploaded"),
        ("voiceMessageForwardingEnabled",),
        ("faxMessage",),
    ),
    "simultaneousRing": (("criteria",),),
    SNR: (("numbers",),),
    # Criteria are a sub-resource (…/criteria/{id}); the feature's PUT does not take them.
    "selectiveForward": (("criteria",),),
    "sequentialRing": (("criteria",),),
}


_OFF = {"enabled": False, "destinationVoicemailEnabled": False}
# What Webex gives a person who was just created (the dry-run answers reads of a person
# it made up with these, so the PUTs it lists are the ones the real run sends).
NEW_PERSON: dict[str, dict[str, Any]] = {
    "callForwarding": {
        "callForwarding": {
            "always": {**_OFF, "ringReminderEnabled": False},
            "busy": dict(_OFF),
            "noAnswer": {**_OFF, "numberOfRings": 3, "systemMaxNumberOfRings": 20},
        },
        "businessContinuity": dict(_OFF),
    },
    "doNotDisturb": {"enabled": False, "ringSplashEnabled": False, "webexGoOverrideEnabled": False},
    "callWaiting": {"enabled": True},
    "voicemail": {
        "enabled": True,
        "sendAllCalls": {"enabled": False},
        "sendBusyCalls": {"enabled": False, "greeting": "DEFAULT", "greetingUploaded": False},
        "sendUnansweredCalls": {
            "enabled": True,
            "greeting": "DEFAULT",
            "greetingUploaded": False,
            "numberOfRings": 3,
            "systemMaxNumberOfRings": 20,
        },
        "notifications": {"enabled": False},
        "transferToNumber": {"enabled": False},
        "emailCopyOfMessage": {"enabled": False},
        "messageStorage": {"mwiEnabled": True, "storageType": "INTERNAL"},
        "faxMessage": {"enabled": False},
        "voiceMessageForwardingEnabled": False,
    },
    "anonymousCallReject": {"enabled": False},
    "simultaneousRing": {
        "enabled": False,
        "doNotRingIfOnCallEnabled": False,
        "phoneNumbers": [],
        "criteriasEnabled": False,
        "criteria": [],
    },
    SNR: {"enabled": False, "alertAllNumbersForClickToDialCallsEnabled": False, "numbers": []},
    "selectiveForward": {
        "enabled": False,
        "ringReminderEnabled": False,
        "destinationVoicemailEnabled": False,
        "criteria": [],
    },
    "sequentialRing": {
        "enabled": False,
        "ringBaseLocationFirstEnabled": True,
        "baseLocationNumberOfRings": 2,
        "continueIfBaseLocationIsBusyEnabled": True,
        "callsToVoicemailEnabled": True,
        "phoneNumbers": [],
        "criteria": [],
    },
}


def feature_of(path: str) -> str | None:
    """The person feature a request path is about, or None."""
    for feature, template in PATHS.items():
        tail = template.split("{person}")[-1]
        head = template.split("{person}")[0]
        if path.endswith(tail) and head in path:
            return feature
    return None


def path_of(feature: str, person_id: str) -> str:
    try:
        return PATHS[feature].format(person=person_id)
    except KeyError:
        raise ValueError(f"no person-settings endpoint for feature {feature!r}") from None


def merged(base: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in wanted.items():
        if isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = merged(out[name], value)
        else:
            out[name] = value
    return out


def update_body(feature: str, current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The PUT body: ``wanted`` over ``current``, without the fields Webex only reports."""
    body = merged(current, wanted)
    for path in READ_ONLY.get(feature, ()):
        node: Any = body
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return body


def restore_body(previous: dict[str, Any], applied: dict[str, Any]) -> dict[str, Any]:
    """``previous`` again, with ``None`` for what ``applied`` added (a destination the
    person did not have): Webex keeps a field a PUT leaves out, so it is cleared by name."""
    body = dict(previous)
    for name, value in applied.items():
        if name not in previous:
            body[name] = None
        elif isinstance(value, dict) and isinstance(previous[name], dict):
            body[name] = restore_body(previous[name], value)
    return body


class PersonSettingsApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    async def read(self, org_id: str, person_id: str, feature: str) -> dict[str, Any]:
        data = await self.client.get_json(path_of(feature, person_id), {"orgId": org_id})
        return dict(data or {})

    async def update(self, org_id: str, person_id: str, feature: str, body: dict[str, Any]) -> None:
        """PUT the whole feature (an idempotent replace: safe to repeat)."""
        await self.client.request(
            "PUT", path_of(feature, person_id), params={"orgId": org_id}, json=body
        )

    async def add_number(self, org_id: str, person_id: str, body: dict[str, Any]) -> str | None:
        """A single-number-reach number (POST: not repeated on a lost answer; read first)."""
        data = await self.client.send_json(
            "POST", f"{path_of(SNR, person_id)}/numbers", body, params={"orgId": org_id}
        )
        return str(data["id"]) if isinstance(data, dict) and data.get("id") else None

    async def update_number(
        self, org_id: str, person_id: str, number_id: str, body: dict[str, Any]
    ) -> None:
        await self.client.request(
            "PUT",
            f"{path_of(SNR, person_id)}/numbers/{number_id}",
            params={"orgId": org_id},
            json=body,
        )

    async def delete_number(self, org_id: str, person_id: str, number_id: str) -> None:
        await self.client.request(
            "DELETE", f"{path_of(SNR, person_id)}/numbers/{number_id}", params={"orgId": org_id}
        )
