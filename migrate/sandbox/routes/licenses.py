"""``/licenses`` (list, get): a wholesale customer's packages are its org's licences.

Each package is one licence with a derived id (:func:`~migrate.sandbox.state.license_id`),
consumed by the provisioned subscribers holding it and the workspaces it was applied to.
"""

from __future__ import annotations

import re
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.lifecycle import org_in_use
from migrate.sandbox.state import Customer, SandboxState, license_id

# Licence names as Webex shows them; a package without a known name shows its own.
LICENSE_NAMES = {
    "webex_calling": "Webex Calling - Professional",
    "webex_voice": "Webex Calling - Basic",
    "common_area_calling": "Webex Calling - Workspaces",
    "webex_meetings": "Meeting - Webex Meetings",
    "webex_suite": "Webex Suite",
    "cx_essentials": "Customer Experience - Essential",
    "webex_calling_standard": "Webex Calling - Standard",
    "attendant_console": "Attendant Console",
}
# Wholesale bills by use; nothing is bought in advance, so no licence has a unit cap.
UNLIMITED = -1


def register(app: SandboxApp) -> None:
    routes = LicenseRoutes(app)
    app.route("GET", "/licenses", routes.list_licenses)
    app.route("GET", f"/licenses/{SEGMENT}", routes.get_license)


def license_view(state: SandboxState, customer: Customer, package: str) -> dict[str, Any]:
    lic = license_id(customer.org_id, package)
    users = sum(
        1
        for s in state.subscribers_of(customer.id)
        if not s.deleted and s.status == "provisioned" and package in s.packages
    )
    places = sum(
        1 for w in state.workspaces.values() if w.org_id == customer.org_id and lic in w.licenses
    )
    return {
        "id": lic,
        "name": LICENSE_NAMES.get(package, package),
        "totalUnits": UNLIMITED,
        "consumedUnits": users + places,
        "consumedByUsers": users,
        "consumedByWorkspaces": places,
        "subscriptionId": f"Sub-{customer.external_id}",
    }


class LicenseRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _licenses(self, org_id: str) -> list[dict[str, Any]]:
        customer = self.state.customer_by_org(org_id)
        if customer is None or customer.status not in ("provisioned", "provisioned_with_errors"):
            return []
        return [license_view(self.state, customer, p) for p in customer.packages]

    def list_licenses(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        org_id = org_in_use(self.state, self.clock, req.param("orgId") or self.state.partner_org_id)
        return SandboxResponse.json(200, {"items": self._licenses(org_id)})

    def get_license(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        wanted = m.group(1)
        for customer in list(self.state.customers.values()):
            for view in self._licenses(customer.org_id):
                if view["id"] == wanted:
                    return SandboxResponse.json(200, view)
        raise HttpError(404, "License not found.", codes.NOT_FOUND)
