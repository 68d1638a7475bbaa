"""Orgs that were in Webex before the migration: a Webex for BroadWorks or UC-One
customer's org, with its locations, numbers and people, but no wholesale customer.

A seed is JSON (``migrate sandbox seed FILE``, ``sandbox serve --seed FILE``) or the
same dict from a test::

    {"orgs": [{"name": "Acme", "id": "<optional encoded org id>",
               "locations": [{"name": "HQ", "timeZone": "America/New_York",
                              "language": "en_US", "calling": true,
                              "address": {"address1": "1 Main St", "city": "Columbus",
                                          "state": "OH", "postalCode": "43004",
                                          "country": "US"},
                              "numbers": ["+16145550100"]}],
               "people": [{"email": "ann@acme.example", "firstName": "Ann",
                           "lastName": "Lee", "location": "HQ",
                           "extension": "100", "phoneNumber": "+16145550100"}]}]}

Seeding an org twice (same name or id) adds nothing the second time, so a
rehearsal can seed before every run.
"""

from __future__ import annotations

from typing import Any

from migrate.sandbox.clock import Clock, iso_ms
from migrate.sandbox.state import Location, Number, Org, Person, SandboxState


class SeedError(ValueError):
    """A seed that cannot be applied; the message names the org and the field."""


def _text(record: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = record.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: {key}: expected a non-empty string, got {value!r}")
    return value.strip()


def _optional(record: dict[str, Any], key: str, where: str) -> str | None:
    return _text(record, key, where) if record.get(key) is not None else None


def _list(record: dict[str, Any], key: str, where: str) -> list[Any]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict | str) for v in value):
        raise SeedError(f"{where}: {key}: expected a list, got {value!r}")
    return value


def seed(state: SandboxState, clock: Clock, data: Any) -> list[dict[str, Any]]:
    """Add the orgs of ``data``; returns each org's ids (org, locations, people)."""
    if not isinstance(data, dict) or not isinstance(data.get("orgs"), list):
        raise SeedError('seed: expected {"orgs": [...]}')
    with state.lock:
        return [_seed_org(state, clock, org, f"orgs[{i}]") for i, org in enumerate(data["orgs"])]


def _seed_org(state: SandboxState, clock: Clock, spec: Any, where: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise SeedError(f"{where}: expected an object")
    name = _text(spec, "name", where)
    given = _optional(spec, "id", where)
    org = state.orgs.get(given) if given else None
    org = org or next((o for o in state.orgs.values() if o.display_name == name), None)
    if org is None:
        org_id = given or state.new_id("ORGANIZATION")
        if org_id == state.partner_org_id or state.customer_by_org(org_id) is not None:
            raise SeedError(f"{where}: id: {org_id} is the partner's or a customer's org")
        org = Org(org_id, name, iso_ms(clock.now()))
        state.orgs[org.id] = org
    now = iso_ms(clock.now())
    locations: dict[str, str] = {}
    for i, loc in enumerate(_list(spec, "locations", where)):
        at = f"{where}.locations[{i}]"
        if not isinstance(loc, dict):
            raise SeedError(f"{at}: expected an object")
        location = _seed_location(state, org, loc, at)
        locations[location.name] = location.id
    people: dict[str, str] = {}
    for i, person in enumerate(_list(spec, "people", where)):
        at = f"{where}.people[{i}]"
        if not isinstance(person, dict):
            raise SeedError(f"{at}: expected an object")
        record = _seed_person(state, org, person, locations, now, at)
        people[record.email] = record.id
    return {"name": org.display_name, "id": org.id, "locations": locations, "people": people}


def _seed_location(state: SandboxState, org: Org, spec: dict[str, Any], where: str) -> Location:
    name = _text(spec, "name", where)
    found = next(
        (x for x in state.locations.values() if x.org_id == org.id and x.name == name), None
    )
    if found is not None:
        return found
    address = spec.get("address") or {}
    if not isinstance(address, dict):
        raise SeedError(f"{where}: address: expected an object")
    language = _text(spec, "language", where, "en_US")
    location = Location(
        id=state.new_id("LOCATION"),
        org_id=org.id,
        name=name,
        address={
            k: str(address.get(k, ""))
            for k in ("address1", "address2", "city", "state", "postalCode", "country")
        },
        time_zone=_text(spec, "timeZone", where, "America/New_York"),
        preferred_language=language,
        announcement_language=language,
        calling_enabled=spec.get("calling", True) is not False,
    )
    state.locations[location.id] = location
    for number in _list(spec, "numbers", where):
        if not isinstance(number, str) or not number.startswith("+"):
            raise SeedError(f"{where}: numbers: {number!r} is not E.164")
        if number in state.numbers:
            raise SeedError(f"{where}: numbers: {number} is already in another location")
        state.numbers[number] = Number(number, org.id, location.id, "ACTIVE", "DID")
    return location


def _seed_person(
    state: SandboxState,
    org: Org,
    spec: dict[str, Any],
    locations: dict[str, str],
    now: str,
    where: str,
) -> Person:
    email = _text(spec, "email", where)
    found = state.person_by_email(email)
    if found is not None:
        if found.org_id != org.id:
            raise SeedError(f"{where}: email: {email} is already a person of another org")
        return found
    if state.active_subscriber_by_email(email) is not None:
        raise SeedError(f"{where}: email: {email} is already a wholesale subscriber")
    location_name = _optional(spec, "location", where)
    location_id = locations.get(location_name) if location_name else None
    if location_name and location_id is None:
        raise SeedError(f"{where}: location: {location_name!r} is not a location of this org")
    number = _optional(spec, "phoneNumber", where)
    if number is not None:
        record = state.numbers.get(number)
        if record is None or record.location_id != location_id:
            raise SeedError(f"{where}: phoneNumber: {number} is not a number of its location")
    person = Person(
        id=state.new_id("PEOPLE"),
        org_id=org.id,
        email=email,
        first_name=_optional(spec, "firstName", where),
        last_name=_optional(spec, "lastName", where),
        created=now,
        location_id=location_id,
        phone_number=number,
        extension=_optional(spec, "extension", where),
    )
    if number is not None:
        state.numbers[number].owner_id = person.id
    state.people[person.id] = person
    return person
