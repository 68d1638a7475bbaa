"""The Webex Calling calls a migration needs (research §6): the customer's org,
its locations, enabling a location for Calling, and the numbers of a location.

A partner token acts on a customer's org through ``?orgId=``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from migrate.webex.client import WebexClient
from migrate.webex.models import (
    CallingLocationRequest,
    Location,
    LocationCreateRequest,
    Organization,
    PhoneNumber,
)

MAX_REMOVE_PER_REQUEST = 5  # Webex refuses more in one DELETE
MAX_ADD_PER_REQUEST = 100
MAX_STATE_CHANGES_PER_REQUEST = 500  # numbers one activate / deactivate may name


class CallingApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    async def get_organization(self, org_id: str) -> Organization:
        return Organization.from_wire(await self.client.get_json(f"organizations/{org_id}"))

    async def list_locations(
        self, org_id: str, *, name: str | None = None, max: int | None = None
    ) -> AsyncIterator[Location]:
        async for item in self.client.paginate(
            "locations", {"orgId": org_id, "name": name, "max": max}
        ):
            yield Location.from_wire(item)

    async def get_location(self, org_id: str, location_id: str) -> Location:
        return Location.from_wire(
            await self.client.get_json(f"locations/{location_id}", {"orgId": org_id})
        )

    async def create_location(self, org_id: str, body: LocationCreateRequest) -> str:
        """Create a location (201) and return its id. Not repeated on a lost answer:
        look it up by name (``list_locations(name=...)``) first."""
        data = await self.client.send_json("POST", "locations", body, params={"orgId": org_id})
        return str(data["id"])

    async def update_location(self, org_id: str, location_id: str, body: dict[str, Any]) -> None:
        """``PUT /locations/{id}``: name, time zone, languages, address. Safe to repeat."""
        await self.client.request(
            "PUT", f"locations/{location_id}", json=body, params={"orgId": org_id}
        )

    async def get_person(self, org_id: str, person_id: str) -> dict[str, Any]:
        """``GET /people/{id}?callingData=true``: names, emails, number, extension, location."""
        data: dict[str, Any] = await self.client.get_json(
            f"people/{person_id}", {"orgId": org_id, "callingData": "true"}
        )
        return data

    async def update_person(self, org_id: str, person_id: str, body: dict[str, Any]) -> None:
        """``PUT /people/{id}?callingData=true``: names, email, number, extension, location.

        Webex replaces the person with the body, so it carries every field the
        toolkit manages. Safe to repeat.
        """
        await self.client.request(
            "PUT",
            f"people/{person_id}",
            json=body,
            params={"orgId": org_id, "callingData": "true"},
        )

    async def update_location_feature(self, org_id: str, path: str, body: dict[str, Any]) -> None:
        """``PUT /telephony/config/locations/{loc}/{features}/{id}``: the fields given change.

        Used to let a hunt group, queue, auto attendant or paging group release its
        number (``phoneNumber: null``) and take it back.
        """
        await self.client.request("PUT", path, json=body, params={"orgId": org_id})

    async def list_calling_locations(self, org_id: str) -> AsyncIterator[Location]:
        """Locations already enabled for Webex Calling (``GET /telephony/config/locations``)."""
        async for item in self.client.paginate(
            "telephony/config/locations", {"orgId": org_id}, item_key="locations"
        ):
            yield Location.from_wire(item)

    async def enable_location_for_calling(self, org_id: str, body: CallingLocationRequest) -> str:
        data = await self.client.send_json(
            "POST", "telephony/config/locations", body, params={"orgId": org_id}
        )
        return str((data or {}).get("id", body["id"]))

    async def add_numbers(
        self,
        org_id: str,
        location_id: str,
        numbers: Sequence[str],
        *,
        number_type: str = "DID",
        state: str = "ACTIVE",
    ) -> None:
        for i in range(0, len(numbers), MAX_ADD_PER_REQUEST):
            await self.client.request(
                "POST",
                f"telephony/config/locations/{location_id}/numbers",
                params={"orgId": org_id},
                json={
                    "phoneNumbers": list(numbers[i : i + MAX_ADD_PER_REQUEST]),
                    "numberType": number_type,
                    "state": state,
                },
            )

    async def list_numbers(
        self, org_id: str, *, location_id: str | None = None
    ) -> AsyncIterator[PhoneNumber]:
        async for item in self.client.paginate(
            "telephony/config/numbers",
            {"orgId": org_id, "locationId": location_id},
            item_key="phoneNumbers",
        ):
            yield PhoneNumber.from_wire(item)

    async def set_numbers_state(
        self, org_id: str, location_id: str, numbers: Sequence[str], *, active: bool
    ) -> None:
        """Activate or deactivate numbers of one location, in chunks Webex accepts.

        Switching a number to the state it has already is harmless, so a repeat
        after a lost answer is safe; callers still send only what differs.
        """
        for i in range(0, len(numbers), MAX_STATE_CHANGES_PER_REQUEST):
            await self.client.request(
                "PUT",
                f"telephony/config/locations/{location_id}/numbers",
                params={"orgId": org_id},
                json={
                    "phoneNumbers": list(numbers[i : i + MAX_STATE_CHANGES_PER_REQUEST]),
                    "action": "ACTIVATE" if active else "DEACTIVATE",
                },
            )

    async def remove_numbers(self, org_id: str, location_id: str, numbers: Sequence[str]) -> None:
        for i in range(0, len(numbers), MAX_REMOVE_PER_REQUEST):
            await self.client.request(
                "DELETE",
                f"telephony/config/locations/{location_id}/numbers",
                params={"orgId": org_id},
                json={"phoneNumbers": list(numbers[i : i + MAX_REMOVE_PER_REQUEST])},
            )
