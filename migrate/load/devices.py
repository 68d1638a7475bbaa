"""Loading workspaces and devices, and undoing them (issue #7).

Handlers follow the executor's rule: look, create, and after a lost answer
look again before any new attempt (``Executor._create_or_adopt``), so a
resumed or retried load never makes a second workspace or device:

* a workspace is looked up by its name in its location
  (``GET /workspaces?displayName=&locationId=&orgId=``);
* a device by its MAC (``GET /devices?mac=&orgId=``): a MAC belongs to one
  device only. A MAC found on *another* owner is a failure, never an adoption:
  re-pointing someone else's phone is not this toolkit's call.

The workspace's common-area licence id exists only once the customer is
provisioned, so it is read from the customer
(``GET /wholesale/customers/{id}?includePackageLicenseInfo=true``) just
before the create.

Rollback (``migrate.load.rollback``) runs each created action's inverse with
:func:`delete_device` / :func:`delete_workspace`: ``(webex, inverse)`` where
``inverse`` is the plan's inverse with its references resolved from the
journal. An object already gone counts as removed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from migrate.load import journal as jr
from migrate.plan.actions import CREATE_DEVICE, CREATE_WORKSPACE
from migrate.webex import Webex, WebexError, WebexNotFound
from migrate.webex.devices import Device, Workspace, normalise_mac

if TYPE_CHECKING:
    from migrate.load.executor import Executor

Result = tuple[dict[str, Any], bool]
Handler = Callable[["Executor", dict[str, Any]], Awaitable[Result]]
InverseHandler = Callable[[Webex, dict[str, Any]], Awaitable[None]]

NO_LICENCE = "no_common_area_licence"
MAC_IN_USE = "mac_in_use"


def _outcome(message: str, code: str) -> Exception:
    from migrate.load.executor import Outcome  # the executor imports this module

    return Outcome(jr.FAILED, message, code, "terminal")


async def create_workspace(executor: Executor, payload: dict[str, Any]) -> Result:
    """``create_workspace`` with its references resolved → ``workspaceId``."""
    webex = executor.webex
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
            raise _outcome(
                f"customer {payload['customerId']} has no {package} licence: add "
                f"the {package} package to the customer, then `migrate retry`",
                NO_LICENCE,
            )
        calling = dict(body["calling"])
        calling["webexCalling"] = {**calling.get("webexCalling", {}), "licenses": licences}
        return await webex.devices.create_workspace({**body, "calling": calling})

    found, adopted = await executor._create_or_adopt(lookup, create)
    return {"workspaceId": found.id, "orgId": org_id, "locationId": location_id}, adopted


async def create_device(executor: Executor, payload: dict[str, Any]) -> Result:
    """``create_device`` with its references resolved → ``deviceId``."""
    webex = executor.webex
    org_id = payload["orgId"]
    body: dict[str, Any] = payload["body"]
    mac = normalise_mac(body["mac"])
    owner_field = "workspaceId" if body.get("workspaceId") else "personId"
    owner = body.get(owner_field)

    async def lookup() -> Device | None:
        found = await webex.devices.find_device(org_id, mac)
        if found is None:
            return None
        has = found.workspace_id if owner_field == "workspaceId" else found.person_id
        if has != owner:
            current = found.person_id or found.workspace_id or "no owner"
            raise _outcome(
                f"MAC {mac} is already device {found.id} of {current}, not of "
                f"this {owner_field}: remove it in Control Hub or fix the MAC",
                MAC_IN_USE,
            )
        return found

    async def create() -> Device:
        return await webex.devices.create_device(org_id, {**body, "mac": mac})

    found, adopted = await executor._create_or_adopt(lookup, create)
    return {
        "deviceId": found.id,
        "orgId": org_id,
        "mac": mac,
        owner_field: owner,
        "model": body.get("model"),
    }, adopted


HANDLERS: dict[str, Handler] = {
    CREATE_WORKSPACE: create_workspace,
    CREATE_DEVICE: create_device,
}


# ---------------------------------------------------------------- rollback


def _required(inverse: dict[str, Any], name: str) -> str:
    value = inverse.get(name)
    if not value:
        raise WebexError(f"{inverse.get('type')}: the journal has no {name}; nothing to delete")
    return str(value)


async def delete_device(webex: Webex, inverse: dict[str, Any]) -> None:
    """Inverse of ``create_device``: ``{"type": "delete_device", "orgId", "deviceId"}``."""
    device_id = _required(inverse, "deviceId")
    with contextlib.suppress(WebexNotFound):  # gone already (its workspace took it along)
        await webex.devices.delete_device(device_id, org_id=inverse.get("orgId"))


async def delete_workspace(webex: Webex, inverse: dict[str, Any]) -> None:
    """Inverse of ``create_workspace``: ``{"type": "delete_workspace", "orgId",
    "workspaceId"}``. Webex deletes the workspace's devices with it."""
    workspace_id = _required(inverse, "workspaceId")
    with contextlib.suppress(WebexNotFound):
        await webex.devices.delete_workspace(workspace_id)


INVERSE_HANDLERS: dict[str, InverseHandler] = {
    "delete_device": delete_device,
    "delete_workspace": delete_workspace,
}
