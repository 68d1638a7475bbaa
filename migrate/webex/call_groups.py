"""Webex Calling call parks, call pickups and paging groups of a location.

Paths, list keys and bodies are Webex's as wxc_sdk (telephony/callpark.py,
callpickup.py, paging.py) has them: create bodies name members by id only;
reads return them as objects. Every call carries the customer's ``orgId``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrate.webex.client import WebexClient


@dataclass(frozen=True)
class Kind:
    path: str  # under telephony/config/locations/{location}/
    list_path: str  # the list (paging groups are listed org-wide, by locationId)
    item_key: str
    members: tuple[str, ...]  # the fields a read returns as member objects


CALL_PARK = Kind("callParks", "locations/{location}/callParks", "callParks", ("agents",))
CALL_PICKUP = Kind("callPickups", "locations/{location}/callPickups", "callPickups", ("agents",))
PAGING_GROUP = Kind("paging", "paging", "locationPaging", ("originators", "targets"))
KINDS: dict[str, Kind] = {
    "call_park": CALL_PARK,
    "call_pickup": CALL_PICKUP,
    "paging_group": PAGING_GROUP,
}


def member_ids(kind: Kind, found: dict[str, Any]) -> dict[str, Any]:
    """A read as a create body names its members: ids, in order."""
    out = dict(found)
    for name in kind.members:
        if isinstance(out.get(name), list):
            out[name] = [m.get("id") if isinstance(m, dict) else m for m in out[name]]
    if kind is CALL_PARK and isinstance(out.get("callParkExtensions"), list):
        out["callParkExtensions"] = [
            e.get("id") if isinstance(e, dict) else e for e in out["callParkExtensions"]
        ]
    return out


class CallGroupsApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    def _path(self, kind: str, location_id: str, feature_id: str | None = None) -> str:
        base = f"telephony/config/locations/{location_id}/{KINDS[kind].path}"
        return f"{base}/{feature_id}" if feature_id else base

    async def find(self, kind: str, org_id: str, location_id: str, name: str) -> str | None:
        """The id of the location's ``kind`` named ``name`` (Webex matches names by
        substring: the exact one is picked), else None."""
        spec = KINDS[kind]
        params: dict[str, Any] = {"orgId": org_id, "name": name}
        if kind == "paging_group":
            params["locationId"] = location_id
        path = "telephony/config/" + spec.list_path.format(location=location_id)
        async for item in self.client.paginate(path, params, item_key=spec.item_key):
            if item.get("name") == name and item.get("locationId", location_id) == location_id:
                return str(item["id"])
        return None

    async def create(self, kind: str, org_id: str, location_id: str, body: dict[str, Any]) -> str:
        """Not repeated on a lost answer: :meth:`find` it by name first."""
        data = await self.client.send_json(
            "POST", self._path(kind, location_id), body, params={"orgId": org_id}
        )
        return str(data["id"])

    async def get(self, kind: str, org_id: str, location_id: str, feature_id: str) -> Any:
        return await self.client.get_json(
            self._path(kind, location_id, feature_id), {"orgId": org_id}
        )

    async def delete(self, kind: str, org_id: str, location_id: str, feature_id: str) -> None:
        await self.client.request(
            "DELETE", self._path(kind, location_id, feature_id), params={"orgId": org_id}
        )
