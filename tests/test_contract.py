"""Contract: every Wholesale exchange between the client and the sandbox matches Cisco's spec.

Validator: openapi-core 0.23 (``OpenAPI.validate_request`` / ``validate_response``)
against ``migrate/data/specs/webex-wholesale.json``. Requests are checked for every
exchange; responses against the schema of their status code (the spec gives
schemas only for the success codes; for errors it checks the code is declared).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from migrate.sandbox import FakeClock, Sandbox, SandboxConfig
from migrate.webex import Webex, WebexError
from tests.webex_helpers import (
    IN_PROCESS_URL,
    SPEC,
    TOKEN,
    ContractTransport,
    customer_body,
    fast_retry,
    run,
    subscriber_body,
)


def _operation_of(label: str) -> str:
    method, path = label.split(" ")[:2]
    path = path.removeprefix("/v1")
    for template in SPEC["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path) and not (
            template.endswith("}") and path.endswith("/validate")
        ):
            return f"{method} {template}"
    return f"{method} {path}"


def exercise(sandbox: Sandbox, contract: ContractTransport) -> None:
    async def go() -> None:
        async with Webex(
            IN_PROCESS_URL, token=TOKEN, transport=contract, retry=fast_retry()
        ) as webex:
            w = webex.wholesale
            partner = sandbox.add_sub_partner()
            await w.validate_customer(
                {
                    "address": customer_body("v")["address"],
                    "customerInfo": {"primaryEmail": "p@acme.example"},
                }
            )
            await w.validate_customer(customer_body("full"))  # type: ignore[arg-type]
            cid = await w.provision_customer(customer_body("acme"))
            sp_cid = await w.provision_customer(customer_body("sp"), on_behalf_of=partner.org_id)
            customer = await w.get_customer(cid, include_package_license_info=True)
            assert customer.org_id
            await w.get_customer(sp_cid, on_behalf_of=partner.org_id)
            [c async for c in w.list_customers(status=["provisioned", "error"], max=1)]
            [c async for c in w.list_customers(external_id="acme", org_id=customer.org_id)]
            sandbox.faults.customer_state_by_external_id["broken"] = "provisioned_with_errors"
            broken = await w.provision_customer(customer_body("broken"))
            await w.get_customer(broken)
            locations = [loc async for loc in webex.calling.list_locations(customer.org_id)]
            await webex.calling.add_numbers(customer.org_id, locations[0].id, ["+14085550100"])
            await w.validate_subscriber(
                {
                    "email": "jo@acme.example",
                    "customerId": cid,
                    "packages": ["webex_calling"],
                    "provisioningParameters": {"extension": "100"},
                }
            )
            sub = await w.provision_subscriber(
                subscriber_body(
                    cid, "jo@acme.example", number="+14085550100", location_id=locations[0].id
                )
            )
            sandbox.faults.pending_user_migration_emails.add("free@acme.example")
            pending = await w.provision_subscriber(
                subscriber_body(cid, "free@acme.example", extension="200")
            )
            await w.resend_consent_email(pending.id)
            await w.get_subscriber(sub.id)
            [
                s
                async for s in w.list_subscribers(
                    customer_id=cid, max=1, sort_by="created", sort_order="DESC"
                )
            ]
            [s async for s in w.list_subscribers(email="jo@acme.example")]
            await w.update_subscriber(sub.id, {"packages": ["webex_meetings"]})
            await w.update_customer(
                cid,
                {
                    "packages": ["webex_calling", "webex_meetings", "webex_suite"],
                    "address": customer_body("acme")["address"],
                },
            )
            [p async for p in w.list_sub_partners(provisioning_state="active")]
            sandbox.clock.set(datetime(2027, 1, 1, tzinfo=UTC))  # type: ignore[attr-defined]
            report = await w.create_billing_report("2026-12-01", "2026-12-31", type="USER")
            await w.get_billing_report(report.id)
            [r async for r in w.list_billing_reports(type="USER", sort_by="billingStartDate")]
            await w.download_billing_report(report.id)
            await w.delete_billing_report(report.id)
            await w.remove_subscriber(sub.id)
            await w.remove_customer(cid)
            # Errors: each status must be one the spec declares for the operation.
            for bad in (
                w.provision_customer(customer_body("acme2", name="100%")),
                w.provision_customer(customer_body("sp")),
                w.provision_subscriber(
                    subscriber_body(sp_cid, "z@acme.example", number="+19995550000")
                ),
                w.provision_subscriber(subscriber_body(cid, "y@acme.example")),
                w.get_subscriber("missing"),
                w.get_billing_report("missing"),
                w.provision_customer(customer_body("x"), on_behalf_of="unknown-partner"),
            ):
                with pytest.raises(WebexError):
                    await bad
            # One more 409 through the subscriber API.
            await w.provision_subscriber(subscriber_body(sp_cid, "dup@acme.example"))
            with pytest.raises(WebexError):
                await w.provision_subscriber(
                    subscriber_body(sp_cid, "dup@acme.example", extension="300")
                )

    run(go())


def test_every_wholesale_exchange_validates_against_the_official_spec() -> None:
    sandbox = Sandbox(SandboxConfig(), clock=FakeClock(datetime(2026, 6, 1, tzinfo=UTC)))
    contract = ContractTransport(sandbox.transport())
    exercise(sandbox, contract)
    assert contract.failures == []
    covered = {_operation_of(label) for label in contract.checked}
    spec_ops = {
        f"{m.upper()} {p}"
        for p, item in SPEC["paths"].items()
        for m in item
        if m in ("get", "post", "put", "delete")
    }
    assert spec_ops <= covered, sorted(spec_ops - covered)
    statuses = {label.rsplit(" ", 1)[1] for label in contract.checked}
    assert {"200", "202", "204", "400", "403", "404", "409"} <= statuses


def test_the_contract_check_catches_a_response_off_the_spec() -> None:
    class OffSpec(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "POST":
                return httpx.Response(201, json={"url": 5})  # 201 undeclared, url not a string
            return httpx.Response(
                200, json={"id": "c", "status": "sleeping", "packages": ["webex_calling"]}
            )

    contract = ContractTransport(OffSpec())

    async def go() -> None:
        async with Webex(IN_PROCESS_URL, token=TOKEN, transport=contract) as webex:
            await webex.wholesale.get_customer("c")
            await webex.client.request(
                "POST", "wholesale/customers", json={"packages": ["webex_calling"]}
            )

    run(go())
    assert any(f.startswith("response GET") for f in contract.failures), contract.failures
    assert any(f.startswith("request POST") for f in contract.failures), contract.failures
    assert any(f.startswith("response POST") for f in contract.failures), contract.failures
