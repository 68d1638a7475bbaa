"""Webex Calling auto attendants (``/telephony/config/locations/{id}/autoAttendants``).

Bodies are Webex's camelCase JSON (wxc_sdk ``telephony/autoattendant.py``): name,
phoneNumber / extension, firstName, lastName, businessSchedule and holidaySchedule
(schedule names of the location), extensionDialing / nameDialing (GROUP |
ENTERPRISE), and businessHoursMenu / afterHoursMenu, each with ``greeting``,
``extensionEnabled`` and ``keyConfigurations`` [{key, action, description, value}].
Names are unique within a location; the org-wide list filters by location and name.
"""

from __future__ import annotations

from typing import Any

from migrate.webex.client import WebexClient


def _path(location_id: str) -> str:
    return f"telephony/config/locations/{location_id}/autoAttendants"


class AutoAttendantsApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    async def find(self, org_id: str, location_id: str, name: str) -> dict[str, Any] | None:
        """The location's auto attendant of this exact name, if any."""
        async for item in self.client.paginate(
            "telephony/config/autoAttendants",
            {"orgId": org_id, "locationId": location_id, "name": name},
            item_key="autoAttendants",
        ):
            if item.get("name") == name and item.get("locationId") == location_id:
                return item
        return None

    async def get(self, org_id: str, location_id: str, auto_attendant_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.client.get_json(
            f"{_path(location_id)}/{auto_attendant_id}", {"orgId": org_id}
        )
        return data

    async def create(self, org_id: str, location_id: str, body: dict[str, Any]) -> str:
        """Create an auto attendant (201) and return its id. Not repeated on a lost answer:
        look it up with :meth:`find` first."""
        data = await self.client.send_json(
            "POST", _path(location_id), body, params={"orgId": org_id}
        )
        return str(data["id"])

    async def delete(self, org_id: str, location_id: str, auto_attendant_id: str) -> None:
        await self.client.request(
            "DELETE", f"{_path(location_id)}/{auto_attendant_id}", params={"orgId": org_id}
        )
