"""Sandbox: billing reports computed from subscribers' active days (Solution Guide rules)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest

from migrate.sandbox import FakeClock, Sandbox, SandboxConfig
from migrate.webex import Webex, WebexConflict, WebexError, WebexNotFound
from tests.webex_helpers import (
    IN_PROCESS_URL,
    TOKEN,
    fast_retry,
    in_process,
    provisioned_customer,
    run,
    subscriber_body,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def billing_sandbox() -> tuple[Sandbox, FakeClock]:
    clock = FakeClock(utc(2026, 3, 1))
    return Sandbox(clock=clock), clock


async def populate(sandbox: Sandbox, webex: Webex) -> dict[str, str]:
    """Two customers; activity stretches chosen so each expected quantity is exact."""
    c1, _, _ = await provisioned_customer(webex, "ent-1")
    c2, _, _ = await provisioned_customer(webex, "ent-2")
    a = await webex.wholesale.provision_subscriber(
        subscriber_body(c1, "a@x.example", extension="11")
    )
    b = await webex.wholesale.provision_subscriber(
        subscriber_body(c1, "b@x.example", extension="12")
    )
    c = await webex.wholesale.provision_subscriber(
        subscriber_body(c1, "c@x.example", package="webex_meetings", extension=None)
    )
    d = await webex.wholesale.provision_subscriber(
        subscriber_body(c2, "d@x.example", extension="11")
    )
    # a: the whole period; b: from noon on the 10th to midnight after the 11th (0.5 + 1);
    # c: six hours on the 15th (0.25); d: calling 10th-12th then suite from the 13th on.
    sandbox.set_activity(a.id, [("webex_calling", utc(2026, 1, 1), None)])
    sandbox.set_activity(b.id, [("webex_calling", utc(2026, 2, 10, 12), utc(2026, 2, 12))])
    sandbox.set_activity(c.id, [("webex_meetings", utc(2026, 2, 15), utc(2026, 2, 15, 6))])
    sandbox.set_activity(
        d.id,
        [
            ("webex_calling", utc(2026, 2, 10), utc(2026, 2, 13)),
            ("webex_suite", utc(2026, 2, 13), None),
        ],
    )
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "c1": c1, "c2": c2}


def test_user_customer_and_partner_reports_prorate_per_day() -> None:
    sandbox, _ = billing_sandbox()

    async def go() -> dict[str, list[dict[str, str]]]:
        out = {}
        async with in_process(sandbox) as webex:
            ids = await populate(sandbox, webex)
            for kind in ("USER", "CUSTOMER", "PARTNER"):
                created = await webex.wholesale.create_billing_report(
                    "2026-02-10", "2026-02-19", type=kind
                )
                report = await webex.wholesale.wait_for_billing_report(created.id, interval=0.001)
                assert report.status == "COMPLETED" and report.temp_download_url
                out[kind] = rows(await webex.wholesale.download_billing_report(report))
            out["ids"] = [ids]  # type: ignore[list-item]
        return out

    result = run(go())
    ids = result["ids"][0]
    users = {(r["SUBSCRIBER_ID"], r["SERVICE_NAME"]): r for r in result["USER"]}
    assert users[(ids["a"], "WEBEX_CALLING")]["QUANTITY"] == "10"
    assert users[(ids["b"], "WEBEX_CALLING")]["QUANTITY"] == "1.5"
    assert users[(ids["c"], "WEBEX_MEETINGS")]["QUANTITY"] == "0.25"
    assert users[(ids["d"], "WEBEX_CALLING")]["QUANTITY"] == "3"
    assert users[(ids["d"], "WEBEX_SUITE")]["QUANTITY"] == "7"
    b_row = users[(ids["b"], "WEBEX_CALLING")]
    assert (b_row["CONSUMPTION_START_DATE"], b_row["CONSUMPTION_END_DATE"]) == (
        "2026-02-10",
        "2026-02-11",
    )
    assert list(result["USER"][0]) == [
        "PARTNER_NAME",
        "PARTNER_ORG_ID",
        "CUSTOMER_ORG_ID",
        "CUSTOMER_EXTERNAL_ID",
        "SUBSCRIBER_ID",
        "USER_ID",
        "WORKSPACE_ID",
        "SUBSCRIPTION_ID",
        "SERVICE_NAME",
        "SKU",
        "DESCRIPTION",
        "CONSUMPTION_START_DATE",
        "CONSUMPTION_END_DATE",
        "QUANTITY",
    ]
    customers = {
        (r["CUSTOMER_EXTERNAL_ID"], r["SERVICE_NAME"]): r["QUANTITY"] for r in result["CUSTOMER"]
    }
    assert customers == {
        ("ent-1", "WEBEX_CALLING"): "11.5",
        ("ent-1", "WEBEX_MEETINGS"): "0.25",
        ("ent-2", "WEBEX_CALLING"): "3",
        ("ent-2", "WEBEX_SUITE"): "7",
    }
    assert "SUBSCRIBER_ID" not in result["CUSTOMER"][0]
    partner = {r["SERVICE_NAME"]: r["QUANTITY"] for r in result["PARTNER"]}
    assert partner == {"WEBEX_CALLING": "14.5", "WEBEX_MEETINGS": "0.25", "WEBEX_SUITE": "7"}
    assert "CUSTOMER_ORG_ID" not in result["PARTNER"][0]
    assert {r["CONSUMPTION_START_DATE"] for r in result["PARTNER"]} == {"2026-02-10"}


def test_activation_and_removal_through_the_api_are_recorded() -> None:
    sandbox, clock = billing_sandbox()

    async def go() -> list[dict[str, str]]:
        async with in_process(sandbox) as webex:
            cid, _, _ = await provisioned_customer(webex, "ent")
            clock.set(utc(2026, 3, 2, 12))
            sub = await webex.wholesale.provision_subscriber(subscriber_body(cid, "a@x.example"))
            clock.set(utc(2026, 3, 4, 6))
            await webex.wholesale.remove_subscriber(sub.id)
            clock.set(utc(2026, 3, 10))
            report = await webex.wholesale.create_billing_report(
                "2026-03-01", "2026-03-09", type="USER"
            )
            return rows(await webex.wholesale.download_billing_report(report.id))

    result = run(go())
    assert [r["QUANTITY"] for r in result] == ["1.75"]  # 0.5 + 1 + 0.25


def test_report_lifecycle_validation_and_download_link() -> None:
    clock = FakeClock(utc(2026, 3, 1))
    sandbox = Sandbox(SandboxConfig(billing_delay_s=10), clock=clock)
    seen: list[httpx.Request] = []

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return await sandbox.transport().handle_async_request(request)

    async def go() -> None:
        async with Webex(IN_PROCESS_URL, token=TOKEN, transport=Spy(), retry=fast_retry()) as webex:
            for start, end in (
                ("2026-03-01", "2026-03-01"),
                ("2026-02-10", "2026-02-01"),
                ("2020-01-01", "2020-01-02"),
                ("2026-02-30", "2026-02-28"),
            ):
                with pytest.raises(WebexError) as caught:
                    await webex.wholesale.create_billing_report(start, end)
                assert caught.value.status == 400
            created = await webex.wholesale.create_billing_report("2026-02-01", "2026-02-28")
            assert created.type == "PARTNER"
            pending = await webex.wholesale.get_billing_report(created.id)
            assert pending.status == "IN_PROGRESS" and pending.temp_download_url is None
            with pytest.raises(WebexNotFound):
                await webex.wholesale.download_billing_report(pending)
            clock.advance(11)
            done = await webex.wholesale.get_billing_report(created.id)
            assert done.status == "COMPLETED"
            listed = [
                r.id
                async for r in webex.wholesale.list_billing_reports(
                    type="PARTNER", status="COMPLETED"
                )
            ]
            assert listed == [created.id]
            with pytest.raises(WebexConflict):  # regenerating needs a delete first
                await webex.wholesale.create_billing_report("2026-02-01", "2026-02-28")
            text = await webex.wholesale.download_billing_report(done)
            assert text.startswith("PARTNER_NAME,PARTNER_ORG_ID,SUBSCRIPTION_ID")
            download = seen[-1]
            assert "/_sandbox/billing/" in download.url.path
            assert "authorization" not in download.headers  # pre-signed: no token sent
            clock.advance(1801)  # the link lives 30 minutes
            with pytest.raises(WebexError) as caught:
                await webex.wholesale.download_billing_report(done)
            assert caught.value.status == 403
            await webex.wholesale.delete_billing_report(created.id)
            with pytest.raises(WebexNotFound) as missing:
                await webex.wholesale.get_billing_report(created.id)
            assert missing.value.error_codes == [2024]

    run(go())
