"""BroadWorks access devices → Webex devices (model by type and User-Agent, MAC checked)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.locations import ensure_location
from migrate.mapping.rules import MIGRATED_DEVICE_KINDS
from migrate.plan.model import Device

_MAC_SEPARATORS = re.compile(r"[\s:.\-]+")
_MAC = re.compile(r"^[0-9A-F]{12}$")


def _line_order(line: inv.DeviceLine) -> tuple[bool, int, str]:
    # The primary line's user owns the device; shared appearances follow.
    order = line.order if line.order is not None else 1 << 30
    return (line.endpoint_type != "Primary", order, line.user_id or "")


class MacIndex(Protocol):
    """MAC → the device that has it first (devices in ``(sp, group, name)`` order)."""

    def __contains__(self, mac: object, /) -> bool: ...
    def __getitem__(self, mac: str, /) -> str: ...
    def setdefault(self, mac: str, device_id: str, /) -> str: ...


def map_devices(
    ctx: BuildContext, devices: Iterable[inv.Device], by_mac: MacIndex | None = None
) -> None:
    """``by_mac``: the MACs of the service providers mapped before this one, when the
    inventory is mapped one service provider at a time (MACs are unique platform-wide)."""
    if by_mac is None:
        by_mac = {}
    records = sorted(devices, key=lambda d: (d.sp_id, d.group_id, d.device_name))
    for device in records:
        _map_device(ctx, device, by_mac)


def _map_device(ctx: BuildContext, device: inv.Device, by_mac: MacIndex) -> None:
    location = ensure_location(ctx, device.sp_id, device.group_id)
    cid = location.customer_id
    did = f"{device.sp_id}/{device.group_id}/{device.device_name}"
    agents = [ua for ua in [device.version, *device.user_agents] if ua]
    match = ctx.tables.devices.classify(device.device_type, agents)
    lines = sorted(device.lines, key=_line_order)
    users = [ln.user_id for ln in lines if ln.user_id]
    record = Device(
        id=did,
        customer_id=cid,
        location_id=location.id,
        bw_key={
            "sp_id": device.sp_id,
            "group_id": device.group_id,
            "device_name": device.device_name,
        },
        device_name=device.device_name,
        device_type=device.device_type,
        model=match.model,
        kind=match.kind,
        evidence=match.evidence,
        owner=users[0] if users else None,
        lines=list(dict.fromkeys(users)),  # port order: shared lines keep their keys
    )
    raw_mac = device.mac_address_raw or device.mac_address
    record.mac_raw = raw_mac
    reason: str | None = None
    if match.kind not in MIGRATED_DEVICE_KINDS:
        reason = {"soft_client": "soft client: becomes the Webex App"}.get(
            match.kind, match.note or match.kind
        )
    if raw_mac and raw_mac.strip():
        mac = _MAC_SEPARATORS.sub("", raw_mac).upper()
        if _MAC.match(mac):
            record.mac = mac
            if mac in by_mac and match.kind in MIGRATED_DEVICE_KINDS:
                ctx.issues.blocker(
                    "duplicate_mac",
                    entity="device",
                    key=did,
                    customer_id=cid,
                    message=f"MAC {mac} is also on {by_mac[mac]}",
                    field="mac",
                    value=raw_mac,
                )
                reason = reason or f"duplicate MAC (also on {by_mac[mac]})"
            by_mac.setdefault(mac, did)
        elif match.kind in MIGRATED_DEVICE_KINDS:
            ctx.issues.blocker(
                "invalid_mac",
                entity="device",
                key=did,
                customer_id=cid,
                message=f"MAC {raw_mac!r} is not 12 hex digits",
                field="mac",
                value=raw_mac,
            )
            reason = reason or "malformed MAC address"
    if record.mac is None and reason is None:
        reason = "no MAC address: add it by activation code after the move"
        ctx.issues.warning(
            "device_without_mac",
            entity="device",
            key=did,
            customer_id=cid,
            message="no MAC address: the device cannot be added by MAC",
            field="mac",
        )
    if match.kind == "unknown":
        ctx.issues.warning(
            "device_model_unknown",
            entity="device",
            key=did,
            customer_id=cid,
            message=f"{device.device_type!r} does not tell the model and no "
            "User-Agent does: register the phone or add a devices.csv rule",
            field="model",
            value=device.device_type,
        )
    record.migrate = reason is None
    record.reason = reason
    if reason is not None:
        items = [f"type {device.device_type or '?'}"]
        if record.mac:
            items.append(f"MAC {record.mac}")
        items.extend(f"line {u}" for u in record.lines)
        rebuild = (
            "sign in to the Webex App"
            if match.kind == "soft_client"
            else "add the device in Control Hub once the model/MAC is known"
        )
        ctx.model.add_not_migrated(
            kind="device",
            key=did,
            customer_id=cid,
            location_id=location.id,
            bw_key=record.bw_key,
            name=device.device_name,
            items=items,
            reason=reason,
            rebuild=rebuild,
        )
    ctx.model.devices[did] = record
