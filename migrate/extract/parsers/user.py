"""Users: list rows, UserGet (every version), services and service packs."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import Table, as_list, boolean, table, text
from migrate.extract.numbers import to_e164
from migrate.extract.parsers.base import (
    Context,
    MissingKey,
    Sink,
    address,
    compact,
    join_key,
)


def user_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """User lists of a group, a service provider or the system.

    The group-level request spells its element ``GroupId`` (capital G); the
    wider lists name the service provider and group in columns instead.
    """
    rows = table(data, "User Id")
    wide = "Group Id" in rows.headings
    sp_default = ctx.optional_key(data, "serviceProviderId")
    group_default = None if wide else ctx.key(data, "GroupId", "groupId")
    for row in rows:
        user_id = row.get("User Id")
        if user_id is None:
            continue
        sp_id = row.get("Service Provider Id") or sp_default
        group_id = row.get("Group Id") or group_default
        if sp_id is None:
            raise MissingKey("serviceProviderId")
        cc = row.get("Country Code")
        raw = row.get("Phone Number")
        number = to_e164(raw, cc, row.get("National Prefix"))
        out.record(
            "users",
            user_id,
            "list",
            compact(
                {
                    "user_id": user_id,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "last_name": row.get("Last Name"),
                    "first_name": row.get("First Name"),
                    "department": row.get("Department"),
                    "phone_number_raw": raw,
                    "phone_number": number,
                    "email": row.get("Email Address"),
                    "extension": row.get("Extension"),
                    "country_code": cc,
                    "national_prefix": row.get("National Prefix"),
                    "trunk_user": boolean(row.get("In Trunk Group")),
                    "external_id": row.get("User External Id"),
                }
            ),
        )
        _user_number(
            out, number, raw, sp_id, group_id, user_id, boolean(row.get("Phone Number Activated"))
        )


def _user_number(
    out: Sink,
    number: str | None,
    raw: str | None,
    sp_id: str | None,
    group_id: str | None,
    user_id: str,
    activated: bool | None = None,
) -> None:
    """The user's own number, as a numbers record (the DN table may not list it)."""
    if number is not None:
        out.record(
            "numbers",
            number,
            "user",
            compact(
                {
                    "phone_number": number,
                    "phone_number_raw": raw,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "user_id": user_id,
                    "user_type": "Normal",
                    "activated": activated,
                }
            ),
        )


def _department(value: Any) -> str | None:
    if isinstance(value, dict):
        return text(value.get("name"))
    return text(value)


def user(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    # userId is echoed only from UserGetResponse22; older versions rely on the request.
    user_id = ctx.key(data, "userId")
    sp_id = ctx.optional_key(data, "serviceProviderId")
    group_id = ctx.optional_key(data, "groupId")
    cc = text(data.get("countryCode"))
    national_prefix = text(data.get("nationalPrefix"))
    raw = text(data.get("phoneNumber"))
    number = to_e164(raw, cc, national_prefix)
    endpoint = data.get("accessDeviceEndpoint")
    endpoint_data = None
    if isinstance(endpoint, dict):
        device = endpoint.get("accessDevice")
        device = device if isinstance(device, dict) else {}
        endpoint_data = compact(
            {
                "device_level": text(device.get("deviceLevel")),
                "device_name": text(device.get("deviceName")),
                "line_port": text(endpoint.get("linePort")),
            }
        )
    out.record(
        "users",
        user_id,
        "detail",
        compact(
            {
                "user_id": user_id,
                "sp_id": sp_id,
                "group_id": group_id,
                "last_name": text(data.get("lastName")),
                "first_name": text(data.get("firstName")),
                "calling_line_id_last_name": text(data.get("callingLineIdLastName")),
                "calling_line_id_first_name": text(data.get("callingLineIdFirstName")),
                "phone_number_raw": raw,
                "phone_number": number,
                "extension": text(data.get("extension")),
                "country_code": cc,
                "national_prefix": national_prefix,
                "email": text(data.get("emailAddress")),
                "language": text(data.get("language")),
                "time_zone": text(data.get("timeZone")),
                "time_zone_display_name": text(data.get("timeZoneDisplayName")),
                "title": text(data.get("title")),
                "mobile_phone_number": text(data.get("mobilePhoneNumber")),
                "department": _department(data.get("department")),
                "address": address(data.get("address")),
                "is_place": boolean(data.get("isPlace")),
                "endpoint": endpoint_data or None,
                "trunk_user": True if "trunkAddressing" in data else None,
                "external_id": text(data.get("userExternalId")),
                "response_type": ctx.ctype.name,
            }
        ),
    )
    _user_number(out, number, raw, sp_id, group_id, user_id)
    if endpoint_data and endpoint_data.get("device_name") and sp_id:
        level = endpoint_data.get("device_level") or "Group"
        dev_sp, dev_group = _device_owner(level, sp_id, group_id)
        out.record(
            "devices",
            join_key(dev_sp, dev_group, endpoint_data["device_name"]),
            "endpoint",
            compact(
                {
                    "sp_id": dev_sp,
                    "group_id": dev_group,
                    "device_name": endpoint_data["device_name"],
                    "device_level": level,
                    "lines": [
                        compact(
                            {
                                "user_id": user_id,
                                "line_port": endpoint_data.get("line_port"),
                                "endpoint_type": "Primary",
                            }
                        )
                    ],
                }
            ),
        )


def _device_owner(level: str, sp_id: str, group_id: str | None) -> tuple[str, str]:
    if level == "System":
        return "", ""
    if level == "Service Provider":
        return sp_id, ""
    return sp_id, group_id or ""


def user_services(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """UserServiceGetAssignmentListResponse: every authorised service, filtered on Assigned."""
    user_id = ctx.key(data, "userId")
    out.record(
        "users",
        user_id,
        "services",
        {
            "user_id": user_id,
            "service_packs": _assigned(table(data, "Service Pack Name"), "Service Pack Name"),
            "services": _assigned(table(data, "Service Name"), "Service Name"),
        },
    )


def _assigned(rows: Table, heading: str) -> list[str]:
    """The names under ``heading`` of the rows whose Assigned cell says true, sorted, once each."""
    return sorted(
        {name for row in rows if (name := row.get(heading)) and boolean(row.get("Assigned"))}
    )


def user_assigned_services(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """UserAssignedServicesGetListResponse: only what is assigned, user and group services."""
    user_id = ctx.key(data, "userId")
    out.record(
        "users",
        user_id,
        "assigned",
        {
            "user_id": user_id,
            "services": _service_names(data.get("userServiceEntry")),
            "group_services": _service_names(data.get("groupServiceEntry")),
        },
    )


def _service_names(entries: Any) -> list[str]:
    return sorted(
        {
            name
            for entry in as_list(entries)
            if (name := text(entry.get("serviceName")) if isinstance(entry, dict) else text(entry))
        }
    )
