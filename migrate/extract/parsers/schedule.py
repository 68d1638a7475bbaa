"""Time and holiday schedules of a group or of its provider (enterprise), with their events.

A schedule is keyed ``sp/group/schedule/Time|Holiday/name`` (the group empty at
provider level), so a group's list row, the provider's list and the event reads of
one schedule merge into one record. Events are kept by name under
``values["events"]``, each under its OCI-P element names (``startDate``,
``allDayEvent``, ``startTime`` {hour, minute}, ``recurrence`` ...): the detail list
and a single event read of the same event merge field by field.

The responses echo no keys: the schedule's provider, group, name and type come from
the paired request (``scheduleKey`` is read by the extractor as its two leaves).
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import as_list, text
from migrate.extract.parsers.base import Context, Sink, compact
from migrate.extract.parsers.user_settings import plain
from migrate.inventory import schedule_feature_id

ENTITY = "group_features"
KIND = "schedule"
PROVIDER_LEVEL = "Service Provider"


def _record(
    out: Sink,
    ctx: Context,
    part: str,
    sp_id: str,
    group_id: str | None,
    schedule_type: str,
    name: str,
    values: dict[str, Any],
) -> None:
    feature_id = schedule_feature_id(sp_id, group_id, schedule_type, name)
    out.record(
        ENTITY,
        feature_id,
        part,
        compact(
            {
                "id": feature_id,
                "kind": KIND,
                "sp_id": sp_id,
                "group_id": group_id,
                "name": name,
                "values": {"scheduleType": schedule_type, **values},
                "commands": [ctx.ctype.name],
            }
        ),
    )


def _listed(
    out: Sink, ctx: Context, sp_id: str, group_id: str | None, key: Any, level: str | None
) -> None:
    key = key if isinstance(key, dict) else {}
    name, schedule_type = text(key.get("scheduleName")), text(key.get("scheduleType"))
    if name is None or schedule_type is None or level == "User":
        return  # a user's own schedule is no location's
    at_group = group_id if level != PROVIDER_LEVEL else None
    values = {"scheduleLevel": level or ("Group" if at_group else PROVIDER_LEVEL)}
    _record(out, ctx, ctx.ctype.base, sp_id, at_group, schedule_type, name, values)


def group_schedule_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """``GroupScheduleGetListResponse17sp1`` (``scheduleGlobalKey`` rows) and the older
    ``GroupScheduleGetListResponse`` (parallel ``scheduleName``/``Type``/``Level`` lists)."""
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId")
    for row in as_list(data.get("scheduleGlobalKey")):
        if isinstance(row, dict):
            _listed(
                out, ctx, sp_id, group_id, row.get("scheduleKey"), text(row.get("scheduleLevel"))
            )
    names = as_list(data.get("scheduleName"))
    types = as_list(data.get("scheduleType"))
    levels = as_list(data.get("scheduleLevel"))
    for index, name in enumerate(names):
        schedule_type = types[index] if index < len(types) else None
        level = levels[index] if index < len(levels) else None
        key = {"scheduleName": name, "scheduleType": schedule_type}
        _listed(out, ctx, sp_id, group_id, key, text(level))


def provider_schedule_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """``ServiceProviderScheduleGetListResponse``: the enterprise's own schedules."""
    sp_id = ctx.key(data, "serviceProviderId")
    for key in as_list(data.get("scheduleKey")):
        _listed(out, ctx, sp_id, None, key, PROVIDER_LEVEL)


def _event(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in raw.items() if v is not None and k not in EVENT_NAMES}


EVENT_NAMES = ("eventName", "eventname")  # the R17 schema spells the detail list's lower case


def _events(data: dict[str, Any], ctx: Context, out: Sink, group_id: str | None) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    name = ctx.key(data, "scheduleName")
    schedule_type = ctx.key(data, "scheduleType")
    events: dict[str, Any] = {}
    single = ctx.optional_key(data, "eventName")
    if single is not None and "scheduleEventsList" not in data:
        events[single] = _event(data)
    for raw in as_list(data.get("scheduleEventsList")):
        if not isinstance(raw, dict):
            continue
        event_name = next((text(raw.get(n)) for n in EVENT_NAMES if text(raw.get(n))), None)
        if event_name is not None:
            events[event_name] = _event(raw)
    level = "Group" if group_id else PROVIDER_LEVEL
    values = {"scheduleLevel": level, "events": events}
    _record(out, ctx, ctx.ctype.base, sp_id, group_id, schedule_type, name, values)


def group_schedule_events(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """``GroupScheduleGetEventDetailListResponse`` (every event) or ``…GetEventResponse``."""
    _events(data, ctx, out, ctx.key(data, "groupId"))


def provider_schedule_events(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """The same for an enterprise schedule (``ServiceProviderSchedule…``)."""
    _events(data, ctx, out, None)
