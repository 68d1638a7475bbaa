"""Webex's own precheck: ``/wholesale/customers/validate`` and ``/subscribers/validate``.

Run concurrently (the client caps requests in flight and honours 429
``Retry-After``), one call per customer and per subscriber, with the bodies
the load would send, so Webex judges exactly what will be provisioned. A
customer attached to its existing org sends ``orgId``: Webex says whether
that org can be attached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from migrate.plan.actions import CREATE_CUSTOMER, CREATE_SUBSCRIBER, Action, is_ref
from migrate.precheck.rules import Finding
from migrate.webex import Webex, WebexError

_HINTS = {
    "10022": "the email already belongs to a Webex user: use another email or ask the user "
    "to release it",
}


def _strip_refs(value: Any) -> Any:
    """Drop values only known at run time (ids Webex has not assigned yet)."""
    if isinstance(value, dict):
        return {k: _strip_refs(v) for k, v in value.items() if not is_ref(v)}
    if isinstance(value, list):
        return [_strip_refs(v) for v in value if not is_ref(v)]
    return value


def _finding(err: WebexError, entity: str, key: str, customer: str) -> Finding:
    code = str(err.error_codes[0]) if err.error_codes else f"HTTP {err.status}"
    detail = "; ".join(e.description for e in err.errors) or err.message
    if (err.status is not None and err.status >= 500) or err.ambiguous:
        return Finding(
            "warning",
            code,
            entity,
            key,
            customer,
            f"Webex could not check it: {detail}",
            "run precheck again",
            source="webex",
        )
    return Finding(
        "blocker",
        code,
        entity,
        key,
        customer,
        detail,
        _HINTS.get(code, "see the message; fix the value and re-run map"),
        source="webex",
    )


async def validate(webex: Webex, actions: list[Action]) -> tuple[list[Finding], int]:
    """Findings, and how many validate calls Webex accepted."""
    customers = {a.customer: a for a in actions if a.type == CREATE_CUSTOMER}
    existing: dict[str, str] = {}

    async def lookup(customer: str, action: Action) -> None:
        on_behalf = action.payload["params"].get("onBehalfOfSubPartnerOrgId")
        found = await webex.wholesale.find_customer(
            action.payload["body"]["externalId"], on_behalf_of=on_behalf
        )
        org_id = action.payload["body"].get("orgId")
        if found is None and org_id:
            # The org is a wholesale customer already (another externalId): load adopts it.
            async for other in webex.wholesale.list_customers(
                org_id=org_id, on_behalf_of=on_behalf
            ):
                if other.org_id == org_id:
                    found = other
        if found is not None:
            existing[customer] = found.id

    findings: list[Finding] = []
    passed = 0

    async def guarded(
        call: Callable[[], Awaitable[Any]], entity: str, key: str, customer: str
    ) -> None:
        nonlocal passed
        try:
            await call()
            passed += 1
        except WebexError as err:
            findings.append(_finding(err, entity, key, customer))

    await asyncio.gather(*(lookup(c, a) for c, a in customers.items()))
    calls = []
    for customer, action in customers.items():
        if customer in existing:
            continue  # nothing to provision: the load adopts it
        body = _strip_refs(action.payload["body"])
        params = action.payload["params"]

        async def check_customer(body: Any = body, params: Any = params) -> Any:
            return await webex.wholesale.validate_customer(
                body, on_behalf_of=params.get("onBehalfOfSubPartnerOrgId")
            )

        calls.append(guarded(check_customer, "customer", customer, customer))
    for action in actions:
        if action.type != CREATE_SUBSCRIBER:
            continue
        body = _strip_refs(action.payload["body"])
        owner = customers.get(action.customer)
        if action.customer in existing:
            body["customerId"] = existing[action.customer]
        elif owner is not None:
            customer_body = owner.payload["body"]
            if customer_body.get("provisioningId"):
                body["provisioningId"] = customer_body["provisioningId"]
            if customer_body.get("customerInfo", {}).get("primaryEmail"):
                body["customerInfo"] = {
                    "primaryEmail": customer_body["customerInfo"]["primaryEmail"]
                }
        body.get("provisioningParameters", {}).pop("locationId", None)
        params = action.payload["params"]
        subject = action.key.split(":", 1)[1]

        async def check_subscriber(body: Any = body, params: Any = params) -> Any:
            return await webex.wholesale.validate_subscriber(
                body, on_behalf_of=params.get("onBehalfOfSubPartnerOrgId")
            )

        calls.append(guarded(check_subscriber, "subscriber", subject, action.customer))
    await asyncio.gather(*calls)
    return findings, passed
