"""``migrate precheck``: planted problems give exactly the expected blockers and warnings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex
from tests.conftest import invoke
from tests.ocip import command, el, table, write_pair
from tests.webex_helpers import customer_body, subscriber_body

CONFIG = 'provisioning_id = "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2"\n'
LINE_51 = "123 Very Long Boulevard of the Americas, Building 7"
assert len(LINE_51) == 51


def user(user_id: str, first: str, number: str | None, email: str | None) -> str:
    body = (
        el("serviceProviderId", "planted")
        + el("groupId", "hq")
        + el("userId", user_id)
        + el("lastName", "Tester")
        + el("firstName", first)
        + el("callingLineIdLastName", "Tester")
        + el("callingLineIdFirstName", first)
    )
    if number:
        body += el("phoneNumber", number)
    body += el("extension", f"1{len(first)}{len(user_id)}"[:4].ljust(4, "0"))
    body += el("language", "English") + el("timeZone", "America/New_York")
    if email:
        body += el("emailAddress", email)
    return command("UserGetResponse22V5", body + el("countryCode", "1"))


def planted_export(folder: Path) -> None:
    address = (
        "<address>"
        + el("addressLine1", LINE_51)
        + el("city", "New York")
        + el("stateOrProvince", "New York")
        + el("zipOrPostalCode", "10036")
        + el("country", "US")
        + "</address>"
    )
    write_pair(
        folder,
        "org",
        [
            command("ServiceProviderGetRequest22V4", el("serviceProviderId", "planted")),
            command(
                "GroupGetRequest22V5", el("serviceProviderId", "planted") + el("groupId", "hq")
            ),
            command(
                "GroupDnGetAssignmentListRequest18",
                el("serviceProviderId", "planted") + el("groupId", "hq"),
            ),
        ],
        [
            command(
                "ServiceProviderGetResponse22V4",
                el("isEnterprise", "true")
                + el("defaultDomain", "planted.example")
                + el("serviceProviderName", "Planted 100% Corp")
                + "<contact>"
                + el("contactEmail", "admin@planted.example")
                + "</contact>"
                + address
                + el("serviceProviderId", "planted"),
            ),
            command(
                "GroupGetResponse22V5",
                el("defaultDomain", "planted.example")
                + el("userLimit", "25")
                + el("userCount", "4")
                + el("groupName", "HQ")
                + el("timeZone", "America/New_York")
                + el("timeZoneDisplayName", "(GMT-05:00) (US) Eastern Time")
                + address
                + el("serviceProviderId", "planted")
                + el("groupId", "hq"),
            ),
            command(
                "GroupDnGetAssignmentListResponse18",
                table(
                    "dnTable",
                    ["Phone Numbers", "Activated"],
                    [["+1-2125550101 - +1-2125550104", "true"]],
                ),
            ),
        ],
    )
    export = folder / "planted-users.xml"
    from tests.ocip import document

    export.write_bytes(
        document(
            user("admin@planted", "Ada", "2125550101", "admin@planted.example"),
            user("nomail@planted", "Bob", "2125550102", None),
            user("dupnum@planted", "Cy", "2125550101", "cy@planted.example"),
            user("taken@planted", "Di", "2125550104", "taken@elsewhere.example"),
        )
    )


def seed_existing_user(state_file: Path, email: str) -> None:
    sandbox = Sandbox(state_file=state_file)

    async def go() -> None:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()
        ) as webex:
            customer_id = await webex.wholesale.provision_customer(customer_body("someone"))
            customer = await webex.wholesale.wait_for_customer(customer_id, interval=0.001)
            assert customer.status == "provisioned"
            await webex.wholesale.provision_subscriber(subscriber_body(customer_id, email))

    asyncio.run(go())
    sandbox.save()


def test_planted_problems_give_exactly_the_expected_findings(tmp_path: Path) -> None:
    planted_export(tmp_path / "export")
    (tmp_path / "migrate.toml").write_text(CONFIG)
    common = [
        "-w",
        str(tmp_path / "w"),
        "--reports",
        str(tmp_path / "r"),
        "--config",
        str(tmp_path / "migrate.toml"),
    ]
    invoke("extract", *common, str(tmp_path / "export"))  # exit 1: the duplicate DN
    code, _out, err = invoke("map", *common)
    assert code == 0, err
    seed_existing_user(tmp_path / "w" / "sandbox-state.json", "taken@elsewhere.example")
    code, out, err = invoke("precheck", *common, "--sandbox", "--json")
    assert code == 0, err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    blockers = sorted((f["key"], f["rule"]) for f in findings if f["severity"] == "blocker")
    assert blockers == [
        ("dupnum@planted", "duplicate_number"),
        ("nomail@planted", "missing_email"),
        ("taken@planted", "10022"),
    ]
    warnings = {f["rule"] for f in findings if f["severity"] == "warning"}
    assert {"address_line_too_long", "percent_in_name"} <= warnings
    taken = next(f for f in findings if f["rule"] == "10022")
    assert taken["source"] == "webex" and "email" in taken["hint"]
    code, _out, err = invoke("precheck", *common, "--sandbox", "--strict")
    assert code == 3 and "3 blockers remain" in err
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "r" / "precheck.xlsx")
    assert book.sheetnames == ["Summary", "Blockers", "Warnings", "Passed"]
    assert book["Blockers"].max_row == 1 + len(blockers)


def test_without_a_token_a_real_api_precheck_is_local_and_says_so(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    planted_export(tmp_path / "export")
    common = ["-w", str(tmp_path / "w"), "--reports", str(tmp_path / "r")]
    invoke("extract", *common, str(tmp_path / "export"))
    invoke("map", *common)
    code, out, _err = invoke("precheck", *common, "--json")
    assert code == 0
    rules = {
        (f["rule"], f["key"]) for f in json.loads(out)["findings"] if f["severity"] == "blocker"
    }
    assert ("no_token", "WEBEX_ACCESS_TOKEN") in rules
    assert ("no_provisioning_id", "provisioning_id") in rules
    assert json.loads(out)["remote_calls"] == 0
