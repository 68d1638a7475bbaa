"""The sandbox's Webex: routing, auth, faults and the endpoint handlers.

``SandboxApp.handle`` is a pure request → response function under one lock;
the front ends (``transport.py`` in-process, ``server.py`` over TCP) apply the
response's ``delay`` and ``drop`` so latency never holds the lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.billing import render_csv
from migrate.sandbox.clock import Clock, iso_ms
from migrate.sandbox.faults import FaultConfig, Faults
from migrate.sandbox.http import SandboxRequest, SandboxResponse
from migrate.sandbox.state import (
    Activation,
    BillingReport,
    Customer,
    Location,
    Number,
    Org,
    SandboxState,
    SubPartner,
    Subscriber,
)
from migrate.sandbox.validation import Problem

log = logging.getLogger("migrate.sandbox")

API_PREFIX = "/v1"
DOWNLOAD_PREFIX = "/_sandbox/billing/"
TRANSIENT = ("provisioning", "updating", "deleting")


@dataclass
class SandboxConfig:
    provisioning_delay_s: float = 0.0
    update_delay_s: float = 0.0
    delete_delay_s: float = 0.0
    billing_delay_s: float = 0.0
    tokens: set[str] | None = None  # None: any non-empty bearer token is accepted
    precheck_info_as_list: bool = False  # the spec's schema says object; its examples a list
    download_ttl_s: float = 1800.0  # the guide: a report URL works for 30 minutes
    faults: FaultConfig = field(default_factory=FaultConfig)


class HttpError(Exception):
    def __init__(
        self,
        status: int,
        problems: list[Problem] | str,
        code: int | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, code if code is not None else status)]
        super().__init__(problems[0].description if problems else str(status))
        self.status = status
        self.problems = problems
        self.headers = headers or []


Handler = Callable[[SandboxRequest, re.Match[str]], SandboxResponse]


class SandboxApp:
    def __init__(self, state: SandboxState, clock: Clock, config: SandboxConfig) -> None:
        self.state = state
        self.clock = clock
        self.config = config
        self.faults = Faults(config.faults, clock)
        self._secret = uuid.uuid4().bytes
        # (method, path, status; 0 = no answer) of recent requests, for tests and rehearsals;
        # bounded so a long-running served sandbox does not grow without end.
        self.request_log: deque[tuple[str, str, int]] = deque(maxlen=100_000)
        r = self._routes = []  # type: list[tuple[str, re.Pattern[str], Handler]]

        def add(method: str, pattern: str, handler: Handler) -> None:
            r.append((method, re.compile(pattern + r"/?"), handler))

        seg = r"([^/]+)"
        add("GET", "/wholesale/customers", self.list_customers)
        add("POST", "/wholesale/customers", self.provision_customer)
        add("POST", "/wholesale/customers/validate", self.validate_customer)
        add("GET", f"/wholesale/customers/{seg}", self.get_customer)
        add("PUT", f"/wholesale/customers/{seg}", self.update_customer)
        add("DELETE", f"/wholesale/customers/{seg}", self.remove_customer)
        add("GET", "/wholesale/subscribers", self.list_subscribers)
        add("POST", "/wholesale/subscribers", self.provision_subscriber)
        add("POST", "/wholesale/subscribers/validate", self.validate_subscriber)
        add("GET", f"/wholesale/subscribers/{seg}", self.get_subscriber)
        add("PUT", f"/wholesale/subscribers/{seg}", self.update_subscriber)
        add("DELETE", f"/wholesale/subscribers/{seg}", self.remove_subscriber)
        add("POST", f"/subscribers/{seg}/emails/consentMove", self.consent_move)
        add("GET", "/wholesale/subPartners", self.list_sub_partners)
        add("GET", "/wholesale/billing/reports", self.list_reports)
        add("POST", "/wholesale/billing/reports", self.create_report)
        add("GET", f"/wholesale/billing/reports/{seg}", self.get_report)
        add("DELETE", f"/wholesale/billing/reports/{seg}", self.delete_report)
        add("GET", f"/organizations/{seg}", self.get_organization)
        add("GET", "/locations", self.list_locations)
        add("POST", "/locations", self.create_location)
        add("GET", f"/locations/{seg}", self.get_location)
        add("GET", "/telephony/config/locations", self.list_calling_locations)
        add("POST", "/telephony/config/locations", self.enable_calling)
        add("POST", f"/telephony/config/locations/{seg}/numbers", self.add_numbers)
        add("DELETE", f"/telephony/config/locations/{seg}/numbers", self.remove_numbers)
        add("GET", "/telephony/config/numbers", self.list_numbers)
        # Issue #7: workspaces and devices (sandbox/devices.py imports this module).
        from migrate.sandbox.devices import DeviceRoutes

        DeviceRoutes(self).register(add)

    # ------------------------------------------------------------------ front door

    def handle(self, req: SandboxRequest) -> SandboxResponse:
        tracking = req.headers.get("trackingid") or f"SANDBOX_{uuid.uuid4()}"
        try:
            response = self._handle(req, tracking)
        except Exception as err:  # a sandbox bug: answer like a server would, and say so
            log.exception("sandbox error on %s %s", req.method, req.path)
            response = self._error(
                HttpError(500, f"Sandbox internal error: {type(err).__name__}.", 500), tracking
            )
        response.headers.append(("Trackingid", tracking))
        self.request_log.append((req.method, req.path, 0 if response.drop else response.status))
        return response

    def _handle(self, req: SandboxRequest, tracking: str) -> SandboxResponse:
        if req.method == "GET" and req.path.startswith(DOWNLOAD_PREFIX):
            return self._guard(lambda: self.download_report(req), tracking)
        if not req.path.startswith(API_PREFIX + "/"):
            return self._error(
                HttpError(404, "The requested resource could not be found.", codes.NOT_FOUND),
                tracking,
            )
        path = req.path[len(API_PREFIX) :]
        token = self._token(req)
        if token is None:
            return self._error(
                HttpError(
                    401,
                    "The request requires a valid access token set in the Authorization "
                    "request header.",
                    codes.INVALID_TOKEN,
                ),
                tracking,
            )
        delay = self.faults.latency_s()
        wait = self.faults.rate_limited(token)
        if wait > 0:
            return self._delayed(
                self._error(
                    HttpError(
                        429,
                        "Too many requests; retry after the time in Retry-After.",
                        codes.RATE_LIMITED,
                        [("Retry-After", self._retry_after(wait))],
                    ),
                    tracking,
                ),
                delay,
            )
        scripted = self.faults.scripted(req.method, path)
        if scripted is not None and not scripted.commit:
            return self._delayed(
                self._fault_response(scripted.status, scripted.retry_after, tracking), delay
            )
        fc = self.config.faults
        if self.faults.chance(fc.error_429_rate):  # throttled at random, not by the bucket
            return self._delayed(self._fault_response(429, "1", tracking), delay)
        if self.faults.chance(fc.locked_rate):
            return self._delayed(self._fault_response(423, "1", tracking), delay)
        if self.faults.chance(fc.error_5xx_rate):
            return self._delayed(
                self._fault_response(self.faults.pick_5xx(), None, tracking), delay
            )
        response = self._guard(lambda: self._dispatch(req, path), tracking)
        if scripted is not None:  # commit=True: the work is done, the answer is lost
            response = self._fault_response(scripted.status, scripted.retry_after, tracking)
        elif self.faults.chance(fc.timeout_rate):
            response = self._fault_response(0, None, tracking)
        return self._delayed(response, delay)

    def _dispatch(self, req: SandboxRequest, path: str) -> SandboxResponse:
        known_path = False
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            known_path = True
            if method == req.method:
                with self.state.lock:
                    return handler(req, match)
        if known_path:
            raise HttpError(405, "Method not allowed.", 405)
        raise HttpError(404, "The requested resource could not be found.", codes.NOT_FOUND)

    def _guard(self, work: Callable[[], SandboxResponse], tracking: str) -> SandboxResponse:
        try:
            return work()
        except HttpError as err:
            return self._error(err, tracking)

    def _delayed(self, response: SandboxResponse, delay: float) -> SandboxResponse:
        response.delay += delay
        return response

    def _token(self, req: SandboxRequest) -> str | None:
        scheme, _, token = req.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        if self.config.tokens is not None and token not in self.config.tokens:
            return None
        return token

    def _retry_after(self, seconds: float) -> str:
        whole = max(1, int(seconds + 0.999))
        if self.config.faults.retry_after_format == "http-date":
            # HTTP-date has 1 s resolution; round up so the client never comes back early.
            return format_datetime(self.clock.now() + timedelta(seconds=whole + 1), usegmt=True)
        return str(whole)

    def _fault_response(
        self, status: int, retry_after: str | None, tracking: str
    ) -> SandboxResponse:
        if status == 0:
            return SandboxResponse(504, drop=True)
        headers: list[tuple[str, str]] = []
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        elif status in (429, 423, 503):
            headers.append(("Retry-After", self._retry_after(1)))
        messages = {
            423: "The resource is locked; retry later.",
            429: "Too many requests; retry after the time in Retry-After.",
            500: "Internal server error.",
            502: "Bad gateway.",
            503: "Service unavailable; retry later.",
            504: "Gateway timeout.",
        }
        return self._error(
            HttpError(status, messages.get(status, "Injected fault."), status, headers), tracking
        )

    def _error(self, err: HttpError, tracking: str) -> SandboxResponse:
        body = {
            "message": err.problems[0].description if err.problems else "Error",
            "errors": [
                {
                    "description": p.description,
                    "errorCode": p.error_code,
                    **({"fieldName": p.field} if p.field else {}),
                }
                for p in err.problems
            ],
            "trackingId": tracking,
        }
        return SandboxResponse.json(err.status, body, list(err.headers))

    # ------------------------------------------------------------------ helpers

    def _now_iso(self) -> str:
        return iso_ms(self.clock.now())

    @staticmethod
    def _body(req: SandboxRequest) -> Any:
        if not req.body:
            return {}
        ctype = req.headers.get("content-type", "application/json")
        if "json" not in ctype:
            raise HttpError(415, "Unsupported media type; send application/json.", 415)
        try:
            return json.loads(req.body)
        except ValueError as err:
            raise HttpError(
                400, f"The request body is not valid JSON: {err}.", codes.INVALID_PARAMETER_VALUE
            ) from None

    @staticmethod
    def _check(problems: list[Problem]) -> None:
        if problems:
            raise HttpError(400, problems)

    def _page(
        self,
        req: SandboxRequest,
        items: list[Any],
        *,
        default_max: int,
        cap: int,
        key: str = "items",
        offset_name: str = "offset",
    ) -> SandboxResponse:
        try:
            offset = int(req.param(offset_name) or 0)
            size = int(req.param("max") or default_max)
        except ValueError:
            raise HttpError(
                400, "offset and max must be integers.", codes.INVALID_PARAMETER_VALUE
            ) from None
        if offset < 0 or size < 1:
            raise HttpError(400, "offset must be >= 0 and max >= 1.", codes.INVALID_PARAMETER_VALUE)
        size = min(size, cap)  # Webex caps max silently and keeps paging with Link
        page = items[offset : offset + size]
        links = []

        def link(new_offset: int, rel: str) -> str:
            query = {k: v for k, v in req.query.items() if k not in (offset_name, "max")}
            query[offset_name] = [str(new_offset)]
            query["max"] = [str(size)]
            return f'<{req.url(req.path, query)}>; rel="{rel}"'

        if offset + size < len(items):
            links.append(link(offset + size, "next"))
        if offset > 0:
            links.append(link(max(0, offset - size), "prev"))
        headers = [("Link", ", ".join(links))] if links else []
        return SandboxResponse.json(200, {key: page}, headers)

    def _sub_partner(self, req: SandboxRequest, *, for_delete: bool = False) -> str | None:
        org = req.param("onBehalfOfSubPartnerOrgId")
        if org is None:
            return None
        partner = self.state.sub_partners.get(org)
        if partner is None:
            raise HttpError(403, "Unknown sub-partner organization.", codes.SUB_PARTNER_NOT_ALLOWED)
        if partner.provisioning_state != "active" and not for_delete:
            raise HttpError(
                403, "A suspended sub-partner can only delete.", codes.SUB_PARTNER_NOT_ALLOWED
            )
        return org

    # ------------------------------------------------------------------ customers

    def settle(self, customer: Customer) -> Customer | None:
        """Finish background work whose time has come; None when a delete completed."""
        if customer.status not in TRANSIENT or self.clock.time() < customer.ready_at:
            return customer
        if customer.status == "deleting":
            self._purge_customer(customer)
            return None
        if customer.status == "updating":
            customer.packages = list(customer.pending_packages or customer.packages)
            if customer.pending_address is not None:
                customer.address = customer.pending_address
            customer.pending_packages = customer.pending_address = None
            customer.status = "provisioned"
            return customer
        final = customer.final_status
        if final in ("provisioned", "provisioned_with_errors"):
            self._create_org(customer)
        if final == "provisioned_with_errors":
            failed = next(
                (p for p in customer.packages if p != "webex_meetings"), customer.packages[0]
            )
            customer.package_errors[failed] = [
                {
                    "errorCode": codes.CALLING_MAINTENANCE,
                    "description": "One or more Webex Calling services are unavailable due to "
                    "maintenance, unable to start provisioning. Consult "
                    "status.webex.com and retry later.",
                }
            ]
        elif final == "error":
            customer.errors = [
                {
                    "errorCode": codes.CALLING_MAINTENANCE,
                    "description": "Provisioning failed; retry later.",
                }
            ]
        customer.status = final
        return customer

    def _create_org(self, customer: Customer) -> None:
        info = customer.customer_info or {}
        if customer.org_id not in self.state.orgs:
            self.state.orgs[customer.org_id] = Org(
                customer.org_id, info.get("name") or customer.external_id, self._now_iso()
            )
        calling = (customer.provisioning_parameters or {}).get("calling") or {}
        loc = calling.get("location")
        if not isinstance(loc, dict):
            return
        addr = loc.get("address") or {}
        language = _locale(loc.get("language", "en_US"))
        location = Location(
            id=self.state.new_id("LOCATION"),
            org_id=customer.org_id,
            name=loc["name"],
            address={
                "address1": addr.get("addressLine1", ""),
                "address2": addr.get("addressLine2", ""),
                "city": addr.get("city", ""),
                "state": addr.get("stateOrProvince", ""),
                "postalCode": addr.get("zipOrPostalCode", ""),
                "country": addr.get("country", ""),
            },
            time_zone=loc.get("timezone", "UTC"),
            preferred_language=language,
            announcement_language=language,
            calling_enabled=True,
            emergency_location_identifier=loc.get("emergencyLocationIdentifier"),
        )
        self.state.locations[location.id] = location

    def _purge_customer(self, customer: Customer) -> None:
        now = self.clock.time()
        for sub in self.state.subscribers_of(customer.id):
            if not sub.deleted:
                self._end_subscriber(sub, now)
        if not customer.existing_org:
            self.state.drop_workspaces(customer.org_id)  # issue #7: with their devices
            for loc_id in [
                i for i, loc in self.state.locations.items() if loc.org_id == customer.org_id
            ]:
                del self.state.locations[loc_id]
            for number in [
                n for n, rec in self.state.numbers.items() if rec.org_id == customer.org_id
            ]:
                del self.state.numbers[number]
            self.state.orgs.pop(customer.org_id, None)
        self.state.unindex_customer(customer)

    def _customer(
        self, req: SandboxRequest, customer_id: str, *, for_delete: bool = False
    ) -> Customer:
        scope = self._sub_partner(req, for_delete=for_delete)
        customer = self.state.customers.get(customer_id)
        settled = self.settle(customer) if customer else None
        if settled is None or (scope is not None and settled.sub_partner_org_id != scope):
            raise HttpError(404, "Customer not found.", codes.NOT_FOUND)
        return settled

    def customer_view(self, customer: Customer, *, licenses: bool = False) -> dict[str, Any]:
        view: dict[str, Any] = {"id": customer.id}
        if customer.status in ("provisioned", "provisioned_with_errors") or (
            customer.status in ("updating", "deleting") and customer.org_id in self.state.orgs
        ):
            view["orgId"] = customer.org_id
        view["externalId"] = customer.external_id
        view["address"] = customer.address
        view["status"] = customer.status
        view["packages"] = list(customer.packages)
        packages = []
        for name in customer.packages:
            pkg: dict[str, Any] = {"name": name}
            if customer.status == "provisioning":
                pkg["status"] = "provisioning"
            elif customer.status == "deleting":
                pkg["status"] = "deleting"
            elif customer.status == "error" or name in customer.package_errors:
                pkg["status"] = "error"
            else:
                pkg["status"] = "provisioned"
            if name in customer.package_errors:
                pkg["warnings"] = customer.package_errors[name]
            if licenses and pkg["status"] == "provisioned":
                pkg["licenseIds"] = [_license_id(customer.org_id, name)]
            packages.append(pkg)
        view["resourceDetails"] = {"packages": packages}
        if customer.errors:
            view["errors"] = customer.errors
        return view

    def list_customers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope = self._sub_partner(req)
        external_id, org_id = req.param("externalId"), req.param("orgId")
        statuses = set(req.params("status"))
        items = []
        if external_id is not None:
            found = self.state.customer_by_external_id(external_id)
            candidates = [found] if found else []
        elif org_id is not None:
            found = self.state.customer_by_org(org_id)
            candidates = [found] if found else []
        else:
            candidates = list(self.state.customers.values())
        for customer in candidates:
            settled = self.settle(customer)
            if settled is None:
                continue
            if scope is not None and settled.sub_partner_org_id != scope:
                continue
            if external_id is not None and settled.external_id != external_id:
                continue
            if org_id is not None and (
                settled.org_id != org_id or "orgId" not in self.customer_view(settled)
            ):
                continue
            if statuses and settled.status not in statuses:
                continue
            items.append(self.customer_view(settled))
        return self._page(req, items, default_max=100, cap=100)

    def provision_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope = self._sub_partner(req)
        body = self._body(req)
        self._check(validation.check_customer_provision(body))
        if self.state.customer_by_external_id(body["externalId"]) is not None:
            raise HttpError(
                409,
                f"A customer with externalId {body['externalId']!r} already exists.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        org_id = body.get("orgId")
        if org_id is not None and self.state.customer_by_org(org_id) is not None:
            raise HttpError(
                409,
                "This organization is already a wholesale customer.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        customer = Customer(
            id=self.state.new_id("ENTERPRISE"),
            org_id=org_id or self.state.new_id("ORGANIZATION"),
            external_id=body["externalId"],
            provisioning_id=body["provisioningId"],
            packages=list(dict.fromkeys(body["packages"])),
            address=dict(body["address"]),
            customer_info=body.get("customerInfo"),
            provisioning_parameters=body.get("provisioningParameters"),
            sub_partner_org_id=scope,
            status="provisioning",
            final_status=self.faults.customer_final_status(body["externalId"]),
            ready_at=self.clock.time() + self.config.provisioning_delay_s,
            created=self._now_iso(),
            existing_org=org_id is not None,
        )
        self.state.index_customer(customer)
        url = req.url(f"{API_PREFIX}/wholesale/customers/{customer.id}")
        return SandboxResponse.json(202, {"url": url}, [("Location", url)])

    def get_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        customer = self._customer(req, m.group(1))
        licenses = (req.param("includePackageLicenseInfo") or "").lower() == "true"
        return SandboxResponse.json(200, self.customer_view(customer, licenses=licenses))

    def update_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        customer = self._customer(req, m.group(1))
        body = self._body(req)
        self._check(validation.check_customer_update(body))
        if customer.status not in ("provisioned", "provisioned_with_errors"):
            raise HttpError(
                409,
                f"The customer is {customer.status}; it cannot be updated now.",
                codes.CUSTOMER_NOT_PROVISIONED,
            )
        new_external = body.get("externalId")
        if new_external and new_external != customer.external_id:
            if self.state.customer_by_external_id(new_external) is not None:
                raise HttpError(409, "externalId already in use.", codes.DUPLICATE_EXTERNAL_ID)
            self.state.rename_customer(customer, new_external)
        customer.pending_packages = list(dict.fromkeys(body["packages"]))
        customer.pending_address = body.get("address")
        customer.package_errors = {}
        customer.status = "updating"
        customer.ready_at = self.clock.time() + self.config.update_delay_s
        self.settle(customer)
        url = req.url(f"{API_PREFIX}/wholesale/customers/{customer.id}")
        return SandboxResponse.json(202, {"url": url}, [("Location", url)])

    def remove_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        customer = self._customer(req, m.group(1), for_delete=True)
        if customer.status != "deleting":
            customer.status = "deleting"
            customer.ready_at = self.clock.time() + self.config.delete_delay_s
            self.settle(customer)
        return SandboxResponse(202)

    def validate_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._sub_partner(req)
        body = self._body(req)
        self._check(validation.check_customer_validate(body))
        external_id = body.get("externalId")
        if external_id and self.state.customer_by_external_id(external_id) is not None:
            raise HttpError(
                409,
                f"A customer with externalId {external_id!r} already exists.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        email = (body.get("customerInfo") or {}).get("primaryEmail")
        if email and body.get("orgId") is None and self.state.active_subscriber_by_email(email):
            raise HttpError(409, "The email belongs to an existing user.", codes.EMAIL_EXISTS)
        return self._precheck_ok()

    def _precheck_ok(self) -> SandboxResponse:
        info = {"infoCode": 100, "description": "Provisioning preCheck validation successful."}
        return SandboxResponse.json(
            200,
            {"message": "success", "info": [info] if self.config.precheck_info_as_list else info},
        )

    # ------------------------------------------------------------------ subscribers

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
        scope = self._sub_partner(req, for_delete=for_delete)
        sub = self.state.subscribers.get(subscriber_id)
        customer = self.state.customers.get(sub.customer_id) if sub else None
        if (
            sub is None
            or sub.deleted
            or customer is None
            or (scope is not None and customer.sub_partner_org_id != scope)
        ):
            raise HttpError(404, "Subscriber not found.", codes.NOT_FOUND)
        return sub

    def list_subscribers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope = self._sub_partner(req)
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
            if customer is None or self.settle(customer) is None:
                continue
            if scope is not None and customer.sub_partner_org_id != scope:
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
        return self._page(req, items, default_max=50, cap=100)

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
            if self.state.workspace_with_extension(customer.org_id, extension):  # issue #7
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
        if number is not None:
            self.state.numbers[number].owner_id = owner

    def provision_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope = self._sub_partner(req)
        body = self._body(req)
        packages, problems = validation.check_subscriber_provision(body)
        self._check(problems)
        customer = self.state.customers.get(body["customerId"])
        customer = self.settle(customer) if customer else None
        if customer is None or (scope is not None and customer.sub_partner_org_id != scope):
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
        params = body["provisioningParameters"]
        sub_id = self.state.new_id("SUBSCRIBER")
        location_id = number = extension = None
        if package not in validation.NON_CALLING:
            location = self._calling_location(customer, params.get("locationId"))
            number, extension = params.get("primaryPhoneNumber"), params.get("extension")
            self._claim_number_and_extension(customer, location, number, extension, sub_id)
            location_id = location.id
        now = self._now_iso()
        consent = self.faults.subscriber_needs_consent(body["email"])
        sub = Subscriber(
            id=sub_id,
            customer_id=customer.id,
            person_id=self.state.new_id("PEOPLE"),
            email=body["email"],
            packages=[package],
            status="pending_user_migration" if consent else "provisioned",
            first_name=params.get("firstName"),
            last_name=params.get("lastName"),
            primary_phone_number=number,
            extension=extension,
            location_id=location_id,
            created=now,
            last_status_change=now,
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
        body = self._body(req)
        if not isinstance(body, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE
            )
        packages, problems = validation.subscriber_packages(body)
        self._check(problems)
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
            self._check(validation.check_number_and_extension(params, package))
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
            sub.last_status_change = self._now_iso()
        return SandboxResponse.json(
            200,
            self.subscriber_view(sub),
            [("Location", req.url(f"{API_PREFIX}/wholesale/subscribers/{sub.id}"))],
        )

    def _end_subscriber(self, sub: Subscriber, now: float) -> None:
        if sub.activations and sub.activations[-1].end is None:
            sub.activations[-1].end = now
        if sub.primary_phone_number and sub.primary_phone_number in self.state.numbers:
            self.state.numbers[sub.primary_phone_number].owner_id = None
        sub.deleted = True
        self.state.unindex_subscriber_email(sub)
        self.state.drop_devices(person_id=sub.person_id)  # a person's phones go with them

    def remove_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._subscriber(req, m.group(1), for_delete=True)
        self._end_subscriber(sub, self.clock.time())
        return SandboxResponse(204)

    def consent_move(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        sub = self._subscriber(req, m.group(1))
        if sub.status != "pending_user_migration":
            raise HttpError(
                400, "The subscriber is not waiting for a user move.", codes.INVALID_PARAMETER_VALUE
            )
        return SandboxResponse(204)

    def validate_subscriber(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._sub_partner(req)
        body = self._body(req)
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
        self._check(problems)
        if body.get("customerId") and body["customerId"] not in self.state.customers:
            raise HttpError(404, "Customer not found.", codes.NOT_FOUND)
        if self.state.active_subscriber_by_email(body["email"]) is not None:
            raise HttpError(
                409, "The email address belongs to an existing user.", codes.EMAIL_EXISTS
            )
        return self._precheck_ok()

    # ------------------------------------------------------------------ sub-partners

    def list_sub_partners(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        wanted = req.param("provisioningState")
        items = [
            {
                "orgId": p.org_id,
                "subscriptionId": p.subscription_id,
                "provisioningState": p.provisioning_state,
                "created": p.created,
                "billingStartDate": p.billing_start_date,
            }
            for p in self.state.sub_partners.values()
            if wanted is None or p.provisioning_state == wanted
        ]
        return self._page(req, items, default_max=100, cap=100)

    # ------------------------------------------------------------------ billing

    def _report(self, report_id: str) -> BillingReport:
        report = self.state.reports.get(report_id)
        if report is None:
            raise HttpError(404, "Billing Report not found.", codes.BILLING_REPORT_NOT_FOUND)
        return report

    def _report_status(self, report: BillingReport) -> str:
        return report.final_status if self.clock.time() >= report.ready_at else "IN_PROGRESS"

    def create_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        body = self._body(req)
        if not isinstance(body, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE
            )
        first, last = _date(body, "billingStartDate"), _date(body, "billingEndDate")
        today = self.clock.now().date()
        if first > last:
            raise HttpError(
                400, "billingStartDate is after billingEndDate.", codes.INVALID_PARAMETER_VALUE
            )
        if last >= today:
            raise HttpError(
                400,
                "A report cannot include the current day or later.",
                codes.INVALID_PARAMETER_VALUE,
            )
        if first < today.replace(year=today.year - 5):
            raise HttpError(
                400,
                "A report can cover at most the last five years.",
                codes.INVALID_PARAMETER_VALUE,
            )
        report_type = body.get("type", "PARTNER")
        if report_type not in ("PARTNER", "CUSTOMER", "USER"):
            raise HttpError(
                400, "type must be PARTNER, CUSTOMER or USER.", codes.INVALID_PARAMETER_VALUE
            )
        sub_partner = body.get("subPartnerOrgId")
        if sub_partner is not None and sub_partner not in self.state.sub_partners:
            raise HttpError(403, "Unknown sub-partner organization.", codes.SUB_PARTNER_NOT_ALLOWED)
        for other in self.state.reports.values():
            if (
                other.billing_start_date,
                other.billing_end_date,
                other.type,
                other.sub_partner_org_id,
            ) == (
                first.isoformat(),
                last.isoformat(),
                report_type,
                sub_partner,
            ) and self._report_status(other) == "COMPLETED":
                raise HttpError(
                    409,
                    "A report for this period exists; delete it to regenerate.",
                    codes.BILLING_REPORT_EXISTS,
                )
        now = self.clock.time()
        report = BillingReport(
            id=self.state.new_id("BILLING_REPORT"),
            billing_start_date=first.isoformat(),
            billing_end_date=last.isoformat(),
            type=report_type,
            category="RECONCILIATION",
            sub_partner_org_id=sub_partner,
            internal=bool(body.get("internal", False)),
            created=self._now_iso(),
            created_by=self.state.partner_org_id,
            ready_at=now + self.config.billing_delay_s,
            final_status="COMPLETED",
            csv=render_csv(self.state, report_type, first, last, now, sub_partner),
            download_key=uuid.uuid4().hex,
        )
        self.state.reports[report.id] = report
        return SandboxResponse.json(
            200,
            {
                "id": report.id,
                "billingStartDate": report.billing_start_date,
                "billingEndDate": report.billing_end_date,
                "type": report.type,
                "category": report.category,
            },
        )

    def _report_view(
        self, req: SandboxRequest, report: BillingReport, *, full: bool
    ) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": report.id,
            "billingStartDate": report.billing_start_date,
            "billingEndDate": report.billing_end_date,
            "type": report.type,
            "category": report.category,
            "status": self._report_status(report),
        }
        if full:
            view["created"] = report.created
            view["createdBy"] = report.created_by
            if view["status"] == "COMPLETED":
                expires = int(self.clock.time() + self.config.download_ttl_s)
                view["tempDownloadURL"] = req.url(
                    f"{DOWNLOAD_PREFIX}{report.download_key}.csv",
                    {
                        "Expires": [str(expires)],
                        "Signature": [self._sign(report.download_key, expires)],
                        "Key-Pair-Id": ["SANDBOX"],
                    },
                )
        return view

    def _sign(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()

    def get_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(
            200, self._report_view(req, self._report(m.group(1)), full=True)
        )

    def list_reports(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        filters = {
            "billingStartDate": req.param("billingStartDate"),
            "billingEndDate": req.param("billingEndDate"),
            "type": req.param("type"),
            "status": req.param("status"),
        }
        sub_partner = req.param("subPartnerOrgId")
        items = []
        for report in self.state.reports.values():
            if report.sub_partner_org_id != sub_partner:
                continue
            view = self._report_view(req, report, full=False)
            if all(v is None or view[k] == v for k, v in filters.items()):
                items.append(view)
        sort_by = req.param("sortBy") or "billingStartDate"
        if sort_by not in ("id", "billingStartDate", "billingEndDate", "status"):
            raise HttpError(400, "Unknown sortBy.", codes.INVALID_PARAMETER_VALUE)
        items.sort(key=lambda v: (v[sort_by], v["id"]))
        return self._page(req, items, default_max=100, cap=100)

    def delete_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        report = self._report(m.group(1))
        del self.state.reports[report.id]
        return SandboxResponse(204)

    def download_report(self, req: SandboxRequest) -> SandboxResponse:
        key = req.path[len(DOWNLOAD_PREFIX) :].removesuffix(".csv")
        try:
            expires = int(req.param("Expires") or "0")
        except ValueError:
            expires = 0
        signature = req.param("Signature") or ""
        if not hmac.compare_digest(signature, self._sign(key, expires)) or (
            self.clock.time() > expires
        ):
            raise HttpError(403, "The download link is invalid or has expired.", 403)
        with self.state.lock:
            report = next((r for r in self.state.reports.values() if r.download_key == key), None)
        if report is None:
            raise HttpError(404, "Billing Report not found.", codes.BILLING_REPORT_NOT_FOUND)
        return SandboxResponse(
            200, [("Content-Type", "text/csv; charset=utf-8")], report.csv.encode()
        )

    # ------------------------------------------------------------------ calling

    def _org_param(self, req: SandboxRequest) -> str:
        org_id = req.param("orgId") or self.state.partner_org_id
        if org_id != self.state.partner_org_id:
            customer = self.state.customer_by_org(org_id)
            if customer is not None:
                self.settle(customer)
            if org_id not in self.state.orgs:
                raise HttpError(404, "Organization not found.", codes.NOT_FOUND)
        return org_id

    def get_organization(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = m.group(1)
        customer = self.state.customer_by_org(org_id)
        if customer is not None:
            self.settle(customer)
        org = self.state.orgs.get(org_id)
        if org is None:
            raise HttpError(404, "Organization not found.", codes.NOT_FOUND)
        return SandboxResponse.json(
            200, {"id": org.id, "displayName": org.display_name, "created": org.created}
        )

    @staticmethod
    def location_view(loc: Location) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": loc.id,
            "name": loc.name,
            "orgId": loc.org_id,
            "timeZone": loc.time_zone,
            "preferredLanguage": loc.preferred_language,
            "address": loc.address,
        }
        return view

    def _location(self, req: SandboxRequest, location_id: str) -> Location:
        org_id = req.param("orgId")
        location = self.state.locations.get(location_id)
        if location is None or (org_id is not None and location.org_id != org_id):
            raise HttpError(404, "Location not found.", codes.NOT_FOUND)
        return location

    def list_locations(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org_param(req)
        name, loc_id = req.param("name"), req.param("id")
        items = [
            self.location_view(loc)
            for loc in self.state.locations.values()
            if loc.org_id == org_id
            and (name is None or loc.name == name)
            and (loc_id is None or loc.id == loc_id)
        ]
        return self._page(req, items, default_max=500, cap=1000, offset_name="start")

    def get_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(200, self.location_view(self._location(req, m.group(1))))

    def create_location(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org_param(req)
        body = self._body(req)
        self._check(validation.check_location(body, with_id=False))
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
        return SandboxResponse.json(201, self.location_view(location))

    def list_calling_locations(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org_param(req)
        items = [
            {"id": loc.id, "name": loc.name, "address": loc.address}
            for loc in self.state.locations.values()
            if loc.org_id == org_id and loc.calling_enabled
        ]
        return self._page(
            req, items, default_max=500, cap=1000, key="locations", offset_name="start"
        )

    def enable_calling(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        self._org_param(req)
        body = self._body(req)
        self._check(validation.check_location(body, with_id=True))
        location = self._location(req, body["id"])
        if location.calling_enabled:
            raise HttpError(
                409, "The location is already enabled for Webex Calling.", codes.DUPLICATE_NAME
            )
        location.calling_enabled = True
        location.announcement_language = body["announcementLanguage"]
        return SandboxResponse.json(201, {"id": location.id})

    def _phone_numbers(self, req: SandboxRequest, limit: int) -> list[str]:
        body = self._body(req)
        numbers = body.get("phoneNumbers") if isinstance(body, dict) else None
        if not isinstance(numbers, list) or not numbers:
            raise HttpError(
                400,
                [
                    Problem(
                        "Mandatory parameter 'phoneNumbers' is missing.",
                        codes.NULL_PARAMETER,
                        "phoneNumbers",
                    )
                ],
            )
        if len(numbers) > limit:
            raise HttpError(
                400, f"At most {limit} numbers per request.", codes.INVALID_PARAMETER_SIZE
            )
        bad = [n for n in numbers if not (isinstance(n, str) and validation.E164.match(n))]
        if bad:
            raise HttpError(
                400,
                f"Not E.164 numbers: {', '.join(map(str, bad))}.",
                codes.INVALID_PARAMETER_VALUE,
            )
        return list(dict.fromkeys(numbers))

    def add_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        if not location.calling_enabled:
            raise HttpError(
                400, "The location is not enabled for Webex Calling.", codes.LOCATION_NOT_IN_ORG
            )
        numbers = self._phone_numbers(req, 1000)
        body = self._body(req)
        taken = [n for n in numbers if n in self.state.numbers]
        if taken:
            raise HttpError(
                409, f"Numbers already in use: {', '.join(taken)}.", codes.NUMBER_IN_USE
            )
        state = body.get("state", "ACTIVE")
        number_type = body.get("numberType", "DID")
        for number in numbers:
            self.state.numbers[number] = Number(
                number, location.org_id, location.id, state, number_type
            )
        return SandboxResponse(200)

    def remove_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        location = self._location(req, m.group(1))
        numbers = self._phone_numbers(req, 5)
        for number in numbers:
            record = self.state.numbers.get(number)
            if record is None or record.location_id != location.id:
                raise HttpError(404, f"{number} is not in this location.", codes.NOT_FOUND)
            if record.owner_id is not None:
                raise HttpError(
                    409, f"{number} is assigned; unassign it first.", codes.NUMBER_IN_USE
                )
        for number in numbers:
            del self.state.numbers[number]
        return SandboxResponse(204)

    def list_numbers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = self._org_param(req)
        location_id = req.param("locationId")
        items = []
        for number in sorted(self.state.numbers.values(), key=lambda n: n.phone_number):
            if number.org_id != org_id or (location_id and number.location_id != location_id):
                continue
            location = self.state.locations.get(number.location_id)
            view: dict[str, Any] = {
                "phoneNumber": number.phone_number,
                "state": number.state,
                "phoneNumberType": "PRIMARY",
                "mainNumber": False,
                "numberType": number.number_type,
                "location": {"id": number.location_id, "name": location.name if location else ""},
            }
            owner = self.state.subscribers.get(number.owner_id or "")
            if owner is not None:
                if owner.extension:
                    view["extension"] = owner.extension
                view["owner"] = {
                    "id": owner.person_id,
                    "type": "PEOPLE",
                    "firstName": owner.first_name or "",
                    "lastName": owner.last_name or "",
                }
            place = self.state.workspaces.get(number.owner_id or "")
            if place is not None:  # issue #7: a workspace's number
                if place.extension:
                    view["extension"] = place.extension
                view["owner"] = {"id": place.id, "type": "PLACE", "lastName": place.display_name}
            items.append(view)
        return self._page(
            req, items, default_max=2000, cap=2000, key="phoneNumbers", offset_name="start"
        )


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


def _license_id(org_id: str, package: str) -> str:
    from migrate.sandbox.state import webex_id

    raw = hashlib.sha256(f"{org_id}/{package}".encode()).hexdigest()
    return webex_id(
        "LICENSE", f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}:{package.upper()}"
    )


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


def _locale(text: str) -> str:
    lang, _, country = text.partition("_")
    return f"{lang.lower()}_{country.upper()}" if country else lang.lower()


def _date(body: dict[str, Any], name: str) -> date:
    value = body.get(name)
    if not isinstance(value, str) or not validation.DATE.match(value):
        raise HttpError(
            400,
            [Problem(f"'{name}' must be a date YYYY-MM-DD.", codes.INVALID_PARAMETER_VALUE, name)],
        )
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).date()
    except ValueError:
        raise HttpError(
            400, [Problem(f"'{name}' is not a real date.", codes.INVALID_PARAMETER_VALUE, name)]
        ) from None


def add_sub_partner(
    state: SandboxState,
    *,
    org_id: str | None = None,
    provisioning_state: str = "active",
    created: str = "2025-01-01T00:00:00.000Z",
) -> SubPartner:
    """Test and CLI hook: sub-partners are set up by Cisco, never through the API."""
    with state.lock:
        partner = SubPartner(
            org_id=org_id or state.new_id("ORGANIZATION"),
            subscription_id=f"Sub-SANDBOX-{len(state.sub_partners) + 2:06d}",
            provisioning_state=provisioning_state,
            created=created,
            billing_start_date=created,
        )
        state.sub_partners[partner.org_id] = partner
        return partner
