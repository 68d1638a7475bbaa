"""Sandbox: subscribers, locations and numbers (the Calling side a migration needs)."""

from __future__ import annotations

import pytest

from migrate.sandbox import FakeClock, Sandbox, SandboxConfig
from migrate.webex import WebexConflict, WebexError, WebexNotFound
from tests.webex_helpers import (
    customer_body,
    in_process,
    provisioned_customer,
    run,
    subscriber_body,
)


def test_subscriber_happy_path_with_number_and_extension() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, org, loc = await provisioned_customer(webex, "acme")
            await webex.calling.add_numbers(org, loc, ["+14085550100", "+14085550101"])
            response = await webex.client.request(
                "POST",
                "wholesale/subscribers",
                json=(
                    subscriber_body(cid, "jo@acme.example", number="+14085550100", location_id=loc)
                ),
            )
            assert response.status_code == 200
            sub = response.json()
            assert sub["status"] == "provisioned" and sub["personId"]
            assert sub["externalCustomerId"] == "acme" and sub["packages"] == ["webex_calling"]
            numbers = {n.phone_number: n async for n in webex.calling.list_numbers(org)}
            assert numbers["+14085550100"].owner_id == sub["personId"]
            assert numbers["+14085550101"].owner_id is None
            assert numbers["+14085550100"].location_id == loc
            fetched = await webex.wholesale.get_subscriber(sub["id"])
            assert fetched.email == "jo@acme.example"
            listed = [s.id async for s in webex.wholesale.list_subscribers(customer_id=cid)]
            assert listed == [sub["id"]]

    run(go())


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"packages": ["webex_calling", "webex_meetings"]}, 400, 1012),
        ({"package": "webex_calling"}, 400, 1003),  # both package and packages
        ({"packages": ["webex_calling"], "provisioningParameters": {}}, 400, 1013),
        ({"packages": ["webex_suite"]}, 400, 1003),  # the customer lacks the package
        ({"email": "not-an-email"}, 400, 1003),
        ({"provisioningParameters": {"extension": "1"}}, 400, 1003),
        ({"provisioningParameters": {"primaryPhoneNumber": "+14085559999"}}, 400, 1014),
        ({"provisioningParameters": {"extension": "12", "locationId": "bogus"}}, 400, 1017),
    ],
)
def test_subscriber_rules(change: dict[str, object], status: int, code: int) -> None:
    sandbox = Sandbox()

    async def go() -> WebexError:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "acme")
            body = {**subscriber_body(cid, "jo@acme.example"), **change}
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.provision_subscriber(body)  # type: ignore[arg-type]
            return caught.value

    err = run(go())
    assert (err.status, err.error_codes[0]) == (status, code), err


def test_meetings_subscriber_needs_no_number() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "acme")
            sub = await webex.wholesale.provision_subscriber(
                subscriber_body(cid, "m@acme.example", package="webex_meetings", extension=None)
            )
            assert sub.status == "provisioned"

    run(go())


def test_duplicate_email_is_10022_and_extension_unique_per_org() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "acme")
            other, _, _ = await provisioned_customer(webex, "other")
            await webex.wholesale.provision_subscriber(subscriber_body(cid, "a@acme.example"))
            with pytest.raises(WebexConflict) as caught:
                await webex.wholesale.provision_subscriber(
                    subscriber_body(other, "A@ACME.example", extension="2002")
                )
            assert caught.value.error_codes == [10022]
            with pytest.raises(WebexConflict) as caught:
                await webex.wholesale.provision_subscriber(subscriber_body(cid, "b@acme.example"))
            assert caught.value.error_codes == [1016]
            # The same extension in another org is fine.
            await webex.wholesale.provision_subscriber(subscriber_body(other, "c@acme.example"))
            with pytest.raises(WebexConflict) as caught:
                await webex.wholesale.validate_subscriber({"email": "a@acme.example"})
            assert caught.value.error_codes == [10022]
            ok = await webex.wholesale.validate_subscriber(
                {"email": "new@acme.example", "customerId": cid}
            )
            assert ok.message == "success"

    run(go())


def test_subscribers_only_on_provisioned_customers() -> None:
    clock = FakeClock()
    sandbox = Sandbox(SandboxConfig(provisioning_delay_s=60), clock=clock)

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid = await webex.wholesale.provision_customer(customer_body("slow"))
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.provision_subscriber(subscriber_body(cid, "x@s.example"))
            assert caught.value.status == 400 and caught.value.error_codes == [1011]
            with pytest.raises(WebexNotFound):
                await webex.wholesale.provision_subscriber(subscriber_body("nope", "x@s.example"))
            clock.advance(61)
            sub = await webex.wholesale.provision_subscriber(subscriber_body(cid, "x@s.example"))
            assert sub.status == "provisioned"

    run(go())


def test_pending_user_migration_is_202_without_person_id() -> None:
    sandbox = Sandbox()
    sandbox.faults.pending_user_migration_emails.add("free@acme.example")

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "acme")
            response = await webex.client.request(
                "POST", "wholesale/subscribers", json=subscriber_body(cid, "free@acme.example")
            )
            assert response.status_code == 202
            body = response.json()
            assert body["status"] == "pending_user_migration" and "personId" not in body
            await webex.wholesale.resend_consent_email(body["id"])
            sandbox.complete_user_migration(body["id"])
            after = await webex.wholesale.get_subscriber(body["id"])
            assert after.status == "provisioned" and after.person_id
            with pytest.raises(WebexError):
                await webex.wholesale.resend_consent_email(body["id"])

    run(go())


def test_update_and_remove_subscriber_frees_number_and_email() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, org, loc = await provisioned_customer(
                webex, "acme", packages=["webex_calling", "webex_meetings", "webex_suite"]
            )
            await webex.calling.add_numbers(org, loc, ["+14085550100"])
            sub = await webex.wholesale.provision_subscriber(
                subscriber_body(cid, "jo@acme.example", number="+14085550100")
            )
            updated = await webex.wholesale.update_subscriber(sub.id, {"packages": ["webex_suite"]})
            assert updated.packages == ["webex_suite"]
            with pytest.raises(WebexConflict):  # assigned numbers cannot be removed
                await webex.calling.remove_numbers(org, loc, ["+14085550100"])
            await webex.wholesale.remove_subscriber(sub.id)
            with pytest.raises(WebexNotFound):
                await webex.wholesale.get_subscriber(sub.id)
            await webex.calling.remove_numbers(org, loc, ["+14085550100"])
            assert [n async for n in webex.calling.list_numbers(org)] == []
            await webex.wholesale.provision_subscriber(subscriber_body(cid, "jo@acme.example"))

    run(go())


def test_locations_enable_calling_and_numbers() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, org, _ = await provisioned_customer(webex, "acme")
            address = {
                "address1": "1 Branch Rd",
                "city": "Austin",
                "state": "TX",
                "postalCode": "78701",
                "country": "US",
            }
            body = {
                "name": "Branch",
                "timeZone": "America/Chicago",
                "preferredLanguage": "en_us",
                "announcementLanguage": "en_us",
                "address": address,
            }
            loc = await webex.calling.create_location(org, body)  # type: ignore[arg-type]
            with pytest.raises(WebexConflict):
                await webex.calling.create_location(org, body)  # type: ignore[arg-type]
            with pytest.raises(WebexError) as caught:  # not yet a calling location
                await webex.calling.add_numbers(org, loc, ["+15125550100"])
            assert caught.value.status == 400
            assert await webex.calling.enable_location_for_calling(org, {"id": loc, **body}) == loc  # type: ignore[typeddict-item]
            await webex.calling.add_numbers(org, loc, ["+15125550100", "+15125550101"])
            with pytest.raises(WebexConflict):  # a number lives in one place only
                await webex.calling.add_numbers(org, loc, ["+15125550100"])
            with pytest.raises(WebexError):
                await webex.calling.add_numbers(org, loc, ["5125550100"])
            names = sorted([x.name or "" async for x in webex.calling.list_locations(org)])
            assert names == ["Branch", "Head Office"]
            numbers = [
                n.phone_number async for n in webex.calling.list_numbers(org, location_id=loc)
            ]
            assert numbers == ["+15125550100", "+15125550101"]
            sub = await webex.wholesale.provision_subscriber(
                subscriber_body(cid, "b@acme.example", number="+15125550101", location_id=loc)
            )
            assert sub.status == "provisioned"

    run(go())


def test_list_subscribers_after_and_sorting() -> None:
    from datetime import UTC, datetime

    clock = FakeClock(datetime(2026, 4, 1, tzinfo=UTC))
    sandbox = Sandbox(clock=clock)

    async def go() -> None:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "acme")
            for i in range(3):
                await webex.wholesale.provision_subscriber(
                    subscriber_body(cid, f"s{i}@acme.example", extension=f"10{i}")
                )
                clock.advance(3600)
            cutoff = int(datetime(2026, 4, 1, 0, 30, tzinfo=UTC).timestamp() * 1000)
            response = await webex.client.get_json(
                "wholesale/subscribers", {"after": cutoff, "sortOrder": "DESC"}
            )
            assert [s["email"] for s in response["items"]] == ["s2@acme.example", "s1@acme.example"]
            iso = await webex.client.get_json(
                "wholesale/subscribers", {"after": "2026-04-01T01:30:00Z"}
            )
            assert [s["email"] for s in iso["items"]] == ["s2@acme.example"]
            with pytest.raises(WebexError):
                await webex.client.get_json("wholesale/subscribers", {"after": "yesterday"})

    run(go())
