"""``/people`` (list, get, delete): the provisioned subscribers as the people of their
customer's org, with Webex's field names; ``callingData=true`` adds the number, extension
and location.

A subscriber waiting for the user's consent is still a person of another org, so it is
not listed; a deleted one is gone. People an org had before any wholesale provisioning
(seeded) are listed too, without a wholesale licence, until a subscriber maps them.
Deleting a person leaves its Wholesale subscriber record behind (what an admin
deleting the user in Control Hub leaves).
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Person, SandboxState, Subscriber, license_id, webex_id


def register(app: SandboxApp) -> None:
    routes = PeopleRoutes(app)
    app.route("GET", "/people", routes.list_people)
    app.route("GET", "/people/me", routes.me)  # before /people/{id}: the first match serves
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


def seeded_view(person: Person, *, calling: bool) -> dict[str, Any]:
    """A person the org had before any wholesale provisioning: no wholesale licence."""
    first, last = person.first_name or "", person.last_name or ""
    view: dict[str, Any] = {
        "id": person.id,
        "emails": [person.email],
        "displayName": f"{first} {last}".strip() or person.email,
        "firstName": first,
        "lastName": last,
        "orgId": person.org_id,
        "licenses": [],
        "created": person.created,
        "type": "person",
        "invitePending": False,
        "loginEnabled": True,
    }
    if calling:
        if person.phone_number:
            view["phoneNumbers"] = [{"type": "work", "value": person.phone_number, "primary": True}]
        if person.extension:
            view["extension"] = person.extension
        if person.location_id:
            view["locationId"] = person.location_id
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

    def _seeded(self, org_id: str) -> list[Person]:
        """The org's own people that no live subscriber maps (a mapped one shows as that)."""
        people = [p for p in self.state.people.values() if p.org_id == org_id and not p.deleted]
        if not people:
            return []
        customer = self.state.customer_by_org(org_id)
        mapped = {
            s.person_id
            for s in (self.state.subscribers_of(customer.id) if customer else [])
            if not s.deleted
        }
        return [p for p in people if p.id not in mapped]

    def list_people(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        calling = _flag(req, "callingData")
        email, name = req.param("email"), req.param("displayName")
        ids, location_id = set(req.params("id")), req.param("locationId")
        items = []
        # Oldest first; the sort is stable, so people made in the same millisecond keep
        # the order they were made in (ids are random).
        found: list[tuple[str, str, str | None, dict[str, Any]]] = [
            (p.created, p.email, p.location_id, seeded_view(p, calling=calling))
            for p in self._seeded(org_id)
        ]
        found += [
            (sub.created, sub.email, sub.location_id, person_view(self.state, sub, calling=calling))
            for sub in self._people(org_id)
        ]
        for _, address, where, view in sorted(found, key=lambda f: f[0]):
            if (
                (email is None or address.casefold() == email.casefold())
                and (name is None or view["displayName"].startswith(name))
                and (not ids or view["id"] in ids)
                and (location_id is None or where == location_id)
            ):
                items.append(view)
        return page(req, items, default_max=100, cap=1000, offset_name="start")

    def me(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """The token's own person: a partner administrator of the partner's org."""
        return SandboxResponse.json(
            200,
            {
                "id": webex_id("PEOPLE", "partner-administrator"),
                "emails": ["administrator@partner.invalid"],
                "displayName": "Partner Administrator",
                "orgId": self.state.partner_org_id,
                "type": "person",
            },
        )

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

    def _seeded_person(self, person_id: str) -> Person | None:
        person = self.state.people.get(person_id)
        if person is None or person.deleted or person not in self._seeded(person.org_id):
            return None
        return person

    def get_person(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        calling = _flag(req, "callingData")
        seeded = self._seeded_person(m.group(1))
        if seeded is not None:
            return SandboxResponse.json(200, seeded_view(seeded, calling=calling))
        sub = self._person(m.group(1))
        return SandboxResponse.json(200, person_view(self.state, sub, calling=calling))

    def delete_person(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        seeded = self._seeded_person(m.group(1))
        if seeded is not None:
            seeded.deleted = True
        else:
            self._person(m.group(1)).person_deleted = True
        return SandboxResponse(204)
