"""Workspaces and devices (research §6; ``specs/webex-device.json``): what a migration
needs to move common-area phones and desk phones.

* ``POST /workspaces`` (201): ``displayName``, ``orgId``, ``locationId``,
  ``supportedDevices``, ``calling{type: webexCalling, webexCalling{phoneNumber,
  extension, locationId, licenses[]}}``.
* ``POST /devices?orgId=`` (200): ``mac``, ``model`` and exactly one of
  ``personId`` / ``workspaceId``.

Neither POST is repeated on a lost answer (the client's rule for POST):
look the object up first — a device by MAC, a workspace by name in its location.

* ``GET/PUT /telephony/config/devices/{id}/members``: the lines of a phone. The PUT
  replaces the whole list, so it is safe to repeat.
* ``GET /telephony/config/supportedDevices`` and
  ``POST /telephony/config/devices/actions/validateMacs/invoke`` (a read: repeatable).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from migrate.webex.client import WebexClient

_MAC_NOISE = re.compile(r"[^0-9A-Fa-f]")


def normalise_mac(mac: str) -> str:
    """``11:22:33:44:aa:ff`` (how Webex shows a MAC) → ``11223344AAFF``."""
    return _MAC_NOISE.sub("", mac).upper()


def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value) if value is not None else None


@dataclass(frozen=True)
class Workspace:
    id: str
    display_name: str
    location_id: str | None
    org_id: str | None
    calling_type: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Workspace:
        calling = data.get("calling") if isinstance(data.get("calling"), dict) else {}
        return cls(
            id=str(data["id"]),
            display_name=str(data.get("displayName", "")),
            location_id=_str(data, "locationId"),
            org_id=_str(data, "orgId"),
            calling_type=_str(calling or {}, "type"),
            raw=data,
        )


@dataclass(frozen=True)
class Device:
    id: str
    mac: str | None  # normalised: 12 upper-case hex digits
    product: str | None
    person_id: str | None
    workspace_id: str | None
    connection_status: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Device:
        mac = _str(data, "mac")
        return cls(
            id=str(data["id"]),
            mac=normalise_mac(mac) if mac else None,
            product=_str(data, "product"),
            person_id=_str(data, "personId"),
            workspace_id=_str(data, "workspaceId"),
            connection_status=_str(data, "connectionStatus"),
            raw=data,
        )


# What a PUT of the member list carries of each member (Webex's PutMemberObject).
PUT_MEMBER_FIELDS = (
    "id",
    "port",
    "t38FaxCompressionEnabled",
    "primaryOwner",
    "lineType",
    "lineWeight",
    "hotlineEnabled",
    "hotlineDestination",
    "allowCallDeclineEnabled",
    "lineLabel",
)
PRIMARY = "PRIMARY"
SHARED_CALL_APPEARANCE = "SHARED_CALL_APPEARANCE"


def put_member(member: dict[str, Any]) -> dict[str, Any]:
    """A member as read (``GET .../members``) in the shape a PUT sends it back."""
    out = {k: member[k] for k in PUT_MEMBER_FIELDS if member.get(k) is not None}
    out.setdefault("hotlineEnabled", False)
    out.setdefault("hotlineDestination", "")
    out.setdefault("allowCallDeclineEnabled", True)
    return out


@dataclass(frozen=True)
class DeviceMembers:
    model: str | None
    max_line_count: int
    members: list[dict[str, Any]]  # as Webex sends them, by port

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> DeviceMembers:
        members = [m for m in data.get("members") or [] if isinstance(m, dict)]
        return cls(
            model=_str(data, "model"),
            max_line_count=int(data.get("maxLineCount") or 0),
            members=sorted(members, key=lambda m: int(m.get("port") or 0)),
        )


@dataclass(frozen=True)
class MacStatus:
    mac: str
    state: str  # AVAILABLE | UNAVAILABLE | DUPLICATE_IN_LIST | INVALID
    error_code: int | None
    message: str | None

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> MacStatus:
        code = data.get("errorCode")
        return cls(
            mac=str(data.get("mac", "")),
            state=str(data.get("state", "")),
            error_code=int(code) if code is not None else None,
            message=_str(data, "message"),
        )


class DevicesApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    # ------------------------------------------------------------------ workspaces

    async def list_workspaces(
        self,
        org_id: str,
        *,
        display_name: str | None = None,
        location_id: str | None = None,
        max: int | None = None,
    ) -> AsyncIterator[Workspace]:
        params = {
            "orgId": org_id,
            "displayName": display_name,
            "locationId": location_id,
            "max": max,
        }
        async for item in self.client.paginate("workspaces", params):
            yield Workspace.from_wire(item)

    async def find_workspace(
        self, org_id: str, display_name: str, location_id: str | None
    ) -> Workspace | None:
        """The idempotency lookup: the workspace with this exact name in this location."""
        async for ws in self.list_workspaces(
            org_id, display_name=display_name, location_id=location_id
        ):
            if ws.display_name == display_name and (
                location_id is None or ws.location_id == location_id
            ):
                return ws
        return None

    async def get_workspace(self, workspace_id: str) -> Workspace:
        return Workspace.from_wire(await self.client.get_json(f"workspaces/{workspace_id}"))

    async def create_workspace(self, body: dict[str, Any]) -> Workspace:
        """201 + the workspace. Not repeated on a lost answer: ``find_workspace`` first."""
        return Workspace.from_wire(await self.client.send_json("POST", "workspaces", body))

    async def update_workspace(self, workspace_id: str, body: dict[str, Any]) -> Workspace:
        """``PUT /workspaces/{id}``: name, location and calling. Safe to repeat."""
        return Workspace.from_wire(
            await self.client.send_json("PUT", f"workspaces/{workspace_id}", body)
        )

    async def delete_workspace(self, workspace_id: str) -> None:
        """Also deletes the workspace's devices (Webex)."""
        await self.client.request("DELETE", f"workspaces/{workspace_id}")

    # ------------------------------------------------------------------ devices

    async def list_devices(
        self,
        org_id: str,
        *,
        mac: str | None = None,
        person_id: str | None = None,
        workspace_id: str | None = None,
        max: int | None = None,
    ) -> AsyncIterator[Device]:
        params = {
            "orgId": org_id,
            "mac": mac,
            "personId": person_id,
            "workspaceId": workspace_id,
            "max": max,
        }
        async for item in self.client.paginate("devices", params):
            yield Device.from_wire(item)

    async def find_device(self, org_id: str, mac: str) -> Device | None:
        """The idempotency lookup: a MAC is unique, so at most one device has it."""
        wanted = normalise_mac(mac)
        async for device in self.list_devices(org_id, mac=wanted):
            if device.mac == wanted:
                return device
        return None

    async def get_device(self, device_id: str, *, org_id: str | None = None) -> Device:
        return Device.from_wire(
            await self.client.get_json(f"devices/{device_id}", {"orgId": org_id})
        )

    async def create_device(self, org_id: str, body: dict[str, Any]) -> Device:
        """200 + the device. Not repeated on a lost answer: ``find_device`` first."""
        return Device.from_wire(
            await self.client.send_json("POST", "devices", body, params={"orgId": org_id})
        )

    async def activation_code(
        self,
        org_id: str,
        *,
        person_id: str | None = None,
        workspace_id: str | None = None,
        model: str | None = None,
    ) -> tuple[str, str]:
        """``POST /devices/activationCode``: a code to type into a phone without a known
        MAC, and when it expires. A phone needs its ``model`` (without one the code works
        only on RoomOS devices). A repeat only issues another code."""
        body: dict[str, Any] = (
            {"personId": person_id} if person_id else {"workspaceId": workspace_id}
        )
        if model:
            body["model"] = model
        data = await self.client.send_json(
            "POST", "devices/activationCode", body, params={"orgId": org_id}
        )
        return str(data.get("code", "")), str(data.get("expiryTime", ""))

    async def delete_device(self, device_id: str, *, org_id: str | None = None) -> None:
        await self.client.request("DELETE", f"devices/{device_id}", params={"orgId": org_id})

    # ------------------------------------------------------------------ device lines

    async def members(self, device_id: str, *, org_id: str | None = None) -> DeviceMembers:
        data = await self.client.get_json(
            f"telephony/config/devices/{device_id}/members", {"orgId": org_id}
        )
        return DeviceMembers.from_wire(data)

    async def update_members(
        self, device_id: str, members: list[dict[str, Any]], *, org_id: str | None = None
    ) -> None:
        """Replace the device's member list with ``members`` (``PutMemberObject`` each)."""
        await self.client.send_json(
            "PUT",
            f"telephony/config/devices/{device_id}/members",
            {"members": members},
            params={"orgId": org_id},
        )

    async def supported_devices(self, *, org_id: str | None = None) -> dict[str, Any]:
        """Webex's ``supportedDevicesObject``: ``devices`` with ``model``, line ports..."""
        data = await self.client.get_json("telephony/config/supportedDevices", {"orgId": org_id})
        return data if isinstance(data, dict) else {}

    async def validate_macs(self, macs: list[str], *, org_id: str | None = None) -> list[MacStatus]:
        data = await self.client.send_json(
            "POST",
            "telephony/config/devices/actions/validateMacs/invoke",
            {"macs": macs},
            params={"orgId": org_id},
            safe=True,
        )
        return [MacStatus.from_wire(item) for item in (data or {}).get("macStatus") or []]
