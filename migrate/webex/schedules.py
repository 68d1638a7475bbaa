"""Webex Calling location schedules (``/telephony/config/locations/{id}/schedules``).

A schedule is named uniquely per type (``businessHours`` | ``holidays``) within its
location, and its detail, update and delete paths carry the type. Bodies are
Webex's camelCase JSON: ``{name, type, events: [{name, startDate, endDate,
startTime, endTime, allDayEnabled, recurrence}]}`` (wxc_sdk ``common/schedules.py``).
"""

from __future__ import annotations

from typing import Any

from migrate.webex.client import WebexClient

SCHEDULE_TYPES = ("businessHours", "holidays")


def _path(location_id: str) -> str:
    return f"telephony/config/locations/{location_id}/schedules"


class SchedulesApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    async def find(
        self, org_id: str, location_id: str, schedule_type: str, name: str
    ) -> dict[str, Any] | None:
        """The location's schedule of this type and exact name, if any (the list's ``name``
        filter matches prefixes)."""
        async for item in self.client.paginate(
            _path(location_id),
            {"orgId": org_id, "type": schedule_type, "name": name},
            item_key="schedules",
        ):
            if item.get("name") == name and item.get("type") == schedule_type:
                return item
        return None

    async def get(
        self, org_id: str, location_id: str, schedule_type: str, schedule_id: str
    ) -> dict[str, Any]:
        data: dict[str, Any] = await self.client.get_json(
            f"{_path(location_id)}/{schedule_type}/{schedule_id}", {"orgId": org_id}
        )
        return data

    async def create(self, org_id: str, location_id: str, body: dict[str, Any]) -> str:
        """Create a schedule with its events (201) and return its id. Not repeated on a lost
        answer: look it up with :meth:`find` first."""
        data = await self.client.send_json(
            "POST", _path(location_id), body, params={"orgId": org_id}
        )
        return str(data["id"])

    async def delete(
        self, org_id: str, location_id: str, schedule_type: str, schedule_id: str
    ) -> None:
        await self.client.request(
            "DELETE",
            f"{_path(location_id)}/{schedule_type}/{schedule_id}",
            params={"orgId": org_id},
        )
