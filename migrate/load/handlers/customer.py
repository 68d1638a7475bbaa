"""Customers: provision by ``externalId``, wait for provisioning, remove.

The customer is looked up by its ``externalId`` before the create; its
provisioning is asynchronous (202 + ``Location``), so ``await_customer``
polls it and parks it while Cisco's Restricted/Denied Persons review runs.

A customer that already has a Webex org (Webex for BroadWorks, UC-One) is
attached to it: the create carries ``orgId``, and the lookup also asks whether
that org is a wholesale customer already. The org predates the toolkit, so the
customer is journaled as adopted whichever way it was found and rollback sends
no delete for it: nothing of an org that was there before is the toolkit's to
undo. Its locations and people are adopted by their own lookups.
"""

from __future__ import annotations

from typing import Any

from migrate.load import journal as jr
from migrate.load.handlers.base import Context, Handler, Outcome, Result, look_create_look
from migrate.load.holds import PARKED_CUSTOMER as PARKED_CUSTOMER
from migrate.plan.actions import AWAIT_CUSTOMER, CREATE_CUSTOMER, REMOVE_CUSTOMER, UPDATE_CUSTOMER
from migrate.webex import WebexNotFound


async def create_customer(ctx: Context, payload: dict[str, Any]) -> Result:
    body = payload["body"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    wholesale = ctx.webex.wholesale

    org_id = body.get("orgId")

    async def lookup() -> str | None:
        found = await wholesale.find_customer(body["externalId"], on_behalf_of=on_behalf)
        if found is not None:
            return found.id
        if org_id:  # made a wholesale customer before, under another externalId
            async for other in wholesale.list_customers(org_id=org_id, on_behalf_of=on_behalf):
                if other.org_id == org_id:
                    return other.id
        return None

    async def create() -> str:
        return await wholesale.provision_customer(body, on_behalf_of=on_behalf)

    # Attaching writes no create_sent: nothing of an org that was there before is ours.
    customer_id, adopted = await look_create_look(ctx, lookup, create, journaled=not org_id)
    return {"customerId": customer_id}, adopted or bool(org_id)


def existing_org(ctx: Context) -> str | None:
    """The org of this action's customer when it predates the toolkit, else None.

    Read from the journaled ``await_customer`` the action depends on, so a handler
    needs no extra request to know whether its customer was attached.
    """
    for key in ctx.depends_on:
        wait = ctx.action(key)
        if wait is not None and wait.type == AWAIT_CUSTOMER:
            if wait.payload.get("existingOrg") and wait.result:
                org = wait.result.get("orgId")
                return str(org) if org else None
            return None
    return None


def _first_location_name(ctx: Context) -> str | None:
    # The location the customer was provisioned with is named in its create's payload.
    create = ctx.action(ctx.depends_on[0]) if ctx.depends_on else None
    if create is None:
        return None
    location = (
        create.payload.get("body", {})
        .get("provisioningParameters", {})
        .get("calling", {})
        .get("location", {})
    )
    name = location.get("name")
    return str(name) if name else None


async def await_customer(ctx: Context, payload: dict[str, Any]) -> Result:
    customer_id = payload["customerId"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    opts = ctx.options
    customer = await ctx.webex.wholesale.wait_for_customer(
        customer_id,
        timeout=opts.poll_timeout,
        interval=opts.poll_interval,
        max_interval=opts.poll_max_interval,
        on_behalf_of=on_behalf,
    )
    if customer.status == PARKED_CUSTOMER:
        raise Outcome(
            jr.PARKED,
            "Cisco's Restricted/Denied Persons review (up to 72 h); `migrate retry` polls it again",
            PARKED_CUSTOMER,
            "parked",
            result={"customerId": customer_id},
        )
    if customer.status != "provisioned" or not customer.org_id:
        detail = (
            "; ".join(
                f"{e.get('package', '')} {e.get('errorCode', '')} "
                f"{e.get('description', '')}".strip()
                for e in customer.errors
            )
            or "no detail"
        )
        raise Outcome(
            jr.FAILED,
            f"customer ended {customer.status}: {detail}",
            customer.status,
            "terminal",
            result={"customerId": customer_id},
        )
    locations = [loc async for loc in ctx.webex.calling.list_locations(customer.org_id)]
    first_name = _first_location_name(ctx) if payload.get("firstLocation") else None
    chosen = next(
        (loc for loc in locations if first_name and loc.name == first_name),
        locations[0] if locations else None,
    )
    result = {"customerId": customer_id, "orgId": customer.org_id}
    if chosen is not None:
        result["locationId"] = chosen.id
    return result, False


async def remove_customer(ctx: Context, inverse: dict[str, Any]) -> Result:
    wholesale = ctx.webex.wholesale
    try:
        await wholesale.remove_customer(inverse["customerId"])
        # Removal is asynchronous (202 deleting): done when the customer is gone.
        await wholesale.wait_for_customer(
            inverse["customerId"], interval=0.05, max_interval=2.0, timeout=300
        )
    except WebexNotFound:
        pass  # gone: the goal is reached
    return {}, False


async def update_customer(ctx: Context, payload: dict[str, Any]) -> Result:
    """Packages and address (the Wholesale PUT); Webex applies it asynchronously."""
    customer_id = payload["customerId"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    wholesale = ctx.webex.wholesale
    await wholesale.update_customer(customer_id, payload["body"], on_behalf_of=on_behalf)
    opts = ctx.options
    customer = await wholesale.wait_for_customer(
        customer_id,
        timeout=opts.poll_timeout,
        interval=opts.poll_interval,
        max_interval=opts.poll_max_interval,
        on_behalf_of=on_behalf,
    )
    if customer.status != "provisioned":
        raise Outcome(
            jr.FAILED, f"customer update ended {customer.status}", customer.status, "terminal"
        )
    return {"customerId": customer_id}, False


CREATE = Handler(CREATE_CUSTOMER, create_customer, inverse=REMOVE_CUSTOMER)
AWAIT = Handler(AWAIT_CUSTOMER, await_customer)
REMOVE = Handler(REMOVE_CUSTOMER, remove_customer, requires=("customerId",))
UPDATE = Handler(
    UPDATE_CUSTOMER, update_customer, inverse=UPDATE_CUSTOMER, requires=("customerId",)
)
