"""BroadWorks time and holiday schedules → Webex location schedules.

A group's schedule becomes a schedule of the group's location. An enterprise
(provider-level) schedule has no location of its own: it is copied into every
location whose features use it (:func:`location_schedule`), and one that no
migrated feature uses goes to every location of its enterprise, so nothing is
lost. Webex names a schedule uniquely per type within a location: a second
schedule of the same name and type there gets a suffix and a warning.

Events keep their name, dates, times and recurrence. Webex location schedules
repeat weekly or yearly; what they cannot say (a daily repeat every n days,
monthly repeats, "last" weekday of a month) is an issue with what was proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.locations import ensure_location
from migrate.plan.model import CallFeature, Location

KIND = "schedule"
WEBEX_TYPES = {"Time": "businessHours", "Holiday": "holidays"}
PROVIDER_LEVEL = "Service Provider"
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
WEEKS = {"First": "FIRST", "Second": "SECOND", "Third": "THIRD", "Fourth": "FOURTH"}
ALWAYS_OPEN = "Always open"  # what an auto attendant without business hours gets
_NOTES = "schedules"


@dataclass
class _Notes:
    """Schedules seen and placed in this build."""

    features: dict[str, inv.GroupFeature] = field(default_factory=dict)  # bw id → schedule
    placed: dict[tuple[str, str], str] = field(default_factory=dict)  # (bw id, location) → id
    names: set[tuple[str, str, str]] = field(default_factory=set)  # (location, type, name)
    used: dict[str, set[tuple[str, str]]] | None = None  # bw id → (sp, group) using it


def _notes(ctx: BuildContext) -> _Notes:
    notes = ctx.feature_notes.get(_NOTES)
    if not isinstance(notes, _Notes):
        notes = ctx.feature_notes[_NOTES] = _Notes()
    return notes


def map_schedule(ctx: BuildContext, feature: inv.GroupFeature) -> None:
    notes = _notes(ctx)
    notes.features[feature.id] = feature
    if feature.group_id:
        location_schedule_of(ctx, feature, ensure_location(ctx, feature.sp_id, feature.group_id))
        return
    users = _usage(ctx).get(feature.id)
    if users is None:
        users = {(sp, group) for sp, group in ctx.groups if sp == feature.sp_id}
        ctx.issues.warning(
            "schedule_unused",
            entity="call_feature",
            key=f"{KIND}:{feature.id}",
            customer_id=None,
            message=f"enterprise schedule {feature.name!r} is used by no migrated auto "
            "attendant: copied into every location of the enterprise; delete the copies "
            "not needed",
        )
    for sp_id, group_id in sorted(users):
        location_schedule_of(ctx, feature, ensure_location(ctx, sp_id, group_id))


def _usage(ctx: BuildContext) -> dict[str, set[tuple[str, str]]]:
    """Enterprise schedule → the groups whose auto attendants name it (read once)."""
    notes = _notes(ctx)
    if notes.used is None:
        notes.used = {}
        instances = {i.service_user_id: i for i in inv.read(ctx.workspace, "service_instances")}
        for feature in inv.read(ctx.workspace, "group_features"):
            if feature.kind != "auto_attendant":
                continue
            instance = instances.get(feature.id)
            sp_id = feature.sp_id or (instance.sp_id if instance else None)
            group_id = feature.group_id or (instance.group_id if instance else None)
            if not sp_id or not group_id:
                continue
            for level, schedule_type, name in schedule_references(feature.values):
                if level != "Group":
                    bw_id = inv.schedule_feature_id(sp_id, None, schedule_type, name)
                    notes.used.setdefault(bw_id, set()).add((sp_id, group_id))
    return notes.used


def schedule_references(values: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    """``(level or None, Time|Holiday, name)`` of the schedules an auto attendant names.

    Up to R17 a reference is a bare name (level ``None``: the group's, else the
    enterprise's); from R17sp1 it is ``{type: level, name}``.
    """
    out: list[tuple[str | None, str, str]] = []
    for element, schedule_type in (
        ("businessHours", "Time"),
        ("holidaySchedule", "Holiday"),
        ("holidayScheduleName", "Holiday"),
    ):
        value = values.get(element)
        if isinstance(value, str) and value:
            out.append((None, schedule_type, value))
        elif isinstance(value, dict) and value.get("name"):
            out.append((str(value.get("type") or "Group"), schedule_type, str(value["name"])))
    return out


def find_schedule(
    ctx: BuildContext,
    sp_id: str,
    group_id: str,
    level: str | None,
    schedule_type: str,
    name: str,
    location: Location,
) -> CallFeature | None:
    """The location's copy of a schedule a feature of ``group_id`` names, if extracted."""
    notes = _notes(ctx)
    places: list[str | None] = [group_id, None]  # a bare name: the group's, else the enterprise's
    if level == "Group":
        places = [group_id]
    elif level == PROVIDER_LEVEL:
        places = [None]
    for at in places:
        bw = notes.features.get(inv.schedule_feature_id(sp_id, at, schedule_type, name))
        if bw is not None:
            return location_schedule_of(ctx, bw, location)
    return None


def always_open(ctx: BuildContext, location: Location) -> CallFeature:
    """A business-hours schedule open all day every day: BroadWorks' "no schedule"."""
    feature_id = f"{KIND}:{location.id}/{ALWAYS_OPEN}"
    existing = ctx.model.features.get(feature_id)
    if existing is not None:
        return existing
    name = _unique_name(ctx, location, "businessHours", ALWAYS_OPEN, feature_id)
    event = {
        "name": "Every day",
        "startDate": "2020-01-01",
        "endDate": "2020-01-01",
        "allDayEnabled": True,
        "recurrence": {"recurForEver": True, "recurWeekly": dict.fromkeys(DAYS, True)},
    }
    feature = CallFeature(
        id=feature_id,
        kind=KIND,
        customer_id=location.customer_id,
        location_id=location.id,
        name=name,
        bw_key={"location_id": location.id},
        webex={"name": name, "type": "businessHours", "events": [event]},
        bw_values={"scheduleLevel": "none", "scheduleType": "Time"},
    )
    ctx.model.features[feature_id] = feature
    return feature


def location_schedule_of(
    ctx: BuildContext, bw: inv.GroupFeature, location: Location
) -> CallFeature:
    """``bw``'s schedule in ``location``, mapped the first time it is asked for."""
    notes = _notes(ctx)
    placed = notes.placed.get((bw.id, location.id))
    if placed is not None:
        return ctx.model.features[placed]
    values = bw.values
    schedule_type = str(values.get("scheduleType") or "Time")
    webex_type = WEBEX_TYPES.get(schedule_type, "businessHours")
    feature_id = f"{KIND}:{bw.id}" if bw.group_id else f"{KIND}:{bw.id}@{location.id}"
    name = _unique_name(ctx, location, webex_type, bw.name or "Schedule", feature_id)
    raw_events = values.get("events")
    raw_events = raw_events if isinstance(raw_events, dict) else {}
    events = []
    for event_name in sorted(raw_events):
        raw = raw_events[event_name]
        if isinstance(raw, dict):
            events.append(webex_event(ctx, feature_id, location, event_name, raw))
    feature = CallFeature(
        id=feature_id,
        kind=KIND,
        customer_id=location.customer_id,
        location_id=location.id,
        name=name,
        bw_key={
            "sp_id": bw.sp_id,
            "group_id": bw.group_id or "",
            "schedule_type": schedule_type,
            "name": bw.name or "",
        },
        webex={"name": name, "type": webex_type, "events": events},
        bw_values={
            "scheduleLevel": values.get("scheduleLevel") or ("Group" if bw.group_id else "-"),
            "scheduleType": schedule_type,
            "events": raw_events,
        },
    )
    ctx.model.features[feature_id] = feature
    notes.placed[(bw.id, location.id)] = feature_id
    return feature


def _unique_name(
    ctx: BuildContext, location: Location, webex_type: str, wanted: str, feature_id: str
) -> str:
    names = _notes(ctx).names
    name, n = wanted, 1
    while (location.id, webex_type, name.casefold()) in names:
        n += 1
        name = f"{wanted} ({n})"
    if name != wanted:
        ctx.issues.warning(
            "schedule_name_taken",
            entity="call_feature",
            key=feature_id,
            customer_id=location.customer_id,
            message=f"location {location.id} already has a {webex_type} schedule named "
            f"{wanted!r} (a group and an enterprise schedule share it): this one is "
            f"renamed {name!r}",
            field="name",
            value=wanted,
            proposed=name,
        )
    names.add((location.id, webex_type, name.casefold()))
    return name


def _time(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    try:
        return f"{int(value.get('hour') or 0):02d}:{int(value.get('minute') or 0):02d}"
    except ValueError:
        return None


def webex_event(
    ctx: BuildContext, feature_id: str, location: Location, name: str, raw: dict[str, Any]
) -> dict[str, Any]:
    """One BroadWorks ``ScheduleEvents`` entry as a Webex schedule event."""
    start = raw.get("startDate")
    event: dict[str, Any] = {
        "name": name,
        "startDate": start,
        "endDate": raw.get("endDate") or start,
    }
    all_day = str(raw.get("allDayEvent", "")).lower() == "true"
    event["allDayEnabled"] = all_day
    if not all_day:
        event["startTime"] = _time(raw.get("startTime")) or "00:00"
        event["endTime"] = _time(raw.get("endTime")) or "23:59"
    recurrence = raw.get("recurrence")
    if isinstance(recurrence, dict):
        mapped = _recurrence(ctx, feature_id, location, name, recurrence)
        if mapped:
            event["recurrence"] = mapped
    return event


def _interval(block: dict[str, Any]) -> int:
    try:
        return int(block.get("recurInterval") or 1)
    except ValueError:
        return 1


def _recurrence(
    ctx: BuildContext, feature_id: str, location: Location, event: str, raw: dict[str, Any]
) -> dict[str, Any] | None:
    def lacking(what: str, proposed: str) -> None:
        ctx.issues.warning(
            "schedule_recurrence_unsupported",
            entity="call_feature",
            key=f"{feature_id}/{event}",
            customer_id=location.customer_id,
            message=f"event {event!r} repeats {what}; Webex location schedules repeat "
            f"weekly or yearly: {proposed}",
            field="recurrence",
            value=what,
            proposed=proposed,
        )

    out: dict[str, Any] = {}
    if str(raw.get("recurForEver", "")).lower() == "true":
        out["recurForEver"] = True
    elif raw.get("recurEndDate"):
        out["recurEndDate"] = raw["recurEndDate"]
    elif raw.get("recurEndOccurrence"):
        out["recurEndOccurrence"] = int(raw["recurEndOccurrence"])
    else:
        out["recurForEver"] = True
    daily = raw.get("recurDaily")
    weekly = raw.get("recurWeekly")
    if isinstance(daily, dict):
        if _interval(daily) != 1:
            lacking(f"every {_interval(daily)} days", "proposed every day of the week")
        out["recurWeekly"] = dict.fromkeys(DAYS, True)
    elif isinstance(weekly, dict):
        if _interval(weekly) != 1:
            lacking(f"every {_interval(weekly)} weeks", "proposed every week")
        out["recurWeekly"] = {d: str(weekly.get(d, "")).lower() == "true" for d in DAYS}
    elif isinstance(raw.get("recurYearlyByDay"), dict):
        yearly = raw["recurYearlyByDay"]
        out["recurYearlyByDate"] = {
            "dayOfMonth": int(yearly.get("dayOfMonth") or 1),
            "month": str(yearly.get("month") or "January").upper(),
        }
    elif isinstance(raw.get("recurYearlyByWeek"), dict):
        yearly = raw["recurYearlyByWeek"]
        week = str(yearly.get("dayOfWeekInMonth") or "First")
        if week not in WEEKS:
            lacking(f"on the {week.lower()} {yearly.get('dayOfWeek')}", "proposed the fourth")
        out["recurYearlyByDay"] = {
            "day": str(yearly.get("dayOfWeek") or "Monday").upper(),
            "week": WEEKS.get(week, "FOURTH"),
            "month": str(yearly.get("month") or "January").upper(),
        }
    else:
        for element in ("recurMonthlyByDay", "recurMonthlyByWeek"):
            if isinstance(raw.get(element), dict):
                lacking("monthly", "only its first occurrence is kept; add the others by hand")
                ctx.model.add_not_migrated(
                    kind="schedule_event",
                    key=f"{feature_id}/{event}",
                    customer_id=location.customer_id,
                    location_id=location.id,
                    bw_key={"schedule": feature_id, "event": event},
                    name=event,
                    items=[f"monthly recurrence {_describe(raw[element])}"],
                    reason="Webex location schedules have no monthly recurrence",
                    rebuild="add one event per month to the Webex schedule",
                )
        return None
    return out


def _describe(block: Any) -> str:
    items = block.items() if isinstance(block, dict) else []
    return ", ".join(f"{k}={v}" for k, v in items)


def recurrence_text(recurrence: Any) -> str:
    """How the review sheet shows a BroadWorks recurrence."""
    if not isinstance(recurrence, dict):
        return ""
    parts = []
    for name, value in recurrence.items():
        if isinstance(value, dict):
            days = [k for k, v in value.items() if k in DAYS and str(v).lower() == "true"]
            rest = {k: v for k, v in value.items() if k not in DAYS}
            parts.append(f"{name}({', '.join(days + [f'{k}={v}' for k, v in rest.items()])})")
        else:
            parts.append(f"{name}={value}")
    return "; ".join(parts)


__all__ = [
    "ALWAYS_OPEN",
    "always_open",
    "find_schedule",
    "location_schedule_of",
    "map_schedule",
    "recurrence_text",
    "schedule_references",
]
