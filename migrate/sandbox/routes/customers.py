"""``/wholesale/customers``: provision (202, settles later), get, list, update, remove,
and the precheck ``/validate``."""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes, validation
from migrate.sandbox.app import API_PREFIX, SEGMENT, SandboxApp, check, json_body, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import settle
from migrate.sandbox.routes.sub_partners import scope
from migrate.sandbox.state import Customer, license_id


def register(app: SandboxApp) -> None:
    routes = CustomerRoutes(app)
    app.route("GET", "/wholesale/customers", routes.list_customers)
    app.route("POST", "/wholesale/customers", routes.provision_customer)
    app.route("POST", "/wholesale/customers/validate", routes.validate_customer)
    app.route("GET", f"/wholesale/customers/{SEGMENT}", routes.get_customer)
    app.route("PUT", f"/wholesale/customers/{SEGMENT}", routes.update_customer)
    app.route("DELETE", f"/wholesale/customers/{SEGMENT}", routes.remove_customer)


def precheck_ok(app: SandboxApp) -> SandboxResponse:
    """The ``/validate`` success answer customers and subscribers share."""
    info = {"infoCode": 100, "description": "Provisioning preCheck validation successful."}
    return SandboxResponse.json(
        200, {"message": "success", "info": [info] if app.config.precheck_info_as_list else info}
    )


class CustomerRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _customer(
        self, req: SandboxRequest, customer_id: str, *, for_delete: bool = False
    ) -> Customer:
        acting_for = scope(self.state, req, for_delete=for_delete)
        customer = self.state.customers.get(customer_id)
        settled = settle(self.state, self.clock, customer) if customer else None
        if settled is None or (acting_for is not None and settled.sub_partner_org_id != acting_for):
            raise HttpError(404, "Customer not found.", codes.NOT_FOUND)
        return settled

    def _attachable(self, org_id: str) -> None:
        """An existing org becomes a customer only if Webex knows it and it is nobody's:
        not the partner's own, a sub-partner's, or another customer's."""
        if self.state.customer_by_org(org_id) is not None:
            raise HttpError(
                409,
                "This organization is already a wholesale customer.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        if (
            org_id not in self.state.orgs
            or org_id == self.state.partner_org_id
            or org_id in self.state.sub_partners
        ):
            raise HttpError(
                400,
                f"orgId {org_id!r} is not an organization this partner can attach.",
                codes.ORG_NOT_FOUND,
            )

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
                pkg["licenseIds"] = [license_id(customer.org_id, name)]
            packages.append(pkg)
        view["resourceDetails"] = {"packages": packages}
        if customer.errors:
            view["errors"] = customer.errors
        return view

    def list_customers(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        acting_for = scope(self.state, req)
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
            settled = settle(self.state, self.clock, customer)
            if settled is None:
                continue
            if acting_for is not None and settled.sub_partner_org_id != acting_for:
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
        return page(req, items, default_max=100, cap=100)

    def provision_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        acting_for = scope(self.state, req)
        body = json_body(req)
        check(validation.check_customer_provision(body))
        if self.state.customer_by_external_id(body["externalId"]) is not None:
            raise HttpError(
                409,
                f"A customer with externalId {body['externalId']!r} already exists.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        org_id = body.get("orgId")
        if org_id is not None:
            self._attachable(org_id)
        customer = Customer(
            id=self.state.new_id("ENTERPRISE"),
            org_id=org_id or self.state.new_id("ORGANIZATION"),
            external_id=body["externalId"],
            provisioning_id=body["provisioningId"],
            packages=list(dict.fromkeys(body["packages"])),
            address=dict(body["address"]),
            customer_info=body.get("customerInfo"),
            provisioning_parameters=body.get("provisioningParameters"),
            sub_partner_org_id=acting_for,
            status="provisioning",
            final_status=self.app.faults.customer_final_status(body["externalId"]),
            ready_at=self.clock.time() + self.app.config.provisioning_delay_s,
            created=self.app.now_iso(),
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
        body = json_body(req)
        check(validation.check_customer_update(body))
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
        customer.ready_at = self.clock.time() + self.app.config.update_delay_s
        settle(self.state, self.clock, customer)
        url = req.url(f"{API_PREFIX}/wholesale/customers/{customer.id}")
        return SandboxResponse.json(202, {"url": url}, [("Location", url)])

    def remove_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        customer = self._customer(req, m.group(1), for_delete=True)
        if customer.status != "deleting":
            customer.status = "deleting"
            customer.ready_at = self.clock.time() + self.app.config.delete_delay_s
            settle(self.state, self.clock, customer)
        return SandboxResponse(202)

    def validate_customer(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        scope(self.state, req)
        body = json_body(req)
        check(validation.check_customer_validate(body))
        external_id = body.get("externalId")
        if external_id and self.state.customer_by_external_id(external_id) is not None:
            raise HttpError(
                409,
                f"A customer with externalId {external_id!r} already exists.",
                codes.DUPLICATE_EXTERNAL_ID,
            )
        if body.get("orgId") is not None:
            self._attachable(body["orgId"])
        email = (body.get("customerInfo") or {}).get("primaryEmail")
        if email and body.get("orgId") is None and self.state.active_subscriber_by_email(email):
            raise HttpError(409, "The email belongs to an existing user.", codes.EMAIL_EXISTS)
        return precheck_ok(self.app)
