"""``/organizations/{id}``, ``/locations`` (admin: list, get, create) and
``/telephony/config/locations`` (the calling ones: list, get, enable Webex Calling)."""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import SEGMENT, SandboxApp, check, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use, settle
from migrate.sandbox.state import Location, SandboxState


def register(app: SandboxApp) -> None:
    routes = LocationRoutes(app)
    app.route("GET", f"/organizations/{SEGMENT}", routes.get_organization)
    app.route("GET", "/locations", routes.list_locations)
    app.route("POST", "/locations", routes.create_location)
    app.route("GET", f"/locations/{SEGMENT}", routes.get_location)
    app.route("PUT", f"/locations/{SEGMENT}", routes.update_location)
    app.route("GET", "/telephony/config/locations", routes.list_calling_locations)
    app.route("POST", "/telephony/config/locations", routes.enable_calling)
    app.route("GET", f"/telephony/config/locations/{SEGMENT}", routes.get_calling_location)


def location_in_request(state: SandboxState, req: SandboxRequest, location_id: str) -> Location:
    """The location, if it is in the request's ``orgId`` (when one is given)."""
    org_id = req.param("orgId")
    location = state.locations.get(location_id)
    if location is None or (org_id is not None and location.org_id != org_id):
        raise HttpError(404, "Location not found.", codes.NOT_FOUND)
    return location


def location_view(loc: Location) -> dict[str, Any]:
    return {
        "id": loc.id,
        "name": loc.name,
        "orgId": loc.org_id,
        "timeZone": loc.time_zone,
        "preferredLanguage": loc.preferred_language,
        "address": loc.address,
    }


class LocationRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _org(self, req: SandboxRequest) -> str:
        return org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)

    def get_organization(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = m.group(1)
        customer = self.state.customer_by_org(org_id)
        if customer is not None:
            settle(self.state, self.clock, customer)
        org = self.state.orgs.get(org_id)
        if org is None:
            raise HttpError(404, "Organization not found.", codes.NOT_FOUND)
        return SandboxResponse.json(
            200, {"id": org.id, "displayName": org.display_name, "created": org.created}
        )

    def list_locations(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        name, loc_id = req.param("name"), req.param("id")
        items = [
            location_view(loc)
            for loc in self.state.locations.values()
            if loc.org_id == org_id
            and (name is None or loc.name == name)
            and (loc_id is None or loc.id == loc_id)
        ]
        return page(req, items, default_max=500, cap=1000, offset_name="start")

    def get_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(
            200, location_view(location_in_request(self.state, req, m.group(1)))
        )

    def update_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """``PUT /locations/{id}`` (204): the fields given replace the location's."""
        location = location_in_request(self.state, req, m.group(1))
        body = json_body(req)
        if not isinstance(body, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE
            )
        merged = {
            "name": location.name,
            "timeZone": location.time_zone,
            "preferredLanguage": location.preferred_language,
            "announcementLanguage": location.announcement_language,
            "address": location.address,
            **{k: v for k, v in body.items() if k != "announcementLanguage"},
        }
        check(validation.check_location(merged, with_id=False))
        name = merged["name"]
        if any(
            loc.org_id == location.org_id and loc.name == name and loc.id != location.id
            for loc in self.state.locations.values()
        ):
            raise HttpError(409, f"A location named {name!r} already exists.", codes.DUPLICATE_NAME)
        addr = merged["address"]
        location.name = name
        location.time_zone = merged["timeZone"]
        location.preferred_language = merged["preferredLanguage"]
        location.address = {
            k: addr.get(k, "")
            for k in ("address1", "address2", "city", "state", "postalCode", "country")
        }
        return SandboxResponse(204)

    def create_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        body = json_body(req)
        check(validation.check_location(body, with_id=False))
        if any(
            loc.org_id == org_id and loc.name == body["name"]
            for loc in self.state.locations.values()
        ):
            raise HttpError(
                409, f"A location named {body['name']!r} already exists.", codes.DUPLICATE_NAME
            )
        addr = body["address"]
        location = Location(
            id=self.state.new_id("LOCATION"),
            org_id=org_id,
            name=body["name"],
            address={
                k: addr.get(k, "")
                for k in ("address1", "address2", "city", "state", "postalCode", "country")
            },
            time_zone=body["timeZone"],
            preferred_language=body["preferredLanguage"],
            announcement_language=body["announcementLanguage"],
            calling_enabled=False,
        )
        self.state.locations[location.id] = location
        return SandboxResponse.json(201, location_view(location))

    def list_calling_locations(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org(req)
        items = [
            {"id": loc.id, "name": loc.name, "address": loc.address}
            for loc in self.state.locations.values()
            if loc.org_id == org_id and loc.calling_enabled
        ]
        return page(req, items, default_max=500, cap=1000, key="locations", offset_name="start")

    def get_calling_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._org(req)
        location = location_in_request(self.state, req, m.group(1))
        if not location.calling_enabled:
            raise HttpError(404, "Location not found.", codes.NOT_FOUND)
        return SandboxResponse.json(
            200,
            {
                "id": location.id,
                "name": location.name,
                "announcementLanguage": location.announcement_language,
                "callingLineId": {"name": location.name},
                "e911SetupRequired": False,
            },
        )

    def enable_calling(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._org(req)
        body = json_body(req)
        check(validation.check_location(body, with_id=True))
        location = location_in_request(self.state, req, body["id"])
        if location.calling_enabled:
            raise HttpError(
                409, "The location is already enabled for Webex Calling.", codes.DUPLICATE_NAME
            )
        location.calling_enabled = True
        location.announcement_language = body["announcementLanguage"]
        return SandboxResponse.json(201, {"id": location.id})
