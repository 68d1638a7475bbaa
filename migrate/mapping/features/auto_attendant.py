"""BroadWorks auto attendants → Webex auto attendants of the group's location.

Both menus move key by key (0–9, * and #): the action, its description and its
target. A transfer's target stays the number or extension BroadWorks dials, since
that is what a Webex key's ``value`` holds; whom it reaches (a user, a hunt group,
a call queue, another auto attendant, or an outside number) is named on the review
sheet, and a feature it reaches is built first. The schedules are the location's
copies of the group or enterprise schedules named (``schedule.find_schedule``);
an auto attendant without business hours gets an "Always open" schedule, since
Webex requires one.

What Webex lacks: a holiday menu (Webex plays the after-hours menu while the
holiday schedule is active), submenus, department dialing scope, recorded
announcements (the default greeting is proposed). Each is an issue, and what
cannot move at all is listed under "Not migrated" beside the built attendant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.e164 import NumberError, is_digits, to_e164
from migrate.mapping.features import schedule as schedules
from migrate.mapping.locations import ensure_location
from migrate.plan.model import CallFeature, Location, Number

KIND = "auto_attendant"
MENU_KEYS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#")
ACTIONS = {
    "Transfer With Prompt": "TRANSFER_WITH_PROMPT",
    "Transfer Without Prompt": "TRANSFER_WITHOUT_PROMPT",
    "Transfer To Operator": "TRANSFER_TO_OPERATOR",
    "Transfer To Mailbox": "TRANSFER_TO_MAILBOX",
    "Name Dialing": "NAME_DIALING",
    "Extension Dialing": "EXTENSION_DIALING",
    "Repeat Menu": "REPEAT_MENU",
    "Exit": "EXIT",
    "Return to Previous Menu": "RETURN_TO_PREVIOUS_MENU",
    "Play Announcement": "PLAY_ANNOUNCEMENT",
}
# Actions whose key dials somewhere: Webex wants that number or extension as ``value``.
TRANSFERS = frozenset(
    {
        "TRANSFER_WITH_PROMPT",
        "TRANSFER_WITHOUT_PROMPT",
        "TRANSFER_TO_OPERATOR",
        "TRANSFER_TO_MAILBOX",
    }
)
SCOPES = {"Group": "GROUP", "Enterprise": "ENTERPRISE", "Department": "GROUP"}
# service_instances kind → the CallFeature kind it becomes.
FEATURE_KINDS = {"hunt_group": "hunt_group", "call_center": "call_queue", KIND: KIND}
WEBEX_MENUS = (("businessHoursMenu", "business hours"), ("afterHoursMenu", "after hours"))
_NOTES = "auto_attendant_targets"


@dataclass
class _Targets:
    """Who answers an extension or number, per location (built once per build)."""

    instances: dict[str, inv.ServiceInstance] = field(default_factory=dict)
    extensions: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    numbers: dict[str, tuple[str, str]] = field(default_factory=dict)  # → (kind, id)


def _targets(ctx: BuildContext) -> _Targets:
    found = ctx.feature_notes.get(_NOTES)
    if isinstance(found, _Targets):
        return found
    targets = _Targets()
    for sub in ctx.model.subscribers.values():
        if sub.extension:
            targets.extensions[(sub.location_id, sub.extension)] = ("subscriber", sub.id)
        if sub.phone_number:
            targets.numbers[sub.phone_number] = ("subscriber", sub.id)
    for instance in inv.read(ctx.workspace, "service_instances"):
        targets.instances[instance.service_user_id] = instance
        kind = FEATURE_KINDS.get(instance.kind)
        if kind is None:
            continue
        target = ("feature", f"{kind}:{instance.service_user_id}")
        if instance.extension and instance.sp_id and instance.group_id:
            targets.extensions[(f"{instance.sp_id}/{instance.group_id}", instance.extension)] = (
                target
            )
        if instance.phone_number:
            targets.numbers[instance.phone_number] = target
    ctx.feature_notes[_NOTES] = targets
    return targets


def map_auto_attendant(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    targets = _targets(ctx)
    instance = targets.instances.get(feature.id)
    sp_id = feature.sp_id or (instance.sp_id if instance else None)
    group_id = feature.group_id or (instance.group_id if instance else None)
    if not sp_id or not group_id:
        ctx.issues.warning(
            "feature_without_group",
            entity="call_feature",
            key=f"{KIND}:{feature.id}",
            customer_id=None,
            message=f"auto attendant {feature.id} is in no group's lists: its location is "
            "unknown and it is not migrated",
        )
        return
    location = ensure_location(ctx, sp_id, group_id)
    AutoAttendantMapping(ctx, feature, instance, location, sp_id, group_id).run()


class AutoAttendantMapping:
    def __init__(
        self,
        ctx: BuildContext,
        feature: inv.GroupFeature,
        instance: inv.ServiceInstance | None,
        location: Location,
        sp_id: str,
        group_id: str,
    ) -> None:
        self.ctx = ctx
        self.bw = feature
        self.instance = instance
        self.location = location
        self.sp_id = sp_id
        self.group_id = group_id
        self.values = feature.values
        profile = self.values.get("serviceInstanceProfile")
        self.profile: dict[str, Any] = profile if isinstance(profile, dict) else {}
        self.id = f"{KIND}:{feature.id}"
        self.depends: list[str] = []
        self.members: list[str] = []
        self.key_rows: list[dict[str, Any]] = []
        self.lost: list[str] = []

    def warn(self, code: str, message: str, **extra: str) -> None:
        self.ctx.issues.warning(
            code,
            entity="call_feature",
            key=self.id,
            customer_id=self.location.customer_id,
            message=f"auto attendant {self.name!r}: {message}",
            **extra,
        )

    @property
    def name(self) -> str:
        return str(self.profile.get("name") or self.bw.name or self.bw.id)

    def run(self) -> None:
        body: dict[str, Any] = {"name": self.name}
        number = self._number()
        if number:
            body["phoneNumber"] = number
        extension = self.profile.get("extension")
        if extension:
            body["extension"] = str(extension)
        if not number and not extension:
            self.warn(
                "feature_without_number",
                "it has neither a number nor an extension; Webex requires one: add one in review",
            )
        for element, wanted in (
            ("callingLineIdFirstName", "firstName"),
            ("callingLineIdLastName", "lastName"),
        ):
            if self.profile.get(element):
                body[wanted] = str(self.profile[element])
        body.update(self._schedules())
        for element, wanted in (
            ("extensionDialingScope", "extensionDialing"),
            ("nameDialingScope", "nameDialing"),
        ):
            scope = str(self.values.get(element) or "Group")
            body[wanted] = SCOPES.get(scope, "GROUP")
            if scope == "Department":
                self.warn(
                    "dialing_scope_unsupported",
                    f"{element} is Department; Webex dials within the location or the "
                    "enterprise: proposed GROUP (the location)",
                    field=element,
                    value=scope,
                    proposed="GROUP",
                )
        for element, label in WEBEX_MENUS:
            body[element] = self._menu(element, label)
        self._holiday_menu(body)
        self.ctx.model.features[self.id] = CallFeature(
            id=self.id,
            kind=KIND,
            customer_id=self.location.customer_id,
            location_id=self.location.id,
            name=self.name,
            bw_key={"service_user_id": self.bw.id},
            webex=body,
            phone_number=number,
            extension=str(extension) if extension else None,
            members=list(dict.fromkeys(self.members)),
            depends_on=list(dict.fromkeys(self.depends)),
            bw_values={
                "type": self.values.get("type") or "Basic",
                "firstDigitTimeoutSeconds": self.values.get("firstDigitTimeoutSeconds"),
                "nameDialingEntries": self.values.get("nameDialingEntries"),
                "businessHours": self.values.get("businessHours"),
                "holidaySchedule": self.values.get("holidaySchedule")
                or self.values.get("holidayScheduleName"),
                "keys": self.key_rows,
            },
        )
        if self.lost:
            self.ctx.model.add_not_migrated(
                kind=KIND,
                key=f"{self.bw.id}/options",
                customer_id=self.location.customer_id,
                location_id=self.location.id,
                bw_key={"service_user_id": self.bw.id},
                name=self.name,
                items=self.lost,
                reason="the auto attendant is migrated; these options of it have no "
                "Webex equivalent",
                rebuild="rebuild them by hand in Control Hub after the load (see Issues)",
            )

    def _holiday_menu(self, body: dict[str, Any]) -> None:
        """Webex has no holiday menu: the after-hours menu plays on holidays."""
        raw = self.values.get("holidayMenu")
        holiday = raw if isinstance(raw, dict) else {}
        keys = [k for k in holiday.get("keyConfiguration") or [] if isinstance(k, dict)]
        if not keys:
            return
        after = self.values.get("afterHoursMenu")
        after_keys = after.get("keyConfiguration") if isinstance(after, dict) else None
        for config in keys:
            entry = _entry(config)
            self.key_rows.append(
                {
                    "menu": "holiday",
                    "key": config.get("key"),
                    "action": entry.get("action"),
                    "description": entry.get("description"),
                    "dialed": entry.get("phoneNumber"),
                    "webex": "after-hours menu plays",
                }
            )
        if "holidaySchedule" not in body or keys == after_keys:
            return  # never played, or played alike by the after-hours menu
        for config in keys:
            entry = _entry(config)
            dialed = f" {entry.get('phoneNumber')}" if entry.get("phoneNumber") else ""
            self.lost.append(f"holiday menu: key {config.get('key')} {entry.get('action')}{dialed}")
        self.warn(
            "holiday_menu_unsupported",
            "Webex has no holiday menu: while the holiday schedule "
            f"{body['holidaySchedule']!r} is active it plays the after-hours menu. The holiday "
            "menu's keys differ from the after-hours menu's and are listed under Not migrated",
            field="holidayMenu",
            proposed="the after-hours menu",
        )

    def _number(self) -> str | None:
        if self.instance is not None and self.instance.phone_number:
            number = self.instance.phone_number
        else:
            raw = self.profile.get("phoneNumber")
            if not raw:
                return None
            try:
                number = to_e164(str(raw), self.profile.get("countryCode"), None)
            except NumberError as err:
                self.warn("invalid_number", str(err), field="phoneNumber", value=str(raw))
                return None
        record = self.ctx.model.numbers.get(number)
        if record is None:
            self.ctx.model.numbers[number] = Number(
                id=number,
                customer_id=self.location.customer_id,
                location_id=self.location.id,
                bw_key={"phone_number": number},
                phone_number=number,
                assigned_to=self.bw.id,
                assignment="service_instance",
            )
        elif record.assigned_to in (None, self.bw.id):
            record.assigned_to, record.assignment = self.bw.id, "service_instance"
        return number

    def _schedules(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for level, schedule_type, name in schedules.schedule_references(self.values):
            found = schedules.find_schedule(
                self.ctx, self.sp_id, self.group_id, level, schedule_type, name, self.location
            )
            element = "businessSchedule" if schedule_type == "Time" else "holidaySchedule"
            if found is None:
                self.warn(
                    "schedule_not_extracted",
                    f"its {schedule_type.lower()} schedule {name!r} is not in the export"
                    + (
                        ": the attendant is proposed always open; enter the hours in Webex"
                        if schedule_type == "Time"
                        else ": it is built without a holiday schedule"
                    ),
                    field=element,
                    value=name,
                )
                continue
            out[element] = found.name
            self.depends.append(found.id)
        if "businessSchedule" not in out:
            found = schedules.always_open(self.ctx, self.location)
            out["businessSchedule"] = found.name
            self.depends.append(found.id)
        return out

    def _menu(self, element: str, label: str) -> dict[str, Any]:
        raw = self.values.get(element)
        menu: dict[str, Any] = raw if isinstance(raw, dict) else {}
        greeting = "DEFAULT"
        if str(menu.get("announcementSelection") or "Default") != "Default":
            self.warn(
                "announcement_not_moved",
                f"the {label} menu plays a recorded greeting; recordings are not moved: "
                "proposed the default greeting (upload the recording in Control Hub)",
                field=f"{element}.announcementSelection",
                value=str(menu.get("announcementSelection")),
                proposed="DEFAULT",
            )
        keys = [self._key(element, label, entry) for entry in menu.get("keyConfiguration") or []]
        out: dict[str, Any] = {
            "greeting": greeting,
            "extensionEnabled": str(menu.get("enableFirstMenuLevelExtensionDialing", "")).lower()
            == "true",
            "keyConfigurations": [k for k in keys if k is not None],
        }
        timeout = self.values.get("firstDigitTimeoutSeconds")
        if timeout and str(timeout).isdigit():
            out["callTreatment"] = {"noInputTimer": int(str(timeout))}
        return out

    def _key(self, element: str, label: str, config: Any) -> dict[str, Any] | None:
        config = config if isinstance(config, dict) else {}
        key = str(config.get("key") or "")
        entry = _entry(config)
        action = str(entry.get("action") or "")
        description = entry.get("description")
        dialed = entry.get("phoneNumber")
        row: dict[str, Any] = {
            "menu": label,
            "key": key,
            "action": action,
            "description": description,
            "dialed": dialed,
            "submenu": entry.get("submenuId"),
        }
        self.key_rows.append(row)
        webex_action = ACTIONS.get(action)
        if key not in MENU_KEYS or webex_action is None:
            submenu = entry.get("submenuId")
            what = f"key {key} ({action}{f' {submenu}' if submenu else ''})"
            lacks = "submenus" if "Submenu" in action else (action or "such key")
            row["webex"] = "not migrated"
            self.lost.append(f"{label} menu: {what}")
            self.warn(
                "menu_key_unsupported",
                f"{label} menu {what}: Webex has no {lacks}; the key is left out",
                field=f"{element}.{key}",
                value=action,
            )
            return None
        out: dict[str, Any] = {"key": key, "action": webex_action}
        if description:
            out["description"] = str(description)
        if webex_action in TRANSFERS or (webex_action == "PLAY_ANNOUNCEMENT" and dialed):
            if dialed:
                value, target = self._target(str(dialed))
                out["value"] = value
                row["target"] = target
            elif webex_action != "TRANSFER_TO_OPERATOR":
                self.warn(
                    "menu_key_without_target",
                    f"{label} menu key {key} ({action}) names no number",
                    field=f"{element}.{key}",
                )
        row["webex"] = webex_action
        row["value"] = out.get("value")
        return out

    def _target(self, dialed: str) -> tuple[str, str]:
        """The key's Webex ``value`` and who answers it (for the review sheet)."""
        targets = _targets(self.ctx)
        owner = None
        value = dialed
        if is_digits(dialed):
            owner = targets.extensions.get((self.location.id, dialed))
        if owner is None and not dialed.startswith("+") and len(dialed) > 6:
            try:
                value = to_e164(dialed, self.profile.get("countryCode"), None)
            except NumberError:
                value = dialed
        if owner is None:
            owner = targets.numbers.get(value)
        if owner is None:
            return value, "number"
        kind, who = owner
        if kind == "subscriber":
            self.members.append(who)
            return value, f"subscriber {who}"
        if who != self.id:
            self.depends.append(who)
        return value, f"feature {who}"


def _entry(config: dict[str, Any]) -> dict[str, Any]:
    entry = config.get("entry")
    return entry if isinstance(entry, dict) else {}
