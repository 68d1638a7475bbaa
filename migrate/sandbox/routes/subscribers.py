"""``/wholesale/subscribers``: provision (200, or 202 awaiting the user's consent), get,
list, update, remove, ``/validate``, and the consent email resend."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import API_PREFIX, SEGMENT, SandboxApp, check, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import end_subscriber, settle
from migrate.sandbox.routes.customers import precheck_ok
from migrate.sandbox.routes.people import person_view
from migrate.sandbox.routes.sub_partners import scope
from migrate.sandbox.state import Activation, Customer, Location, Subscriber
from migrate.sandbox.validation import Problem

# Subscriber.package (deprecated) is an enum of six; newer packages appear only in packages.
_LEGACY_SUBSCRIBER_PACKAGES = frozenset(
    {
        "webex_calling",
        "webex_meetings",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
    }
)


def register(app: SandboxApp) -> None:
    routes = SubscriberRoutes(app)
    app.route("GET", "/wholesale/subscribers", routes.list_subscribers)
    app.route("POST", "/wholesale/subscribers", routes.provision_subscriber)
    app.route("POST", "/wholesale/subscribers/validate", routes.validate_subscriber)
    app.route("GET", f"/wholesale/subscribers/{SEGMENT}", routes.get_subscriber)
    app.route("PUT", f"/wholesale/subscribers/{SEGMENT}", routes.update_subscriber)
    app.route("DELETE", f"/wholesale/subscribers/{SEGMENT}", routes.remove_subscriber)
    app.route("POST", f"/subscribers/{SEGMENT}/emails/consentMove", routes.consent_move)
    # The People update of a wholesale subscriber: names, email and calling data.
    app.route("PUT", f"/people/{SEGMENT}", routes.update_person)


def _parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _instant(value: str, name: str) -> float:
    """Subscriber list times: epoch milliseconds (preferred by the spec) or ISO-8601."""
    try:
        return int(value) / 1000.0 if value.isdigit() else _parse_iso(value)
    except ValueError:
        raise HttpError(
            400, f"{name} must be epoch milliseconds or ISO-8601.", codes.INVALID_PARAMETER_VALUE
        ) from None


class SubscriberRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def subscriber_view(self, sub: Subscriber) -> dict[str, Any]:
        customer = self.state.customers.get(sub.customer_id)
        view: dict[str, Any] = {"id": sub.id}
        if sub.status == "provisioned":
            view["personId"] = sub.person_id
        view.update(
            {
                "email": sub.email,
                "customerId": sub.customer_id,
                "externalCustomerId": customer.external_id if customer else "",
            }
        )
        if sub.packages[0] in _LEGACY_SUBSCRIBER_PACKAGES:
            view["package"] = sub.packages[0]
        view.update(
            {
                "packages": list(sub.packages),
                "status": sub.status,
                "created": sub.created,
                "lastStatusChange": sub.last_status_change,
            }
        )
        return view

    def _subscriber(
        self, req: SandboxRequest, subscriber_id: str, *, for_delete: bool = False
    ) -> Subscriber:
        acting_for = scope(self.state, req, for_delete=for_delete)
        sub = self.state.subscribers.get(subscriber_id)
        customer = self.state.customers.get(sub.customer_id) if sub else None
        if (
            sub is None
            or sub.deleted
            or customer is None
            or (acting_for is not None and customer.sub_partner_org_id != acting_for)
        ):
            raise HttpError(404, "Subscriber not found.", codes.NOT_FOUND)
        return sub

    def list_subscribers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        acting_for = scope(self.state, req)
        filters = {
            name: req.param(name)
            for name in ("customerId", "personId", "externalCustomerId", "email", "status")
        }
        items = []
        if filters["email"] is not None:
            found = self.state.active_subscriber_by_email(filters["email"])
            candidates = [found] if found else []
        elif filters["customerId"] is not None:
            candidates = self.state.subscribers_of(filters["customerId"])
        else:
            candidates = list(self.state.subscribers.values())
        for sub in candidates:
            if sub.deleted:
                continue
            customer = self.state.customers.get(sub.customer_id)
            if customer is None or settle(self.state, self.clock, customer) is None:
                continue
            if acting_for is not None and customer.sub_partner_org_id != acting_for:
                continue
            view = self.subscriber_view(sub)
            if any(
                value is not None
                and (
                    view.get(name, "").casefold() != value.casefold()
                    if name == "email"
                    else view.get(name) != value
                )
                for name, value in filters.items()
            ):
                continue
            items.append(view)
        for param, field_name in (("after", "created"), ("lastStatusChange", "lastStatusChange")):
            value = req.param(param)
            if value is not None:
                since = _instant(value, param)
                items = [v for v in items if _parse_iso(v[field_name]) > since]
        sort_by = req.param("sortBy") or "created"
        key = "lastStatusChange" if sort_by == "lastStatusChange" else "created"
        items.sort(
            key=lambda v: (v[key], v["id"]),
            reverse=(req.param("sortOrder") or "ASC").upper() == "DESC",
        )
        return page(req, items, default_max=50, cap=100)

    def _calling_location(self, customer: Customer, location_id: str | None) -> Location:
        if location_id is not None:
            location = self.state.locations.get(location_id)
            if location is None or location.org_id != customer.org_id:
                raise HttpError(
                    400, "locationId is not a location of this customer.", codes.LOCATION_NOT_IN_ORG
                )
            if not location.calling_enabled:
                raise HttpError(
                    400, "The location is not enabled for Webex Calling.", codes.LOCATION_NOT_IN_ORG
                )
            return location
        for location in self.state.locations.values():
            if location.org_id == customer.org_id and location.calling_enabled:
                return location
        raise HttpError(400, "The customer has no calling location.", codes.LOCATION_NOT_IN_ORG)

    def _claim_number_and_extension(
        self,
        customer: Customer,
        location: Location,
        number: str | None,
        extension: str | None,
        owner: str,
    ) -> None:
        if number is not None:
            record = self.state.numbers.get(number)
            if record is None or record.location_id != location.id:
                raise HttpError(
                    400,
                    f"{number} has not been added to location {location.name!r}.",
                    codes.NUMBER_NOT_IN_LOCATION,
                )
            if record.owner_id not in (None, owner):
                raise HttpError(409, f"{number} is already assigned.", codes.NUMBER_IN_USE)
        if extension is not None:
            # Workspaces and people share one extension plan per org.
            if self.state.workspace_with_extension(customer.org_id, extension):
                raise HttpError(
                    409,
                    f"Extension {extension} is already used in this organization.",
                    codes.EXTENSION_IN_USE,
                )
            for other in self.state.subscribers_of(customer.id):
                if not other.deleted and other.id != owner and other.extension == extension:
                    raise HttpError(
                        409,
                        f"Extension {extension} is already used in this organization.",
                        codes.EXTENSION_IN_USE,
                    )
            holder = self.state.subscribers.get(owner)
            mine = holder.person_id if holder is not None else None
            if any(
                p.org_id == customer.org_id
                and not p.deleted
                and p.extension == extension
                and p.id != mine
                for p in self.state.people.values()
            ):
                raise HttpError(
                    409,
                    f"Extension {extension} is already used in this organization.",
                    codes.EXTENSION_IN_USE,
                )
        if number is not None:
            self.state.numbers[number].owner_id = owner

    def provision_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        acting_for = scope(self.state, req)
        body = json_body(req)
        packages, problems = validation.check_subscriber_provision(body)
        check(problems)
        customer = self.state.customers.get(body["customerId"])
        customer = settle(self.state, self.clock, customer) if customer else None
        if customer is None or (
            acting_for is not None and customer.sub_partner_org_id != acting_for
        ):
            raise HttpError(404, "Customer not found.", codes.NOT_FOUND)
        if customer.status != "provisioned":
            raise HttpError(
                400,
                f"The customer is {customer.status}; subscribers can only be "
                "added to a provisioned customer.",
                codes.CUSTOMER_NOT_PROVISIONED,
            )
        package = packages[0]
        if package not in customer.packages:
            raise HttpError(
                400,
                f"The customer does not have the {package} package.",
                codes.INVALID_PARAMETER_VALUE,
            )
        if self.state.active_subscriber_by_email(body["email"]) is not None:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        # A user the attached org already had is mapped, not made again.
        person = self.state.person_by_email(body["email"])
        if person is not None and person.org_id != customer.org_id:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        params = body["provisioningParameters"]
        sub_id = self.state.new_id("SUBSCRIBER")
        location_id = number = extension = None
        if package not in validation.NON_CALLING:
            if person is not None and person.location_id is not None:
                # The spec: for an existing Webex Calling user, locationId,
                # primaryPhoneNumber and extension are ignored.
                location_id, number, extension = (
                    person.location_id,
                    person.phone_number,
                    person.extension,
                )
                if number is not None and number in self.state.numbers:
                    self.state.numbers[number].owner_id = sub_id
            else:
                location = self._calling_location(customer, params.get("locationId"))
                number, extension = params.get("primaryPhoneNumber"), params.get("extension")
                self._claim_number_and_extension(customer, location, number, extension, sub_id)
                location_id = location.id
        now = self.app.now_iso()
        consent = person is None and self.app.faults.subscriber_needs_consent(body["email"])
        sub = Subscriber(
            id=sub_id,
            customer_id=customer.id,
            person_id=person.id if person is not None else self.state.new_id("PEOPLE"),
            email=body["email"],
            packages=[package],
            status="pending_user_migration" if consent else "provisioned",
            first_name=params.get("firstName") or (person.first_name if person else None),
            last_name=params.get("lastName") or (person.last_name if person else None),
            primary_phone_number=number,
            extension=extension,
            location_id=location_id,
            created=now,
            last_status_change=now,
            existing_person=person is not None,
        )
        if not consent:
            sub.activations.append(Activation(package, self.clock.time()))
        self.state.index_subscriber(sub)
        url = req.url(f"{API_PREFIX}/wholesale/subscribers/{sub.id}")
        return SandboxResponse.json(
            202 if consent else 200, self.subscriber_view(sub), [("Location", url)]
        )

    def get_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, self.subscriber_view(self._subscriber(req, m.group(1))))

    def update_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._subscriber(req, m.group(1))
        body = json_body(req)
        if not isinstance(body, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE
            )
        packages, problems = validation.subscriber_packages(body)
        check(problems)
        package = packages[0]
        customer = self.state.customers[sub.customer_id]
        if package not in customer.packages:
            raise HttpError(
                400,
                f"The customer does not have the {package} package.",
                codes.INVALID_PARAMETER_VALUE,
            )
        params = body.get("provisioningParameters") or {}
        was_calling = sub.packages[0] not in validation.NON_CALLING
        if not was_calling and package not in validation.NON_CALLING:
            check(validation.check_number_and_extension(params, package))
            location = self._calling_location(customer, params.get("locationId"))
            number, extension = params.get("primaryPhoneNumber"), params.get("extension")
            self._claim_number_and_extension(customer, location, number, extension, sub.id)
            sub.location_id, sub.primary_phone_number, sub.extension = (
                location.id,
                number,
                extension,
            )
        elif was_calling and params.get("locationId") not in (None, sub.location_id):
            raise HttpError(
                400,
                "The locationId cannot be updated with this API.",
                codes.INVALID_PARAMETER_VALUE,
            )
        if package != sub.packages[0]:
            now = self.clock.time()
            if sub.status == "provisioned":
                if sub.activations and sub.activations[-1].end is None:
                    sub.activations[-1].end = now
                sub.activations.append(Activation(package, now))
            sub.packages = [package]
            sub.last_status_change = self.app.now_iso()
        return SandboxResponse.json(
            200,
            self.subscriber_view(sub),
            [("Location", req.url(f"{API_PREFIX}/wholesale/subscribers/{sub.id}"))],
        )

    def update_person(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        """``PUT /people/{id}?callingData=true``: Webex replaces the person with the body."""
        person_id = m.group(1)
        sub = next(
            (
                s
                for s in self.state.subscribers.values()
                if s.person_id == person_id and not s.deleted and s.status == "provisioned"
            ),
            None,
        )
        if sub is None:
            raise HttpError(404, "Person not found.", codes.NOT_FOUND)
        body = json_body(req)
        emails = body.get("emails") if isinstance(body, dict) else None
        if not isinstance(emails, list) or not emails or not isinstance(emails[0], str):
            raise HttpError(400, "Mandatory parameter 'emails' is missing.", codes.NULL_PARAMETER)
        customer = self.state.customers[sub.customer_id]
        email = emails[0]
        holder = self.state.active_subscriber_by_email(email)
        if holder is not None and holder.id != sub.id:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        if (req.param("callingData") or "").lower() == "true" and body.get("locationId"):
            location = self._calling_location(customer, body["locationId"])
            numbers = body.get("phoneNumbers") or []
            number = numbers[0].get("value") if numbers and isinstance(numbers[0], dict) else None
            extension = body.get("extension") or None
            previous = sub.primary_phone_number
            self._claim_number_and_extension(customer, location, number, extension, sub.id)
            if previous and previous != number and previous in self.state.numbers:
                self.state.numbers[previous].owner_id = None
            sub.location_id, sub.primary_phone_number, sub.extension = (
                location.id,
                number,
                extension,
            )
        self.state.unindex_subscriber_email(sub)
        sub.email = email
        self.state.index_subscriber(sub)
        sub.first_name = body.get("firstName") or None
        sub.last_name = body.get("lastName") or None
        return SandboxResponse.json(200, person_view(self.state, sub, calling=True))

    def remove_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._subscriber(req, m.group(1), for_delete=True)
        end_subscriber(self.state, sub, self.clock.time())
        return SandboxResponse(204)

    def consent_move(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._subscriber(req, m.group(1))
        if sub.status != "pending_user_migration":
            raise HttpError(
                400, "The subscriber is not waiting for a user move.", codes.INVALID_PARAMETER_VALUE
            )
        return SandboxResponse(204)

    def validate_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope(self.state, req)
        body = json_body(req)
        if not isinstance(body, dict) or not isinstance(body.get("email"), str):
            raise HttpError(
                400,
                [Problem("Mandatory parameter 'email' is missing.", codes.NULL_PARAMETER, "email")],
            )
        problems: list[Problem] = []
        if "package" in body or "packages" in body:
            packages, problems = validation.subscriber_packages(body)
            params = body.get("provisioningParameters")
            if packages and isinstance(params, dict):
                problems += validation.check_number_and_extension(params, packages[0])
        check(problems)
        customer = self.state.customers.get(body.get("customerId") or "")
        if body.get("customerId") and customer is None:
            raise HttpError(404, "Customer not found.", codes.NOT_FOUND)
        person = self.state.person_by_email(body["email"])
        if person is not None and customer is not None and person.org_id != customer.org_id:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        if self.state.active_subscriber_by_email(body["email"]) is not None:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        return precheck_ok(self.app)
