"""Sandbox: wholesale customers — async provisioning, validation, duplicates, paging, states."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.sandbox import FakeClock, Sandbox, SandboxConfig, parse_fault_spec
from migrate.webex import WebexConflict, WebexError, WebexNotFound
from tests.webex_helpers import customer_body, in_process, provisioned_customer, run


def test_provisioning_is_asynchronous_and_creates_org_and_location() -> None:
    clock = FakeClock()
    sandbox = Sandbox(SandboxConfig(provisioning_delay_s=30), clock=clock)

    async def go() -> None:
        async with in_process(sandbox) as webex:
            response = await webex.client.request(
                "POST", "wholesale/customers", json=customer_body("acme")
            )
            assert response.status_code == 202
            url = response.headers["Location"]
            assert response.json() == {"url": url}
            customer_id = url.rsplit("/", 1)[1]
            pending = await webex.wholesale.get_customer(customer_id)
            assert pending.status == "provisioning"
            assert pending.org_id is None  # only shown once provisioned
            clock.advance(31)
            done = await webex.wholesale.get_customer(
                customer_id, include_package_license_info=True
            )
            assert done.status == "provisioned"
            assert done.org_id is not None
            assert done.license_ids("webex_calling")
            org = await webex.calling.get_organization(done.org_id)
            assert org.display_name == "Acme Pizza"
            locations = [loc async for loc in webex.calling.list_locations(done.org_id)]
            assert [loc.name for loc in locations] == ["Head Office"]
            assert locations[0].raw["address"]["address1"] == "771 Alder Drive"
            assert locations[0].raw["timeZone"] == "America/Los_Angeles"

    run(go())


@pytest.mark.parametrize(
    ("mutate", "field", "code"),
    [
        (lambda b: b.pop("provisioningId"), "provisioningId", 1001),
        (lambda b: b.pop("externalId"), "externalId", 1001),
        (lambda b: b["address"].pop("city"), "address.city", 1001),
        (
            lambda b: b["address"].__setitem__("addressLine1", "x" * 51),
            "address.addressLine1",
            1002,
        ),
        (
            lambda b: b["address"].__setitem__("addressLine2", "y" * 51),
            "address.addressLine2",
            1002,
        ),
        (lambda b: b["customerInfo"].__setitem__("name", "100% Pizza"), "customerInfo.name", 1003),
        (lambda b: b["address"].__setitem__("country", "USA"), "address.country", 1003),
        (lambda b: b["address"].__setitem__("country", "XX"), "address.country", 1003),
        (lambda b: b.pop("customerInfo"), "customerInfo", 1001),
        (
            lambda b: b.pop("provisioningParameters"),
            "provisioningParameters.calling.location",
            1001,
        ),
        (
            lambda b: b["provisioningParameters"]["calling"]["location"]["address"].__setitem__(
                "addressLine1", "z" * 60
            ),
            "provisioningParameters.calling.location.address.addressLine1",
            1002,
        ),
        (
            lambda b: b["provisioningParameters"]["calling"]["location"].__setitem__(
                "timezone", "Mars/Olympus"
            ),
            "provisioningParameters.calling.location.timezone",
            1003,
        ),
        (lambda b: b.__setitem__("packages", ["webex_calling", "nonsense"]), "packages", 1003),
        (
            lambda b: b.__setitem__("packages", ["attendant_console", "webex_meetings"]),
            "packages",
            1003,
        ),
    ],
)
def test_customer_validation_rules(mutate, field, code) -> None:  # type: ignore[no-untyped-def]
    sandbox = Sandbox()
    body = customer_body("acme")
    mutate(body)

    async def go() -> WebexError:
        async with in_process(sandbox) as webex:
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.provision_customer(body)  # type: ignore[arg-type]
            return caught.value

    err = run(go())
    assert err.status == 400
    assert any(e.field_name == field and e.error_code == code for e in err.errors), err.errors
    assert sandbox.state.customers == {}


def test_existing_org_needs_no_customer_info_and_meetings_needs_no_location() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            body = customer_body("meet", packages=["webex_meetings"], location=False)
            del body["customerInfo"]
            # Attaching needs an org Webex knows: one the customer already had.
            body["orgId"] = sandbox.seed({"orgs": [{"name": "Meet Co"}]})[0]["id"]
            customer_id = await webex.wholesale.provision_customer(body)  # type: ignore[arg-type]
            customer = await webex.wholesale.get_customer(customer_id)
            assert customer.status == "provisioned"
            assert customer.org_id == body["orgId"]

    run(go())


def test_duplicate_external_id_is_a_conflict_and_find_customer_adopts() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            first = await webex.wholesale.provision_customer(customer_body("dup"))
            with pytest.raises(WebexConflict) as caught:
                await webex.wholesale.provision_customer(customer_body("dup"))
            assert caught.value.status == 409
            found = await webex.wholesale.find_customer("dup")
            assert found is not None and found.id == first
            assert await webex.wholesale.find_customer("nobody") is None

    run(go())


def test_list_pages_with_offset_and_link_headers_and_filters() -> None:
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("error=1")))

    async def go() -> None:
        async with in_process(sandbox) as webex:
            for i in range(7):
                await webex.wholesale.provision_customer(customer_body(f"c{i}"))
            response = await webex.client.request(
                "GET", "wholesale/customers", params={"max": 3, "offset": 3}
            )
            assert len(response.json()["items"]) == 3
            assert 'rel="next"' in response.headers["Link"]
            assert "offset=6" in response.links["next"]["url"]
            assert "offset=0" in response.links["prev"]["url"]
            items = [c async for c in webex.wholesale.list_customers(max=2)]
            assert len({c.id for c in items}) == 7
            errors = [c async for c in webex.wholesale.list_customers(status=["error", "x"])]
            assert len(errors) == 7 and all(c.errors for c in errors)
            none = [c async for c in webex.wholesale.list_customers(status=["provisioned"])]
            assert none == []

    run(go())


@pytest.mark.parametrize("state", ["error", "provisioned_with_errors", "pending_rpl_review"])
def test_fault_states_by_external_id(state: str) -> None:
    sandbox = Sandbox()
    sandbox.faults.customer_state_by_external_id["bad"] = state

    async def go() -> None:
        async with in_process(sandbox) as webex:
            customer_id = await webex.wholesale.provision_customer(customer_body("bad"))
            customer = await webex.wholesale.wait_for_customer(customer_id, interval=0.001)
            assert customer.status == state
            if state == "provisioned_with_errors":
                assert customer.org_id is not None
                assert any(e.get("errorCode") == 2560 for e in customer.errors)
            else:
                assert customer.org_id is None
            if state == "pending_rpl_review":
                sandbox.resolve_rpl_review(customer_id)
                approved = await webex.wholesale.get_customer(customer_id)
                assert approved.status == "provisioned" and approved.org_id

    run(go())


def test_update_then_delete_goes_through_updating_and_deleting() -> None:
    clock = FakeClock()
    sandbox = Sandbox(SandboxConfig(update_delay_s=5, delete_delay_s=5), clock=clock)

    async def go() -> None:
        async with in_process(sandbox) as webex:
            customer_id, _, _ = await provisioned_customer(webex, "upd")
            await webex.wholesale.update_customer(
                customer_id, {"packages": ["webex_calling", "webex_suite"]}
            )
            assert (await webex.wholesale.get_customer(customer_id)).status == "updating"
            clock.advance(6)
            updated = await webex.wholesale.get_customer(customer_id)
            assert updated.status == "provisioned"
            assert updated.packages == ["webex_calling", "webex_suite"]
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.update_customer(
                    customer_id,
                    {  # type: ignore[typeddict-item]
                        "packages": ["webex_calling"],
                        "orgId": "x",
                    },
                )
            assert caught.value.status == 400
            await webex.wholesale.remove_customer(customer_id)
            assert (await webex.wholesale.get_customer(customer_id)).status == "deleting"
            clock.advance(6)
            with pytest.raises(WebexNotFound):
                await webex.wholesale.get_customer(customer_id)

    run(go())


def test_sub_partner_scoping_and_suspended_sub_partner() -> None:
    sandbox = Sandbox()
    active = sandbox.add_sub_partner()
    suspended = sandbox.add_sub_partner(provisioning_state="suspended")

    async def go() -> None:
        async with in_process(sandbox) as webex:
            mine = await webex.wholesale.provision_customer(
                customer_body("sp1"), on_behalf_of=active.org_id
            )
            await webex.wholesale.provision_customer(customer_body("own"))
            scoped = [
                c.id async for c in webex.wholesale.list_customers(on_behalf_of=active.org_id)
            ]
            assert scoped == [mine]
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.provision_customer(
                    customer_body("sp2"), on_behalf_of=suspended.org_id
                )
            assert caught.value.status == 403
            partners = [p async for p in webex.wholesale.list_sub_partners()]
            assert {p.org_id for p in partners} == {active.org_id, suspended.org_id}
            only = [p async for p in webex.wholesale.list_sub_partners(provisioning_state="active")]
            assert [p.org_id for p in only] == [active.org_id]

    run(go())


def test_precheck_validate_customer() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            ok = await webex.wholesale.validate_customer(
                {
                    "address": customer_body("v")["address"],
                    "customerInfo": {"primaryEmail": "someone@acme.example"},
                }
            )
            assert ok.message == "success" and ok.info[0]["infoCode"] == 100
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.validate_customer(
                    {  # type: ignore[typeddict-item]
                        "address": {"addressLine1": "1", "city": "c", "country": "ZZ"}
                    }
                )
            assert caught.value.status == 400

    run(go())


def test_state_survives_save_and_restart(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    first = Sandbox(state_file=path)

    async def create() -> str:
        async with in_process(first) as webex:
            customer_id, org_id, location_id = await provisioned_customer(webex, "keep")
            await webex.calling.add_numbers(org_id, location_id, ["+14085550111"])
            await webex.wholesale.provision_subscriber(
                {
                    "customerId": customer_id,
                    "email": "kept@acme.example",
                    "packages": ["webex_calling"],
                    "provisioningParameters": {"primaryPhoneNumber": "+14085550111"},
                }
            )
            return customer_id

    customer_id = run(create())
    first.save()
    second = Sandbox(state_file=path)

    async def check() -> None:
        async with in_process(second) as webex:
            customer = await webex.wholesale.find_customer("keep")
            assert customer is not None and customer.id == customer_id
            sub = await webex.wholesale.find_subscriber(customer_id, "KEPT@acme.example")
            assert sub is not None and sub.status == "provisioned"
            with pytest.raises(WebexConflict):  # indexes were rebuilt: duplicates still caught
                await webex.wholesale.provision_customer(customer_body("keep"))
            new_id = await webex.wholesale.provision_customer(customer_body("next"))
            assert new_id != customer_id

    run(check())
