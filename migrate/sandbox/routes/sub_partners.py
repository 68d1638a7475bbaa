"""``/wholesale/subPartners``, and the ``onBehalfOfSubPartnerOrgId`` scope other wholesale
calls take. Sub-partners are set up by Cisco, never through the API: tests and the CLI
add them with :func:`add_sub_partner` (``migrate sandbox serve --sub-partner``; an in-process
rehearsal registers the one its ``migrate.toml`` names)."""

from __future__ import annotations

import re

from migrate.sandbox import codes
from migrate.sandbox.app import SandboxApp, page
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.state import Org, SandboxState, SubPartner


def register(app: SandboxApp) -> None:
    routes = SubPartnerRoutes(app)
    app.route("GET", "/wholesale/subPartners", routes.list_sub_partners)


class SubPartnerRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.state = app.state

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
        return page(req, items, default_max=100, cap=100)


def scope(state: SandboxState, req: SandboxRequest, *, for_delete: bool = False) -> str | None:
    """The sub-partner a request acts for, or None for the partner itself."""
    org = req.param("onBehalfOfSubPartnerOrgId")
    if org is None:
        return None
    partner = state.sub_partners.get(org)
    if partner is None:
        raise HttpError(403, "Unknown sub-partner organization.", codes.SUB_PARTNER_NOT_ALLOWED)
    if partner.provisioning_state != "active" and not for_delete:
        raise HttpError(
            403, "A suspended sub-partner can only delete.", codes.SUB_PARTNER_NOT_ALLOWED
        )
    return org


def add_sub_partner(
    state: SandboxState,
    *,
    org_id: str | None = None,
    name: str | None = None,
    provisioning_state: str = "active",
    created: str = "2025-01-01T00:00:00.000Z",
) -> SubPartner:
    """Register a sub-partner and its org (``GET /organizations/{orgId}`` answers with
    ``name``). A known ``org_id`` is kept as it is, so registering on every command of a
    rehearsal keeps its subscription id; only a ``name`` given again renames its org."""
    with state.lock:
        known = state.sub_partners.get(org_id) if org_id else None
        partner = known or SubPartner(
            org_id=org_id or state.new_id("ORGANIZATION"),
            subscription_id=f"Sub-SANDBOX-{len(state.sub_partners) + 2:06d}",
            provisioning_state=provisioning_state,
            created=created,
            billing_start_date=created,
        )
        state.sub_partners[partner.org_id] = partner
        org = state.orgs.get(partner.org_id)
        if org is None:
            label = name or f"Sandbox Sub-partner {partner.subscription_id[-6:].lstrip('0')}"
            state.orgs[partner.org_id] = Org(partner.org_id, label, created)
        elif name:
            org.display_name = name
        return partner
