"""Call park groups, call pickup groups and group paging: their members and settings.

Call park and call pickup groups have no service user: they are keyed by their
group and name (``sp/group/call_park/name``), which only the paired request
says. A group's call park recall settings (``GroupCallParkGetResponse``) are one
record per group (``sp/group/call_park``). A paging group is a service user;
its instance, originators and targets come from three commands and merge.
Members keep BroadWorks order: the order calls are parked on, pages sent to.
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import Table, as_list, table, text
from migrate.extract.numbers import to_e164
from migrate.extract.parsers.base import Context, Parser, Sink, compact
from migrate.extract.parsers.user_settings import plain

ENTITY = "group_features"
CALL_PARK, CALL_PICKUP, PAGING = "call_park", "call_pickup", "paging_group"
# The user table columns kept in ``values`` besides the ids (the review sheet shows them).
_SHOWN = ("Last Name", "First Name", "Phone Number", "Extension")


def feature_key(sp_id: str, group_id: str, kind: str, name: str | None = None) -> str:
    """The inventory id of a call park or pickup group (``name`` None: the group's settings)."""
    return "/".join(p for p in (sp_id, group_id, kind, name) if p is not None)


def _users(rows: Table) -> tuple[list[str], list[dict[str, str]]]:
    ids: list[str] = []
    shown: list[dict[str, str]] = []
    for row in rows:
        user_id = text(row.get("User Id"))
        if user_id:
            ids.append(user_id)
            shown.append({"User Id": user_id, **{h: v for h in _SHOWN if (v := text(row.get(h)))}})
    return ids, shown


def _values(data: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: plain(v) for k, v in data.items() if k not in skip and v is not None}


def _named_group(kind: str) -> Parser:
    """A call park or pickup group's instance: its members (and recall, for park)."""

    def parse(data: dict[str, Any], ctx: Context, out: Sink) -> None:
        sp_id = ctx.key(data, "serviceProviderId")
        group_id = ctx.key(data, "groupId")
        name = ctx.key(data, "name")
        members, shown = _users(table(data, "User Id"))
        values = _values(data, ("serviceProviderId", "groupId", "name", "userTable"))
        out.record(
            ENTITY,
            feature_key(sp_id, group_id, kind, name),
            "detail",
            {
                "id": feature_key(sp_id, group_id, kind, name),
                "kind": kind,
                "sp_id": sp_id,
                "group_id": group_id,
                "name": name,
                "values": {**values, "users": shown},
                "members": members,
                "commands": [ctx.ctype.name],
            },
        )

    return parse


def _named_list(kind: str) -> Parser:
    """A group's call park or pickup group names (each is asked for by name next)."""

    def parse(data: dict[str, Any], ctx: Context, out: Sink) -> None:
        sp_id = ctx.key(data, "serviceProviderId")
        group_id = ctx.key(data, "groupId")
        for name in as_list(data.get("name")):
            name = text(name)
            if name is None:
                continue
            out.record(
                ENTITY,
                feature_key(sp_id, group_id, kind, name),
                "list",
                {
                    "id": feature_key(sp_id, group_id, kind, name),
                    "kind": kind,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "name": name,
                    "commands": [ctx.ctype.name],
                },
            )

    return parse


def call_park_settings(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """The group's call park recall timers and recall destination."""
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId")
    key = feature_key(sp_id, group_id, CALL_PARK)
    out.record(
        ENTITY,
        key,
        "settings",
        {
            "id": key,
            "kind": "call_park_settings",
            "sp_id": sp_id,
            "group_id": group_id,
            "values": _values(data, ("serviceProviderId", "groupId")),
            "commands": [ctx.ctype.name],
        },
    )


def paging(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    service_user_id = ctx.key(data, "serviceUserId")
    profile = data.get("serviceInstanceProfile")
    profile = profile if isinstance(profile, dict) else {}
    raw = text(profile.get("phoneNumber"))
    number = to_e164(raw, text(profile.get("countryCode")), text(profile.get("nationalPrefix")))
    sp_id = ctx.optional_key(data, "serviceProviderId")
    group_id = ctx.optional_key(data, "groupId")
    values = _values(data, ("serviceUserId", "serviceProviderId", "groupId"))
    if number is not None:
        values["phoneNumberE164"] = number
    out.record(
        ENTITY,
        service_user_id,
        "detail",
        compact(
            {
                "id": service_user_id,
                "kind": PAGING,
                "sp_id": sp_id,
                "group_id": group_id,
                "name": text(profile.get("name")),
                "values": values,
                "commands": [ctx.ctype.name],
            }
        ),
    )
    if number is not None:
        out.record(
            "numbers",
            number,
            "instance",
            compact(
                {
                    "phone_number": number,
                    "phone_number_raw": raw,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "user_id": service_user_id,
                    "user_type": "Group Paging",
                }
            ),
        )


def paging_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId")
    for row in table(data, "Service User Id"):
        service_user_id = text(row.get("Service User Id"))
        if service_user_id is None:
            continue
        out.record(
            ENTITY,
            service_user_id,
            "list",
            compact(
                {
                    "id": service_user_id,
                    "kind": PAGING,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "name": text(row.get("Name")),
                    "values": {"isActive": text(row.get("Is Active"))},
                    "commands": [ctx.ctype.name],
                }
            ),
        )


def _paging_members(part: str) -> Parser:
    """Originators or targets of a paging group; targets are the group's members."""

    def parse(data: dict[str, Any], ctx: Context, out: Sink) -> None:
        service_user_id = ctx.key(data, "serviceUserId")
        ids, shown = _users(table(data, "User Id"))
        record: dict[str, Any] = {
            "id": service_user_id,
            "kind": PAGING,
            "values": {part: ids, f"{part}_users": shown},
            "commands": [ctx.ctype.name],
        }
        if part == "targets":
            record["members"] = ids
        out.record(ENTITY, service_user_id, part, record)

    return parse


PARSERS: dict[str, Parser] = {
    "GroupCallParkGetInstanceListResponse": _named_list(CALL_PARK),
    "GroupCallParkGetInstanceResponse": _named_group(CALL_PARK),
    "GroupCallParkGetResponse": call_park_settings,
    "GroupCallPickupGetInstanceListResponse": _named_list(CALL_PICKUP),
    "GroupCallPickupGetInstanceResponse": _named_group(CALL_PICKUP),
    "GroupGroupPagingGetInstanceListResponse": paging_list,
    "GroupGroupPagingGetInstanceResponse": paging,
    "GroupGroupPagingGetOriginatorListResponse": _paging_members("originators"),
    "GroupGroupPagingGetTargetListResponse": _paging_members("targets"),
}

__all__ = ["CALL_PARK", "CALL_PICKUP", "PAGING", "PARSERS", "feature_key"]
