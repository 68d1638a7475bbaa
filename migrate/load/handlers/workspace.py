"""Workspaces: looked up by name in their location, created with the customer's
common-area licence, deleted on rollback (Webex deletes their devices with them).

The licence id exists only once the customer is provisioned, so it is read
from the customer (``includePackageLicenseInfo=true``) just before the create.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, failure, look_create_look
from migrate.plan.actions import CREATE_WORKSPACE, DELETE_WORKSPACE, UPDATE_WORKSPACE
from migrate.webex import WebexNotFound
from migrate.webex.devices import Workspace

NO_LICENCE = "no_common_area_licence"


async def create_workspace(ctx: Context, payload: dict[str, Any]) -> Result:
    webex = ctx.webex
    org_id = payload["orgId"]
    body: dict[str, Any] = payload["body"]
    name, location_id = body["displayName"], body.get("locationId")
    package = payload.get("licensePackage") or "common_area_calling"
    on_behalf = (payload.get("params") or {}).get("onBehalfOfSubPartnerOrgId")

    async def lookup() -> Workspace | None:
        return await webex.devices.find_workspace(org_id, name, location_id)

    async def create() -> Workspace:
        customer = await webex.wholesale.get_customer(
            payload["customerId"], include_package_license_info=True, on_behalf_of=on_behalf
        )
        licences = customer.license_ids(package)
        if not licences:
            raise failure(
                f"customer {payload['customerId']} has no {package} licence: add "
                f"the {package} package to the customer, then `migrate retry`",
                NO_LICENCE,
            )
        calling = dict(body["calling"])
        calling["webexCalling"] = {**calling.get("webexCalling", {}), "licenses": licences}
        return await webex.devices.create_workspace({**body, "calling": calling})

    found, adopted = await look_create_look(ctx, lookup, create)
    return {"workspaceId": found.id, "orgId": org_id, "locationId": location_id}, adopted


async def delete_workspace(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # gone already: the goal is reached
        await ctx.webex.devices.delete_workspace(inverse["workspaceId"])
    return {}, False


async def update_workspace(ctx: Context, payload: dict[str, Any]) -> Result:
    """Name, location, number and extension; the licence stays what the create gave it."""
    found = await ctx.webex.devices.update_workspace(payload["workspaceId"], payload["body"])
    return {"workspaceId": found.id, "orgId": payload["orgId"]}, False


CREATE = Handler(CREATE_WORKSPACE, create_workspace, inverse=DELETE_WORKSPACE)
DELETE = Handler(DELETE_WORKSPACE, delete_workspace, requires=("workspaceId",))
UPDATE = Handler(
    UPDATE_WORKSPACE, update_workspace, inverse=UPDATE_WORKSPACE, requires=("workspaceId",)
)
