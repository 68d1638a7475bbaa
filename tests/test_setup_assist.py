"""Wholesale Setup Assist: Express up to five seats, Standard above, six business days'
notice, and every id read from Webex (the sandbox) rather than typed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migrate.config import load_config
from migrate.errors import ConfigError
from migrate.load.setup_assist import (
    EXPRESS_SKU,
    STANDARD_SKU,
    SetupAssistResult,
    Wanted,
    business_days_before,
    gather,
    sku_for,
)
from migrate.sandbox import Sandbox, SandboxState
from migrate.sandbox.routes.licenses import license_view
from tests.conftest import invoke
from tests.migration_helpers import CONFIG, SAMPLES, common, stage, webex_for

MONDAY = dt.date(2026, 12, 14)


def test_five_seats_are_express_six_are_standard() -> None:
    assert sku_for(0) == sku_for(1) == sku_for(5) == EXPRESS_SKU
    assert sku_for(6) == sku_for(250) == STANDARD_SKU


def test_six_business_days_before_skip_weekends_and_listed_holidays() -> None:
    # Mon 14th: Fri 11, Thu 10, Wed 9, Tue 8, Mon 7, Fri 4.
    assert business_days_before(MONDAY) == dt.date(2026, 12, 4)
    assert business_days_before(dt.date(2026, 12, 18)) == dt.date(2026, 12, 10)  # a Friday
    # Mon 28th with Christmas (Fri 25th) a holiday: one day earlier than without.
    assert business_days_before(dt.date(2026, 12, 28)) == dt.date(2026, 12, 18)
    assert business_days_before(dt.date(2026, 12, 28), 6, {dt.date(2026, 12, 25)}) == dt.date(
        2026, 12, 17
    )
    for offset in range(60):
        cutover = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        due = business_days_before(cutover)
        between = [due + dt.timedelta(days=n) for n in range((cutover - due).days)]
        assert due.weekday() < 5
        assert sum(1 for d in between if d.weekday() < 5) == 6, cutover


def _person(email: str, location: str) -> dict[str, str]:
    return {"email": email, "firstName": "P", "lastName": email.split("@")[0], "location": location}


def _attached(sandbox: Sandbox) -> dict[str, Any]:
    """A customer attached to an org with a 5-seat and a 6-seat calling location."""
    seeded = sandbox.seed(
        {
            "orgs": [
                {
                    "name": "Seats Co",
                    "locations": [{"name": "Small"}, {"name": "Large"}],
                    "people": [_person(f"s{i}@seats.example", "Small") for i in range(5)]
                    + [_person(f"l{i}@seats.example", "Large") for i in range(6)],
                }
            ]
        }
    )[0]

    async def attach() -> None:
        async with webex_for(sandbox) as webex:
            body: Any = {
                "provisioningId": "p",
                "packages": ["webex_meetings"],
                "externalId": "seats-ext",
                "orgId": seeded["id"],
                "address": {"addressLine1": "1 Main St", "city": "Columbus", "country": "US"},
            }
            await webex.wholesale.provision_customer(body)

    asyncio.run(attach())
    return seeded


def _gather(sandbox: Sandbox, wanted: list[Wanted], today: dt.date) -> SetupAssistResult:
    async def go() -> SetupAssistResult:
        async with webex_for(sandbox) as webex:
            return await gather(webex, wanted, today=today)

    return asyncio.run(go())


def test_rows_carry_the_sandboxs_ids_the_sku_and_the_deadline() -> None:
    sandbox = Sandbox()
    seeded = _attached(sandbox)
    wanted = [Wanted("seats", "seats-ext", MONDAY), Wanted("ghost", "nobody", MONDAY)]
    result = _gather(sandbox, wanted, dt.date(2026, 12, 1))
    (customer,) = sandbox.state.customers.values()
    subscription = license_view(sandbox.state, customer, "webex_meetings")["subscriptionId"]
    rows = {r.location_name: r for r in result.rows}
    assert set(rows) == {"Small", "Large"}
    assert (rows["Small"].seats, rows["Small"].sku) == (5, EXPRESS_SKU)
    assert (rows["Large"].seats, rows["Large"].sku) == (6, STANDARD_SKU)
    for name, row in rows.items():
        assert row.location_id == seeded["locations"][name]
        assert row.customer_org_id == seeded["id"] == customer.org_id
        assert row.partner_org_id == sandbox.state.partner_org_id
        assert row.subscription_id == subscription
        assert row.total_locations == 2
        assert row.submit_by == dt.date(2026, 12, 4) and not row.late
    assert "not in Webex yet" in result.not_ready["ghost"]
    late = _gather(sandbox, wanted[:1], dt.date(2026, 12, 7))
    assert all(r.late for r in late.rows) and late.rows


def _edit_review(path: Path, values: dict[str, Any]) -> None:
    book = load_workbook(path)
    sheet = book["Customers"]
    header = [c.value for c in sheet[1]]
    for column, value in values.items():
        sheet.cell(row=2, column=header.index(column) + 1, value=value)
    book.save(path)


def test_review_selects_the_customer_and_the_cli_writes_the_workbook(tmp_path: Path) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise", CONFIG)
    review = root / "r" / "review.xlsx"
    # A date cell as Excel keeps it: the review reads it back as the day.
    _edit_review(review, {"Setup Assist": "yes", "Cutover date": dt.datetime(2026, 12, 14)})
    code, _out, err = invoke("map", *common(root), "--overrides", str(review))
    assert code == 0, err
    customer = json.loads((root / "w" / "model" / "customers.jsonl").read_text().splitlines()[0])
    assert (customer["setup_assist"], customer["cutover_date"]) == (True, "2026-12-14")
    assert invoke("plan", *common(root))[0] == 0

    code, out, err = invoke("load", *common(root), "--sandbox", "--poll-interval", "0.001")
    assert code in (0, 1), err
    assert "setup assist:" in out  # written at the end of the load
    code, out, err = invoke(
        "setup-assist", *common(root), "--sandbox", "--today", "2026-12-01", "--json"
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    state = SandboxState.load(root / "w" / "sandbox-state.json")
    (org_id,) = [c.org_id for c in state.customers.values()]
    calling = {loc.id for loc in state.locations.values() if loc.org_id == org_id}
    assert {r["location_id"] for r in rows} == calling
    for row in rows:
        seats = sum(
            1
            for s in state.subscribers.values()
            if not s.deleted and s.status == "provisioned" and s.location_id == row["location_id"]
        )
        assert row["seats"] == seats and row["sku"] == sku_for(seats)
        assert row["customer_org_id"] == org_id and row["submit_by"] == "2026-12-04"
    sheet = load_workbook(root / "r" / "setup-assist.xlsx")["Setup Assist"]
    listed = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(r[5] for r in listed) == sorted(calling)


def test_config_selects_too_and_holidays_move_the_deadline(tmp_path: Path) -> None:
    config = (
        CONFIG
        + '[customers."acme-ent"]\nsetup_assist = true\ncutover_date = 2026-12-28\n'
        + "[setup_assist]\nholidays = [2026-12-25]\n"
    )
    root = stage(tmp_path, SAMPLES / "acme-enterprise", config)
    assert invoke("load", *common(root), "--sandbox", "--poll-interval", "0.001")[0] in (0, 1)
    code, out, err = invoke("setup-assist", *common(root), "--sandbox", "--json")
    assert code == 0, err
    assert {r["submit_by"] for r in json.loads(out)["rows"]} == {"2026-12-17"}


@pytest.mark.parametrize("value", ["soon", "2026-13-01"])
def test_a_cutover_date_that_is_none_is_refused_naming_the_cell(tmp_path: Path, value: str) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise", CONFIG)
    review = root / "r" / "review.xlsx"
    _edit_review(review, {"Cutover date": value})
    code, _out, err = invoke("map", *common(root), "--overrides", str(review))
    assert code == 2
    assert "sheet Customers: row 2: column Cutover date" in err and "YYYY-MM-DD" in err


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[customers."acme-ent"]\ncutover_date = "soon"\n', "customers.acme-ent.cutover_date"),
        ('[customers."acme-ent"]\nsetup_assist = "yes"\n', "customers.acme-ent.setup_assist"),
        ("[setup_assist]\nholidays = ['xmas']\n", "setup_assist.holidays"),
        ('[customers."acme-ent"]\nwants = true\n', "customers.acme-ent.wants"),
    ],
)
def test_config_refuses_a_bad_choice_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "migrate.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: key {key}:")
