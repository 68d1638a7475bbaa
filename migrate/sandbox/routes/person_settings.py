"""A person's Calling settings: call forwarding, do not disturb, call waiting,
voicemail, anonymous call rejection, simultaneous ring, single number reach,
selective forward and sequential ring (GET and PUT).

Field names, defaults and limits are Webex's as wxc_sdk (person_settings/*.py)
models them: 2 to 20 rings (``systemMaxNumberOfRings`` 20), a destination for
every forwarding that is enabled, at most 10 simultaneous-ring and 5
sequential-ring numbers, external voicemail storage only with an address. A
PUT names only fields of the feature (unknown and read-only fields are
refused) and changes only the fields it names; ``null`` clears a text field
(a forwarding destination). The person is a provisioned subscriber of the
``orgId``'s customer; its settings go with it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp, bad_request, json_body
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.state import Subscriber

MIN_RINGS, SYSTEM_MAX_RINGS = 2, 20
MAX_SIM_RING_NUMBERS = 10
MAX_SEQUENTIAL_RING_NUMBERS = 5
_DESTINATION = re.compile(r"^(\+[1-9][0-9]{6,14}|[0-9]{2,10})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_FORWARD = {"enabled": bool, "destination": str, "destinationVoicemailEnabled": bool}
_GREETING = {"enabled": bool, "greeting": str}
# What a PUT may name, with each leaf's type; lists are described by their item.
SCHEMA: dict[str, dict[str, Any]] = {
    "callForwarding": {
        "callForwarding": {
            "always": {**_FORWARD, "ringReminderEnabled": bool},
            "busy": dict(_FORWARD),
            "noAnswer": {**_FORWARD, "numberOfRings": int},
        },
        "businessContinuity": dict(_FORWARD),
    },
    "doNotDisturb": {"enabled": bool, "ringSplashEnabled": bool},
    "callWaiting": {"enabled": bool},
    "voicemail": {
        "enabled": bool,
        "sendAllCalls": {"enabled": bool},
        "sendBusyCalls": dict(_GREETING),
        "sendUnansweredCalls": {**_GREETING, "numberOfRings": int},
        "notifications": {"enabled": bool, "destination": str},
        "transferToNumber": {"enabled": bool, "destination": str},
        "emailCopyOfMessage": {"enabled": bool, "emailId": str},
        "messageStorage": {"mwiEnabled": bool, "storageType": str, "externalEmail": str},
    },
    "anonymousCallReject": {"enabled": bool},
    "simultaneousRing": {
        "enabled": bool,
        "doNotRingIfOnCallEnabled": bool,
        "criteriasEnabled": bool,
        "phoneNumbers": [{"phoneNumber": str, "answerConfirmationRequiredEnabled": bool}],
    },
    "singleNumberReach": {"enabled": bool, "alertAllNumbersForClickToDialCallsEnabled": bool},
    "selectiveForward": {
        "enabled": bool,
        "defaultPhoneNumberToForward": str,
        "ringReminderEnabled": bool,
        "destinationVoicemailEnabled": bool,
    },
    "sequentialRing": {
        "enabled": bool,
        "ringBaseLocationFirstEnabled": bool,
        "baseLocationNumberOfRings": int,
        "continueIfBaseLocationIsBusyEnabled": bool,
        "callsToVoicemailEnabled": bool,
        "phoneNumbers": [
            {"phoneNumber": str, "answerConfirmationRequiredEnabled": bool, "numberOfRings": int}
        ],
    },
}
# A single-number-reach number (POST and PUT on .../singleNumberReach/numbers).
SNR_NUMBER = {
    "phoneNumber": str,
    "enabled": bool,
    "name": str,
    "doNotForwardCallsEnabled": bool,
    "answerConfirmationEnabled": bool,
}
SNR_NUMBER_REQUIRED = ("phoneNumber", "enabled", "name")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

_OFF = {"enabled": False, "destinationVoicemailEnabled": False}
DEFAULTS: dict[str, dict[str, Any]] = {
    "callForwarding": {
        "callForwarding": {
            "always": {**_OFF, "ringReminderEnabled": False},
            "busy": dict(_OFF),
            "noAnswer": {**_OFF, "numberOfRings": 3, "systemMaxNumberOfRings": SYSTEM_MAX_RINGS},
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
            "systemMaxNumberOfRings": SYSTEM_MAX_RINGS,
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
    "singleNumberReach": {
        "enabled": False,
        "alertAllNumbersForClickToDialCallsEnabled": False,
        "numbers": [],
    },
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

ROUTES = {
    "callForwarding": "/people/{}/features/callForwarding",
    "doNotDisturb": "/people/{}/features/doNotDisturb",
    "callWaiting": "/people/{}/features/callWaiting",
    "voicemail": "/people/{}/features/voicemail",
    "anonymousCallReject": "/telephony/config/people/{}/anonymousCallReject",
    "simultaneousRing": "/telephony/config/people/{}/simultaneousRing",
    "singleNumberReach": "/telephony/config/people/{}/singleNumberReach",
    "selectiveForward": "/telephony/config/people/{}/selectiveForward",
    "sequentialRing": "/people/{}/features/sequentialRing",
}


def register(app: SandboxApp) -> None:
    routes = PersonSettingsRoutes(app)
    for feature, pattern in ROUTES.items():
        path = pattern.format(SEGMENT)
        app.route("GET", path, routes.reader(feature))
        app.route("PUT", path, routes.writer(feature))
    numbers = ROUTES["singleNumberReach"].format(SEGMENT) + "/numbers"
    app.route("POST", numbers, routes.add_number)
    app.route("PUT", f"{numbers}/{SEGMENT}", routes.update_number)
    app.route("DELETE", f"{numbers}/{SEGMENT}", routes.delete_number)


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for name, value in change.items():
        if value is None:  # a field cleared by name
            out.pop(name, None)
        elif isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = _merge(out[name], value)
        else:
            out[name] = copy.deepcopy(value)
    return out


def _check_shape(value: Any, schema: Any, where: str) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise bad_request(f"Invalid value for '{where}': an object is expected.", where)
        for name, item in value.items():
            field = f"{where}.{name}" if where else name
            if name not in schema:
                raise bad_request(f"Unrecognized field '{field}'.", field)
            _check_shape(item, schema[name], field)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            raise bad_request(f"Invalid value for '{where}': a list is expected.", where)
        for index, item in enumerate(value):
            _check_shape(item, schema[0], f"{where}[{index}]")
    elif schema is bool:
        if not isinstance(value, bool):
            raise bad_request(f"Invalid value for '{where}': true or false.", where)
    elif schema is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"Invalid value for '{where}': a number is expected.", where)
    elif value is not None and not isinstance(value, str):  # null clears a text field
        raise bad_request(f"Invalid value for '{where}': a string is expected.", where)


def _rings(node: dict[str, Any], where: str) -> None:
    rings = node.get("numberOfRings")
    if rings is not None and not MIN_RINGS <= rings <= SYSTEM_MAX_RINGS:
        raise bad_request(
            f"Invalid value for '{where}.numberOfRings': {MIN_RINGS} to {SYSTEM_MAX_RINGS}.",
            f"{where}.numberOfRings",
        )


def _forwarding(node: dict[str, Any], where: str) -> None:
    destination = node.get("destination")
    if destination is not None and not _DESTINATION.match(destination):
        raise bad_request(f"Invalid phone number or extension '{destination}'.", where)
    if node.get("enabled") and not destination:
        raise bad_request(f"'{where}.destination' is required when forwarding is enabled.", where)


def check_rules(feature: str, data: dict[str, Any]) -> None:
    """Webex's rules on the settings a PUT leaves (the stored ones with the change)."""
    if feature == "callForwarding":
        forwarding = data["callForwarding"]
        for kind in ("always", "busy", "noAnswer"):
            _forwarding(forwarding[kind], f"callForwarding.{kind}")
        _rings(forwarding["noAnswer"], "callForwarding.noAnswer")
        _forwarding(data["businessContinuity"], "businessContinuity")
    elif feature == "voicemail":
        _rings(data["sendUnansweredCalls"], "sendUnansweredCalls")
        storage = data["messageStorage"]
        if storage.get("storageType") not in ("INTERNAL", "EXTERNAL"):
            raise bad_request("storageType is INTERNAL or EXTERNAL.", "messageStorage.storageType")
        if storage["storageType"] == "EXTERNAL" and not _EMAIL.match(
            storage.get("externalEmail") or ""
        ):
            raise bad_request(
                "External storage needs an email address.", "messageStorage.externalEmail"
            )
        for name, key in (("notifications", "destination"), ("emailCopyOfMessage", "emailId")):
            node = data[name]
            if node.get("enabled") and not _EMAIL.match(node.get(key) or ""):
                raise bad_request(f"'{name}.{key}' must be an email address.", f"{name}.{key}")
        transfer = data["transferToNumber"]
        if transfer.get("enabled"):
            _forwarding(transfer, "transferToNumber")
    elif feature == "simultaneousRing":
        numbers = data["phoneNumbers"]
        if len(numbers) > MAX_SIM_RING_NUMBERS:
            raise bad_request(
                f"At most {MAX_SIM_RING_NUMBERS} phone numbers can ring at once.", "phoneNumbers"
            )
        for entry in numbers:
            if not _DESTINATION.match(entry.get("phoneNumber") or ""):
                raise bad_request("Invalid phone number.", "phoneNumbers.phoneNumber")
        if data["enabled"] and not numbers:
            raise bad_request("Simultaneous ring needs at least one number.", "phoneNumbers")
    elif feature == "selectiveForward":
        default = data.get("defaultPhoneNumberToForward")
        if default is not None and not _DESTINATION.match(default):
            raise bad_request(
                f"Invalid phone number or extension '{default}'.", "defaultPhoneNumberToForward"
            )
        if data["enabled"] and not default and not data.get("destinationVoicemailEnabled"):
            raise bad_request(
                "Selective forward needs a number to forward to.", "defaultPhoneNumberToForward"
            )
    elif feature == "sequentialRing":
        _sequential_ring(data)


def _sequential_ring(data: dict[str, Any]) -> None:
    numbers = data["phoneNumbers"]
    if len(numbers) > MAX_SEQUENTIAL_RING_NUMBERS:
        raise bad_request(
            f"At most {MAX_SEQUENTIAL_RING_NUMBERS} phone numbers ring in sequence.",
            "phoneNumbers",
        )
    _rings({"numberOfRings": data["baseLocationNumberOfRings"]}, "baseLocationNumberOfRings")
    for index, entry in enumerate(numbers):
        if not _DESTINATION.match(entry.get("phoneNumber") or ""):
            raise bad_request("Invalid phone number.", f"phoneNumbers[{index}].phoneNumber")
        _rings(entry, f"phoneNumbers[{index}]")
    if data["enabled"] and not numbers:
        raise bad_request("Sequential ring needs at least one number.", "phoneNumbers")


class PersonSettingsRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self._by_person: dict[str, str] = {}

    def _person(self, req: SandboxRequest, person_id: str) -> Subscriber:
        sub_id = self._by_person.get(person_id)
        sub = self.state.subscribers.get(sub_id) if sub_id else None
        if sub is None or sub.person_id != person_id:
            self._by_person = {s.person_id: s.id for s in self.state.subscribers.values()}
            sub = self.state.subscribers.get(self._by_person.get(person_id, ""))
        customer = self.state.customers.get(sub.customer_id) if sub else None
        org_id = req.param("orgId") or self.state.partner_org_id
        if (
            sub is None
            or customer is None
            or sub.deleted
            or sub.status != "provisioned"
            or customer.org_id != org_id
        ):
            raise HttpError(404, "Person not found.", codes.NOT_FOUND)
        return sub

    def current(self, sub: Subscriber, feature: str) -> dict[str, Any]:
        return _merge(DEFAULTS[feature], sub.settings.get(feature, {}))

    def reader(self, feature: str) -> Any:
        def get(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            sub = self._person(req, m.group(1))
            return SandboxResponse.json(200, self.current(sub, feature))

        return get

    def writer(self, feature: str) -> Any:
        def put(req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
            sub = self._person(req, m.group(1))
            body = json_body(req)
            _check_shape(body, SCHEMA[feature], "")
            data = _merge(self.current(sub, feature), body)
            check_rules(feature, data)
            sub.settings[feature] = data
            return SandboxResponse(204)

        return put

    # -- single number reach: its numbers are a sub-resource with ids of their own

    def _numbers(self, sub: Subscriber) -> list[dict[str, Any]]:
        stored = sub.settings.setdefault("singleNumberReach", {})
        numbers: list[dict[str, Any]] = stored.setdefault("numbers", [])
        return numbers

    def _check_number(self, body: Any, numbers: list[dict[str, Any]], own: str | None) -> None:
        _check_shape(body, SNR_NUMBER, "")
        phone = body.get("phoneNumber")
        if phone is not None and not _E164.match(phone):
            raise bad_request("phoneNumber must be an E.164 number.", "phoneNumber")
        if any(n["phoneNumber"] == phone and n["id"] != own for n in numbers):
            raise bad_request(f"{phone} is already a single number reach number.", "phoneNumber")

    def add_number(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._person(req, m.group(1))
        body = json_body(req)
        numbers = self._numbers(sub)
        self._check_number(body, numbers, None)
        for name in SNR_NUMBER_REQUIRED:
            if body.get(name) is None:
                raise bad_request(f"Mandatory parameter '{name}' is missing.", name)
        entry = {"id": self.state.new_id("SINGLE_NUMBER_REACH"), **body}
        entry.setdefault("doNotForwardCallsEnabled", False)
        entry.setdefault("answerConfirmationEnabled", False)
        numbers.append(entry)
        return SandboxResponse.json(201, {"id": entry["id"]})

    def _entry(self, sub: Subscriber, number_id: str) -> dict[str, Any]:
        for entry in self._numbers(sub):
            if entry["id"] == number_id:
                return entry
        raise HttpError(404, "Single number reach number not found.", codes.NOT_FOUND)

    def update_number(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._person(req, m.group(1))
        entry = self._entry(sub, m.group(2))
        body = json_body(req)
        self._check_number(body, self._numbers(sub), entry["id"])
        entry.update({k: v for k, v in body.items() if v is not None})
        return SandboxResponse.json(200, {"id": entry["id"]})

    def delete_number(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._person(req, m.group(1))
        entry = self._entry(sub, m.group(2))
        self._numbers(sub).remove(entry)
        return SandboxResponse(204)
