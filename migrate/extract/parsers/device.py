"""Access devices: the list, GroupAccessDeviceGet (every version), their users, registrations."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import boolean, integer, table, text
from migrate.extract.numbers import normalise_mac
from migrate.extract.parsers.base import Context, Sink, compact, join_key


def device_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """Device lists of a group, or of the whole system (with provider and group columns)."""
    rows = table(data, "Device Name")
    wide = "Group Id" in rows.headings
    sp_default = ctx.optional_key(data, "serviceProviderId")
    group_default = None if wide else ctx.key(data, "groupId", "GroupId")
    for row in rows:
        name = row.get("Device Name")
        if name is None:
            continue
        sp_id = row.get("Service Provider Id") or sp_default
        group_id = row.get("Group Id") or group_default
        if sp_id is None or group_id is None:
            continue  # a provider- or system-level device: not a group's phone
        mac = row.get("MAC Address")
        out.record(
            "devices",
            join_key(sp_id, group_id, name),
            "list",
            compact(
                {
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "device_name": name,
                    "device_level": "Group",
                    "device_type": row.get("Device Type"),
                    "mac_address_raw": mac,
                    "mac_address": normalise_mac(mac),
                    "version": row.get("Version"),
                    "status": row.get("Status"),
                    "net_address": row.get("Net Address"),
                }
            ),
        )


def device(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    # serviceProviderId, groupId and deviceName are echoed only from 22V2.
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId", "GroupId")
    name = ctx.key(data, "deviceName")
    mac = text(data.get("macAddress"))
    out.record(
        "devices",
        join_key(sp_id, group_id, name),
        "detail",
        compact(
            {
                "sp_id": sp_id,
                "group_id": group_id,
                "device_name": name,
                "device_level": "Group",
                "device_type": text(data.get("deviceType")),
                "mac_address_raw": mac,
                "mac_address": normalise_mac(mac),
                "version": text(data.get("version")),
                "status": text(data.get("status")),
                "protocol": text(data.get("protocol")),
                "net_address": text(data.get("netAddress")),
                "serial_number": text(data.get("serialNumber")),
                "description": text(data.get("description")),
                "response_type": ctx.ctype.name,
            }
        ),
    )


def device_users(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId", "GroupId")
    name = ctx.key(data, "deviceName")
    lines = []
    for row in table(data, "Line/Port"):
        lines.append(
            compact(
                {
                    "user_id": row.get("User Id"),
                    "line_port": row.get("Line/Port"),
                    "endpoint_type": row.get("Endpoint Type"),
                    "order": integer(row.get("Order")),
                    "primary_line_port": boolean(row.get("Primary Line/Port")),
                }
            )
        )
    out.record(
        "devices",
        join_key(sp_id, group_id, name),
        "userlist",
        {
            "sp_id": sp_id,
            "group_id": group_id,
            "device_name": name,
            "device_level": "Group",
            "lines": lines,
        },
    )


def registrations(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """User-Agents by device; keyed by user until the store knows the user's group."""
    user_id = ctx.key(data, "userId")
    for row in table(data, "Device Name"):
        name = row.get("Device Name")
        agent = row.get("User Agent")
        if name is None or agent is None:
            continue
        out.record(
            "user_devices",
            user_id,
            "registration",
            {
                "device_level": row.get("Device Level") or "Group",
                "device_name": name,
                "user_agents": [agent],
            },
        )


def shared_call_appearances(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    """A user's SCA endpoints: lines on other devices, attached once the user's group is known."""
    user_id = ctx.key(data, "userId")
    for row in table(data, "Device Name"):
        name = row.get("Device Name")
        if name is None:
            continue
        out.record(
            "user_devices",
            user_id,
            "registration",
            {
                "device_level": row.get("Device Level") or "Group",
                "device_name": name,
                "lines": [
                    compact(
                        {
                            "user_id": user_id,
                            "line_port": row.get("Line/Port"),
                            "endpoint_type": "Shared Call Appearance",
                        }
                    )
                ],
            },
        )
