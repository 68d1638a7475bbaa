"""People (research §6, "Users"): how a subscriber looks as a person of its customer's org.

* ``GET /people?orgId=&callingData=true`` (200, ``items`` + ``Link``): ``id``,
  ``emails[]``, ``displayName``, ``firstName``, ``lastName``, ``orgId``, ``licenses[]``;
  with ``callingData=true`` also ``phoneNumbers[{type, value, primary}]``, ``extension``
  and ``locationId``.
* ``GET /people/{personId}?callingData=true`` (200): one person, the same fields.

Read only: the Wholesale subscriber API makes and removes the people of a migration.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from migrate.webex.client import WebexClient


def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value) if value not in (None, "") else None


def _primary_number(numbers: Any) -> str | None:
    """The number marked ``primary``; else the first work number (older answers carry no
    ``primary`` flag)."""
    entries = [n for n in numbers if isinstance(n, dict)] if isinstance(numbers, list) else []
    for pick in (
        lambda n: n.get("primary") is True,
        lambda n: n.get("type") == "work",
    ):
        found = next((n for n in entries if pick(n) and n.get("value")), None)
        if found is not None:
            return str(found["value"])
    return None


@dataclass(frozen=True)
class Person:
    id: str
    emails: list[str]
    display_name: str | None
    first_name: str | None
    last_name: str | None
    org_id: str | None
    location_id: str | None  # callingData only
    extension: str | None  # callingData only
    primary_number: str | None  # callingData only
    licenses: list[str]
    raw: dict[str, Any] = field(repr=False)

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Person:
        emails = data.get("emails")
        licenses = data.get("licenses")
        return cls(
            id=str(data["id"]),
            emails=[str(e) for e in emails] if isinstance(emails, list) else [],
            display_name=_str(data, "displayName"),
            first_name=_str(data, "firstName"),
            last_name=_str(data, "lastName"),
            org_id=_str(data, "orgId"),
            location_id=_str(data, "locationId"),
            extension=_str(data, "extension"),
            primary_number=_primary_number(data.get("phoneNumbers")),
            licenses=[str(x) for x in licenses] if isinstance(licenses, list) else [],
            raw=data,
        )


class PeopleApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    async def list_people(
        self,
        org_id: str,
        *,
        calling_data: bool = True,
        email: str | None = None,
        location_id: str | None = None,
        max: int | None = None,
    ) -> AsyncIterator[Person]:
        """Every person of the org, following ``Link`` headers."""
        params = {
            "orgId": org_id,
            "callingData": "true" if calling_data else None,
            "email": email,
            "locationId": location_id,
            "max": max,
        }
        async for item in self.client.paginate("people", params):
            yield Person.from_wire(item)

    async def get_person(self, person_id: str, *, calling_data: bool = True) -> Person:
        params = {"callingData": "true" if calling_data else None}
        return Person.from_wire(await self.client.get_json(f"people/{person_id}", params))
