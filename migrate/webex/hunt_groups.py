"""Webex Calling hunt groups and call queues of a location: find by name, create, read, delete.

Both live under ``telephony/config``: listed org-wide (``huntGroups`` / ``queues``,
filtered by ``locationId`` and ``name``), created, read and deleted under their
location. A Customer Assist queue is created with ``hasCxEssentials=true`` as a query
parameter; the planned body carries it as a field, which is moved to the query here.
Every call names the customer's org (``orgId``) since the token is the partner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrate.webex.client import WebexClient

CX_ESSENTIALS = "hasCxEssentials"


@dataclass(frozen=True)
class LocationFeature:
    """A hunt group or call queue as a list row shows it."""

    id: str
    name: str
    location_id: str | None

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> LocationFeature:
        return cls(str(data["id"]), str(data.get("name") or ""), data.get("locationId"))


class LocationFeatures:
    """One feature family: its list path, list key and per-location path."""

    collection = ""  # "huntGroups" | "queues"
    list_key = ""

    def __init__(self, client: WebexClient) -> None:
        self.client = client

    def _path(self, location_id: str, feature_id: str | None = None) -> str:
        base = f"telephony/config/locations/{location_id}/{self.collection}"
        return f"{base}/{feature_id}" if feature_id else base

    async def find(self, org_id: str, location_id: str, name: str) -> LocationFeature | None:
        """The idempotency lookup: the one with exactly this name in this location."""
        params = {"orgId": org_id, "locationId": location_id, "name": name}
        async for item in self.client.paginate(
            f"telephony/config/{self.collection}", params, item_key=self.list_key
        ):
            found = LocationFeature.from_wire(item)
            if found.name == name and found.location_id in (None, location_id):
                return found
        return None

    async def create(self, org_id: str, location_id: str, body: dict[str, Any]) -> str:
        """201 + ``{"id"}``. Not repeated on a lost answer: ``find`` first."""
        params: dict[str, Any] = {"orgId": org_id}
        wire = dict(body)
        if wire.pop(CX_ESSENTIALS, None):
            params[CX_ESSENTIALS] = "true"
        answer = await self.client.send_json("POST", self._path(location_id), wire, params=params)
        return str(answer["id"])

    async def get(self, org_id: str, location_id: str, feature_id: str) -> dict[str, Any]:
        answer = await self.client.get_json(self._path(location_id, feature_id), {"orgId": org_id})
        return dict(answer)

    async def delete(self, org_id: str, location_id: str, feature_id: str) -> None:
        await self.client.request(
            "DELETE", self._path(location_id, feature_id), params={"orgId": org_id}
        )


class HuntGroupsApi(LocationFeatures):
    collection = "huntGroups"
    list_key = "huntGroups"


class CallQueuesApi(LocationFeatures):
    collection = "queues"
    list_key = "queues"
