"""``/people`` (list, get, delete): the provisioned subscribers as the people of their
customer's org, with Webex's field names; ``callingData=true`` adds the number, extension
and location.

A subscriber waiting for the user's consent is still a person of another org, so it is
not listed; a deleted one is gone. Deleting a person leaves its Wholesale subscriber
record behind (what an admin deleting the user in Control Hub leaves).
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import SandboxState, Subscriber, license_id


def register(app: SandboxApp) -> None:
    routes = PeopleRoutes(app)
    app.route("GET", "/people", routes.list_people)
    app.route("GET", f"/people/{SEGMENT}", routes.get_person)
    app.route("DELETE", f"/people/{SEGMENT}", routes.delete_person)


def is_person(sub: Subscriber) -> bool:
    return not sub.deleted and not sub.person_deleted and sub.status == "provisioned"


def _flag(req: SandboxRequest, name: str) -> bool:
    return (req.param(name) or "").lower() == "true"


def person_view(state: SandboxState, sub: Subscriber, *, calling: bool) -> dict[str, Any]:
    customer = state.customers[sub.customer_id]
    first, last = sub.first_name or "", sub.last_name or ""
    view: dict[str, Any] = {
        "id": sub.person_id,
        "emails": [sub.email],
        "displayName": f"{first} {last}".strip() or sub.email,
        "firstName": first,
        "lastName": last,
        "orgId": customer.org_id,
        "licenses": [license_id(customer.org_id, p) for p in sub.packages],
        "created": sub.created,
        "lastModified": sub.last_status_change,
        "type": "person",
        "invitePending": False,
        "loginEnabled": True,
    }
    if calling:
        if sub.primary_phone_number:
            view["phoneNumbers"] = [
                {"type": "work", "value": sub.primary_phone_number, "primary": True}
            ]
        if sub.extension:
            view["extension"] = sub.extension
        if sub.location_id:
            view["locationId"] = sub.location_id
    return view


class PeopleRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _people(self, org_id: str) -> list[Subscriber]:
        customer = self.state.customer_by_org(org_id)
        return [
            s for s in (self.state.subscribers_of(customer.id) if customer else []) if is_person(s)
        ]

    def list_people(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        calling = _flag(req, "callingData")
        email, name = req.param("email"), req.param("displayName")
        ids, location_id = set(req.params("id")), req.param("locationId")
        items = []
        # Oldest first; the sort is stable, so people made in the same millisecond keep
        # the order they were made in (ids are random).
        for sub in sorted(self._people(org_id), key=lambda s: s.created):
            view = person_view(self.state, sub, calling=calling)
            if (
                (email is None or sub.email.casefold() == email.casefold())
                and (name is None or view["displayName"].startswith(name))
                and (not ids or sub.person_id in ids)
                and (location_id is None or sub.location_id == location_id)
            ):
                items.append(view)
        return page(req, items, default_max=100, cap=1000, offset_name="start")

    def _person(self, person_id: str) -> Subscriber:
        sub = next(
            (
                s
                for s in self.state.subscribers.values()
                if s.person_id == person_id and is_person(s)
            ),
            None,
        )
        if sub is None:
            raise HttpError(404, "Person not found.", codes.NOT_FOUND)
        return sub

    def get_person(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._person(m.group(1))
        return SandboxResponse.json(
            200, person_view(self.state, sub, calling=_flag(req, "callingData"))
        )

    def delete_person(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._person(m.group(1)).person_deleted = True
        return SandboxResponse(204)
