"""Every package the Wholesale spec lets a subscriber hold can be chosen (rules table,
review.xlsx, overrides), lands in its customer's package list, is prechecked there
and is accepted by the sandbox."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from migrate.mapping.packages import (
    CUSTOMER_PACKAGES,
    PACKAGES,
    SUBSCRIBER_PACKAGES,
    WORKSPACE_PACKAGE,
    customer_packages,
)
from migrate.mapping.tables import Tables, load_tables, shipped_dir
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.precheck.rules import check_model
from migrate.sandbox import Sandbox
from migrate.stages.map import run_map
from tests.test_map_fixtures import inventory, write_inventory
from tests.webex_helpers import in_process, provisioned_customer, run, subscriber_body

SCHEMAS: dict[str, Any] = json.loads(
    resources.files("migrate").joinpath("data/specs/webex-wholesale.json").read_text("utf-8")
)["components"]["schemas"]
SPEC_SUBSCRIBER = SCHEMAS["WholesalePackagesSubscriber"]["enum"]
SPEC_CUSTOMER = SCHEMAS["WholesalePackagesCustomer"]["enum"]
CONFIG = 'provisioning_id = "PROV-1"\n'


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_catalogue_is_the_spec() -> None:
    assert set(SUBSCRIBER_PACKAGES) == set(SPEC_SUBSCRIBER)
    assert set(CUSTOMER_PACKAGES) == set(SPEC_CUSTOMER)
    assert set(PACKAGES) == {*SPEC_SUBSCRIBER, WORKSPACE_PACKAGE}


def test_a_rules_table_can_pick_every_allowed_package(tmp_path: Path) -> None:
    folder = tmp_path / "maps"
    folder.mkdir()
    rows = [f"{i},{p},any,Service {p}" for i, p in enumerate(SPEC_SUBSCRIBER, start=1)]
    (folder / "packages.csv").write_text(
        "order,package,match,services\n" + "\n".join(rows) + "\n99,webex_voice,default,\n",
        encoding="utf-8",
    )
    tables = load_tables(folder)
    for package in SPEC_SUBSCRIBER:
        assert tables.packages.classify((f"Service {package}",), False).package == package


@pytest.fixture(scope="module")
def shipped() -> Tables:
    return load_tables()


@pytest.mark.parametrize(
    ("services", "place", "telephony", "package"),
    [
        (("Call Center - Premium", "Integrated IMP"), False, True, "cx_essentials"),
        (("Call Center - Basic",), False, True, "cx_essentials"),
        (("Call Center Monitoring", "Voice Messaging User"), False, True, "cx_essentials"),
        (("BroadWorks Receptionist - Office",), False, True, "attendant_console"),
        (("Integrated IMP", "Voice Messaging User"), False, False, "webex_meetings"),
        ((), False, False, "webex_meetings"),
        (("Authentication",), True, False, "common_area_calling"),  # a place stays a place
        (("Integrated IMP",), False, True, "webex_calling"),
    ],
)
def test_the_shipped_rules_give_what_a_provider_expects(
    shipped: Tables, services: tuple[str, ...], place: bool, telephony: bool, package: str
) -> None:
    assert shipped.packages.classify(services, place, telephony=telephony).package == package


def test_the_shipped_readme_names_every_package() -> None:
    text = (shipped_dir() / "README.md").read_text(encoding="utf-8")
    for package in PACKAGES:
        assert f"`{package}`" in text, package


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture inventory plus a receptionist and a user without number or extension."""
    root = tmp_path_factory.mktemp("packages")
    data = inventory()
    data["users"].append(
        {
            "sp_id": "ent1",
            "user_id": "rita@ent1",
            "group_id": "g-ny",
            "first_name": "Rita",
            "last_name": "Desk",
            "email": "rita@example.com",
            "extension": "0150",
            "services": ["BroadWorks Receptionist - Office"],
        }
    )
    data["users"].append(
        {
            "sp_id": "ent1",
            "user_id": "mo@ent1",
            "group_id": "g-mtl",
            "first_name": "Mo",
            "last_name": "Meet",
            "email": "mo@example.com",
            "services": ["Integrated IMP", "Voice Messaging User"],
        }
    )
    workspace = write_inventory(root / "w", data)
    (root / "migrate.toml").write_text(CONFIG, encoding="utf-8")
    run_map(workspace, root / "r", root / "migrate.toml")
    return root


def test_map_gives_each_seat_its_package_and_the_customer_all_of_them(mapped: Path) -> None:
    subs = {s["id"]: s for s in _jsonl(mapped / "w" / "model" / "subscribers.jsonl")}
    assert subs["rita@ent1"]["package"] == "attendant_console"
    assert subs["cc@ent1"]["package"] == "cx_essentials"
    assert subs["mo@ent1"]["package"] == "webex_meetings"
    [customer] = _jsonl(mapped / "w" / "model" / "customers.jsonl")
    used = {s["package"] for s in subs.values()}
    assert used <= set(customer["packages"])
    issues = _jsonl(mapped / "w" / "model" / "issues.jsonl")
    assert not [i for i in issues if i["key"] == "mo@ent1" and i["severity"] == "blocker"]


def test_review_offers_every_allowed_package(mapped: Path) -> None:
    book = openpyxl.load_workbook(mapped / "r" / "review.xlsx")
    subs = book["Subscribers"]
    header = [c.value for c in subs[1]]
    letter = get_column_letter(header.index("Package") + 1)
    [validation] = [v for v in subs.data_validations.dataValidation if str(v.sqref)[0] == letter]
    offered = set(validation.formula1.strip('"').split(","))
    assert offered == set(PACKAGES)
    listed = {r[1] for r in book["Lists"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert listed == set(PACKAGES)


def test_the_plan_puts_every_package_its_subscribers_use_on_the_customer(mapped: Path) -> None:
    workspace = mapped / "w"
    path = workspace / "model" / "subscribers.jsonl"
    records = _jsonl(path)
    # A hand edit after map: the customer record does not know the new package yet.
    for record in records:
        if record["id"] == "cat@ent1":
            record["package"] = "webex_calling_standard"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(
            "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records), "utf-8"
        )
        plan = builder.build(workspace, None, None)
    finally:
        path.write_text(original, encoding="utf-8")
    body = next(a for a in plan.actions if a.type == "create_customer").payload["body"]
    planned = {
        a.payload["body"]["packages"][0] for a in plan.actions if a.type == "create_subscriber"
    }
    assert {"webex_calling_standard", "attendant_console", "cx_essentials"} <= planned
    assert planned <= set(body["packages"])
    meetings = next(a for a in plan.actions if a.key == "create_subscriber:mo@ent1").payload["body"]
    assert meetings["packages"] == ["webex_meetings"]
    assert "locationId" not in meetings["provisioningParameters"]


def _customer(packages: list[str]) -> wm.Customer:
    return wm.Customer(
        id="c1",
        bw_key={"sp_id": "c1"},
        level="enterprise",
        name="C1",
        primary_email="a@c1.com",
        packages=packages,
        provisioning_id="P",
    )


def _sub(user_id: str, package: str, admin: bool = False) -> wm.Subscriber:
    return wm.Subscriber(
        id=user_id,
        customer_id="c1",
        location_id="c1/l",
        bw_key={"user_id": user_id},
        email=f"{user_id}@c1.com",
        package=package,
        extension="1001" if admin else "1002",
        is_admin=admin,
    )


@pytest.mark.parametrize(
    ("packages", "subscribers", "expected"),
    [
        (
            ["webex_calling"],
            [("a", "webex_calling"), ("b", "cx_essentials")],
            {("package_not_on_customer", "b")},
        ),
        (["attendant_console"], [("a", "attendant_console")], {("package_dependency", "c1")}),
        (["webex_calling", "webex_gold"], [("a", "webex_calling")], {("customer_package", "c1")}),
        (
            customer_packages(["attendant_console", "cx_standard_agent"]),
            [("a", "attendant_console"), ("b", "cx_standard_agent")],
            set(),
        ),
    ],
)
def test_precheck_checks_each_package_against_the_customer_list(
    packages: list[str], subscribers: list[tuple[str, str]], expected: set[tuple[str, str]]
) -> None:
    subs = [_sub(uid, p, admin=i == 0) for i, (uid, p) in enumerate(subscribers)]
    findings = check_model(
        [_customer(packages)],
        [],
        subs,
        provisioning_id="P",
        needs_token=False,
        token_present=False,
    )
    codes = {"package_not_on_customer", "package_dependency", "customer_package", "package"}
    assert {(f.rule, f.key) for f in findings if f.rule in codes} == expected
    assert all(f.severity == "blocker" for f in findings if f.rule in codes)


def test_the_sandbox_takes_a_subscriber_of_every_allowed_package() -> None:
    sandbox = Sandbox()

    async def go() -> dict[str, list[str]]:
        held: dict[str, list[str]] = {}
        async with in_process(sandbox) as webex:
            customer_id, _org, location = await provisioned_customer(
                webex, "every-package", packages=customer_packages(SUBSCRIBER_PACKAGES)
            )
            for index, package in enumerate(SUBSCRIBER_PACKAGES):
                body = subscriber_body(
                    customer_id,
                    f"user{index}@example.com",
                    package=package,
                    extension=f"20{index:02d}",
                    location_id=location,
                )
                sub = await webex.wholesale.provision_subscriber(body)
                held[package] = sub.packages
        return held

    held = run(go())
    assert held == {p: [p] for p in SUBSCRIBER_PACKAGES}
