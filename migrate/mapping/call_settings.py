"""A user's service settings → the Webex person features that carry them, or the list.

Every extracted value ends in exactly one place: in the body of a person feature the
loader applies (``decision`` migrate), or on the user's "Not migrated" row with its
BroadWorks value (``decision`` list). ``call_settings.csv`` says which; the review's
"Call settings" sheet can switch a feature to list (or back).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from migrate import inventory as inv
from migrate.mapping.call_settings_table import LIST, MIGRATE, CallSettingRule
from migrate.mapping.context import BuildContext
from migrate.mapping.e164 import NumberError, is_digits, to_e164
from migrate.mapping.issues import Issues
from migrate.mapping.model import Model
from migrate.mapping.packages import CALLING_PACKAGES
from migrate.plan.model import NotMigrated, PersonSetting, Subscriber

KIND = "call_settings"
# Webex's bounds on rings (callForwarding.noAnswer, voicemail.sendUnansweredCalls).
MIN_RINGS, MAX_RINGS, DEFAULT_RINGS = 2, 20, 3
MAX_EXTENSION_DIGITS = 6
STORAGE = {
    "Unified Voice and Email Messaging": "INTERNAL",
    "Deliver To Email Address Only": "EXTERNAL",
}
NOT_A_PERSON = "not migrated as a Webex person: its person settings cannot be applied"


def map_call_settings(ctx: BuildContext) -> None:
    """Phase one, after the users: one PersonSetting per subscriber and feature."""
    by_user: dict[str, list[inv.UserSetting]] = defaultdict(list)
    for setting in inv.read(ctx.workspace, "user_settings"):
        by_user[setting.user_id].append(setting)
    if not by_user:
        return
    dialling = {
        u.user_id: (u.country_code, u.national_prefix)
        for u in inv.read(ctx.workspace, "users")
        if u.user_id in by_user
    }
    for user_id in sorted(by_user):
        sub = ctx.model.subscribers.get(user_id)
        if sub is None:
            _orphan(ctx.issues, user_id, by_user[user_id])
            continue
        cc, prefix = dialling.get(user_id, (None, None))
        _map_user(ctx, sub, by_user[user_id], cc, prefix)
        refresh_not_migrated(ctx.model, user_id)


def _orphan(issues: Issues, user_id: str, settings: list[inv.UserSetting]) -> None:
    values = "; ".join(f"{s.service}: {value_text(s.values)}" for s in settings)
    issues.warning(
        "settings_without_subscriber",
        entity="subscriber",
        key=user_id,
        customer_id=None,
        message=f"user is not migrated as a subscriber; its settings are not migrated: {values}",
        field="call_settings",
    )


def _map_user(
    ctx: BuildContext,
    sub: Subscriber,
    settings: list[inv.UserSetting],
    cc: str | None,
    prefix: str | None,
) -> None:
    rules = ctx.tables.call_settings
    records: dict[str, PersonSetting] = {}

    def record(label: str, decision: str) -> PersonSetting:
        key = f"{sub.id}/{label}"
        if key not in records:
            records[key] = PersonSetting(key, sub.id, sub.customer_id, label, decision)
        return records[key]

    def listed(service: str, bw_name: str, value: Any, note: str) -> None:
        item = record(service, LIST)
        item.bw_values[bw_name] = value
        if note and note not in item.reason:
            item.reason = "; ".join(p for p in (item.reason, note) if p)

    for setting in sorted(settings, key=lambda s: s.service):
        for name, value in sorted(setting.values.items()):
            bw_name = f"{setting.service}.{name}"
            rule = rules.rule(setting.service, name)
            if rule is None or rule.decision == LIST:
                listed(setting.service, bw_name, value, rule.note if rule else NO_ROW)
                continue
            target = record(rule.feature, MIGRATE)
            target.bw_values[bw_name] = value
            converted, left = _convert(ctx.issues, sub, rule, value, cc, prefix)
            _put(target.webex, rule.webex_field, converted)
            for detail, left_value in sorted(left.items()):
                listed(setting.service, f"{bw_name}.{detail}", left_value, NO_FIELD)
            _warn_reach_details(ctx.issues, sub, rule, left)
    reach = records.get(f"{sub.id}/singleNumberReach")
    if reach is not None and reach.webex.get("numbers"):
        reach.webex.setdefault("enabled", True)  # assigned BroadWorks Anywhere is on
        for entry in reach.webex["numbers"]:  # Webex requires both on every number
            entry.setdefault("enabled", False)
            entry.setdefault("name", entry["phoneNumber"])
    sequential = records.get(f"{sub.id}/sequentialRing")
    if sequential is not None and sequential.webex.get("phoneNumbers"):
        # BroadWorks sequential ring has no switch of its own: it rings when one of its
        # criteria is active (the criteria themselves are listed).
        sequential.webex["enabled"] = _any_active_criteria(settings, "sequential_ring")
    not_applied = _not_applied(sub)
    for key, item in records.items():
        if not_applied:
            item.decision, item.reason = LIST, not_applied
        ctx.model.person_settings[key] = item


def _not_applied(sub: Subscriber | None) -> str | None:
    """Why the loader applies no person settings to ``sub`` (the plan leaves them)."""
    if sub is None:
        return "the user is not migrated"
    if sub.skipped:
        return "the user is skipped in review: its settings are not migrated"
    if sub.is_place:
        return NOT_A_PERSON
    if sub.package not in CALLING_PACKAGES:
        return f"package {sub.package} has no Webex Calling person settings"
    return None


def settle_call_settings(model: Model) -> None:
    """After the review's edits (a user skipped, given a package without Calling): the
    settings the loader will not apply are listed, and every user's row says so."""
    users: set[str] = set()
    for item in model.person_settings.values():
        reason = _not_applied(model.subscribers.get(item.subscriber_id))
        if reason and item.decision == MIGRATE:
            item.decision, item.reason = LIST, reason
        users.add(item.subscriber_id)
    for user_id in sorted(users):
        refresh_not_migrated(model, user_id)


NO_ROW = "not in call_settings.csv"
NO_FIELD = "no Webex field carries this detail"


def _any_active_criteria(settings: list[inv.UserSetting], service: str) -> bool:
    for setting in settings:
        if setting.service == service:
            rows = setting.values.get("criteriaTable") or []
            for row in rows if isinstance(rows, list) else [rows]:
                if isinstance(row, dict) and row.get("Is Active") == "true":
                    return True
    return False


def _warn_reach_details(
    issues: Issues, sub: Subscriber, rule: CallSettingRule, left: dict[str, Any]
) -> None:
    """BroadWorks call control or an outbound alternate number in use: a behaviour the
    user will miss, worth an issue beside its line on the list."""
    if rule.feature != "singleNumberReach":
        return
    used = {k: v for k, v in left.items() if v not in (None, "", "false")}
    if used:
        issues.warning(
            "reach_detail_not_migrated",
            entity="subscriber",
            key=sub.id,
            customer_id=sub.customer_id,
            message=f"BroadWorks Anywhere {value_text(used)}: no Webex single-number-reach field; "
            "listed as not migrated",
            field=rule.webex_field,
            value=value_text(used),
        )


Converted = tuple[Any, dict[str, Any]]


def _convert(
    issues: Issues,
    sub: Subscriber,
    rule: CallSettingRule,
    value: Any,
    cc: str | None,
    prefix: str | None,
) -> Converted:
    """The Webex value, and the details of ``value`` no Webex field carries (by name)."""
    fields = ENTRY_FIELDS.get((rule.feature, rule.webex_field))
    if fields is not None:
        return _entries(issues, sub, rule, value, fields, cc, prefix)
    return _leaf(issues, sub, rule, rule.webex_field.rsplit(".", 1)[-1], value, cc, prefix), {}


def _leaf(
    issues: Issues,
    sub: Subscriber,
    rule: CallSettingRule,
    leaf: str,
    value: Any,
    cc: str | None,
    prefix: str | None,
) -> Any:
    if leaf in RINGS:
        return _rings(issues, sub, rule, value)
    if leaf in NUMBERS and rule.webex_field != "notifications.destination":
        return _number(issues, sub, rule, value, cc, prefix)
    if leaf == "storageType":
        return STORAGE.get(str(value), "INTERNAL")
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return value


RINGS = frozenset({"numberOfRings", "baseLocationNumberOfRings"})
NUMBERS = frozenset({"destination", "defaultPhoneNumberToForward", "phoneNumber"})


def _rings(issues: Issues, sub: Subscriber, rule: CallSettingRule, value: Any) -> int:
    try:
        rings = int(str(value))
    except ValueError:
        rings = -1
    if MIN_RINGS <= rings <= MAX_RINGS:
        return rings
    proposed = DEFAULT_RINGS if rings <= 0 else min(max(rings, MIN_RINGS), MAX_RINGS)
    issues.warning(
        "rings_out_of_range",
        entity="subscriber",
        key=sub.id,
        customer_id=sub.customer_id,
        message=f"{rule.service}.{rule.field}: Webex takes {MIN_RINGS} to {MAX_RINGS} rings",
        field=rule.webex_field,
        value=str(value),
        proposed=str(proposed),
    )
    return proposed


def normalise_number(raw: str, cc: str | None, prefix: str | None) -> str:
    """E.164, or the digits of an extension; raises NumberError."""
    text = raw.strip()
    if is_digits(text) and len(text) <= MAX_EXTENSION_DIGITS:
        return text
    return to_e164(text, cc, prefix)


def _number(
    issues: Issues,
    sub: Subscriber,
    rule: CallSettingRule,
    value: Any,
    cc: str | None,
    prefix: str | None,
) -> str | None:
    if value is None or value == "":
        return None
    try:
        return normalise_number(str(value), cc, prefix)
    except NumberError as err:
        issues.warning(
            "setting_number",
            entity="subscriber",
            key=sub.id,
            customer_id=sub.customer_id,
            message=f"{rule.service}.{rule.field}: {err}; sent as found",
            field=rule.webex_field,
            value=str(value),
        )
        return str(value)


# List entries: BroadWorks name (element, or table heading) → the Webex field of the
# entry; whatever else an entry holds is listed.
_RING_NUMBER = {
    "phoneNumber": "phoneNumber",
    "answerConfirmationRequired": "answerConfirmationRequiredEnabled",
}
ENTRY_FIELDS: dict[tuple[str, str], dict[str, str]] = {
    ("simultaneousRing", "phoneNumbers"): _RING_NUMBER,
    ("sequentialRing", "phoneNumbers"): {**_RING_NUMBER, "numberOfRings": "numberOfRings"},
    ("singleNumberReach", "numbers"): {
        "phoneNumber": "phoneNumber",
        "Phone Number": "phoneNumber",
        "description": "name",
        "Description": "name",
        "isActive": "enabled",
        "Activated": "enabled",
        "answerConfirmationRequired": "answerConfirmationEnabled",
        "useDiversionInhibitor": "doNotForwardCallsEnabled",
    },
}
# Webex's limits on entries (simultaneous ring 10 numbers, sequential ring 5).
MAX_ENTRIES = {("simultaneousRing", "phoneNumbers"): 10, ("sequentialRing", "phoneNumbers"): 5}


def entry_rows(value: Any) -> list[Any]:
    """The entries of a list-valued setting: repeated elements, table rows, or the
    ``{phone: details}`` of BroadWorks Anywhere locations (the phone made a field)."""
    if isinstance(value, dict):
        if (
            value
            and all(isinstance(v, dict) for v in value.values())
            and not ({"phoneNumber", "Phone Number"} & set(value))
        ):  # {phone: details}: one BroadWorks Anywhere response per location
            return [{"phoneNumber": phone, **details} for phone, details in sorted(value.items())]
        return [value]
    return list(value) if isinstance(value, list) else [value]


def _entries(
    issues: Issues,
    sub: Subscriber,
    rule: CallSettingRule,
    value: Any,
    fields: dict[str, str],
    cc: str | None,
    prefix: str | None,
) -> Converted:
    out: list[dict[str, Any]] = []
    left: dict[str, Any] = {}
    limit = MAX_ENTRIES.get((rule.feature, rule.webex_field))
    over = 0
    for index, row in enumerate(entry_rows(value)):
        phone = row.get("phoneNumber") or row.get("Phone Number") if isinstance(row, dict) else None
        if not phone or not isinstance(row, dict):
            left[str(index)] = row
            continue
        if limit is not None and len(out) >= limit:
            left[str(phone)] = row
            over += 1
            continue
        entry: dict[str, Any] = {}
        for name, item in row.items():
            webex_name = fields.get(name)
            if webex_name is None:
                left[f"{phone}.{name}"] = item
            elif item is not None and item != "":
                entry[webex_name] = _leaf(issues, sub, rule, webex_name, item, cc, prefix)
        out.append(entry)
    if over:
        issues.warning(
            "too_many_destinations",
            entity="subscriber",
            key=sub.id,
            customer_id=sub.customer_id,
            message=f"Webex takes at most {limit} numbers here; the first ones are kept, "
            "the others are listed",
            field=rule.webex_field,
            value=str(len(out) + over),
            proposed=str(limit),
        )
    return out, left


def _put(body: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        body = body.setdefault(part, {})
    existing = body.get(parts[-1])
    if parts[-1] == "numbers" and isinstance(existing, list) and isinstance(value, list):
        # The location table and the locations' details describe the same numbers.
        merged = {e["phoneNumber"]: e for e in existing}
        for entry in value:
            merged[entry["phoneNumber"]] = {**merged.get(entry["phoneNumber"], {}), **entry}
        value = [merged[k] for k in sorted(merged, key=str)]
    body[parts[-1]] = value


def value_text(value: Any) -> str:
    """A BroadWorks value as the "Not migrated" sheet shows it."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={value_text(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return "[" + "; ".join(value_text(v) for v in value) + "]"
    return str(value)


def refresh_not_migrated(model: Model, user_id: str) -> None:
    """The user's "Not migrated" call-settings row from its listed features."""
    listed = [
        s
        for s in sorted(model.person_settings.values(), key=lambda s: s.id)
        if s.subscriber_id == user_id and s.decision == LIST
    ]
    nid = f"{KIND}:{user_id}"
    sub = model.subscribers.get(user_id)
    if not listed or sub is None:
        model.not_migrated.pop(nid, None)
        return
    model.not_migrated[nid] = NotMigrated(
        nid,
        KIND,
        sub.customer_id,
        sub.location_id,
        {"user_id": user_id},
        " ".join(p for p in (sub.first_name, sub.last_name) if p) or None,
        [
            f"{name}={value_text(value)}"
            for s in listed
            for name, value in sorted(s.bw_values.items())
        ],
        "call settings with no Webex person feature, or set to list",
        "; ".join(f"{s.feature}: {s.reason}" for s in listed if s.reason)
        or "rebuild in Control Hub",
    )


def settings_of(model: Model, user_ids: Iterable[str]) -> list[PersonSetting]:
    wanted = set(user_ids)
    return [s for s in model.person_settings.values() if s.subscriber_id in wanted]
