"""Issue #7, mapping: the sample's phones get the expected Webex models and owners; places
become workspaces; bad MACs and unknown models are issues, never crashes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.mapping.tables import load_tables
from migrate.plan import model as wm
from migrate.precheck.rules import check_model
from migrate.sandbox.devices import MODELS
from migrate.stages.map import run_map
from tests.test_map_fixtures import inventory, write_inventory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HQ, MTL, MUC = "acme-ent/acme-hq", "acme-ent/acme-mtl", "acme-ent/acme-muc"
# device → (Webex model, kind, migrated, owner, owner kind, evidence rule)
EXPECTED: dict[str, tuple[str | None, str, bool, str | None, str | None, int]] = {
    "hq-alice-8851": ("DMS Cisco 8851", "phone", True, "alice.johnson", "person", 10),
    "hq-bob-8865": ("DMS Cisco 8865", "phone", True, "bob.martinez", "person", 10),
    "hq-grace-8845": ("DMS Cisco 8845", "phone", True, "grace.lee", "person", 10),
    "hq-henry-8851": ("DMS Cisco 8851", "phone", True, "henry.park", "person", 10),
    "hq-lobby-7841": ("DMS Cisco 7841", "phone", True, "lobby.phone", "workspace", 10),
    "mtl-cote-8841": ("DMS Cisco 8841", "phone", True, "jp.cote", "person", 10),
    "mtl-francois-vvx400": ("DMS Polycom VVX 400", "phone", True, "francois.lefevre", "person", 40),
    "mtl-zoe-ata": ("DMS Cisco 192", "ata", True, "zoe.tremblay", "person", 30),
    "muc-anna-generic": (
        "Generic IPPhone Customer Managed",
        "generic",
        True,
        "anna.schmidt",
        "person",
        230,
    ),
    "muc-juergen-t46u": (
        "Generic IPPhone Customer Managed",
        "generic",
        True,
        "juergen.mueller",
        "person",
        75,
    ),
    "hq-carol-pc": (None, "soft_client", False, "carol.nguyen", None, 80),
    "hq-dave-mobile": (None, "soft_client", False, "dave.okafor", None, 80),
    "mtl-helene-mobile": (None, "soft_client", False, "helene.gagnon", None, 80),
}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _model(workspace: Path) -> dict[str, Any]:
    out = {
        name: _jsonl(workspace / "model" / f"{name}.jsonl")
        for name in ("devices", "workspaces", "subscribers", "not_migrated", "issues")
    }
    out["by_name"] = {d["device_name"]: d for d in out["devices"]}
    return out


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The acme sample mapped with no email template: the lobby phone has no email."""
    root = tmp_path_factory.mktemp("devices-map")
    (root / "migrate.toml").write_text('provisioning_id = "PROV-1"\n')
    for stage in (["extract", str(SAMPLES / "acme-enterprise")], ["map"]):
        result = CliRunner().invoke(
            cli,
            [
                stage[0],
                "-w",
                str(root / "w"),
                "--reports",
                str(root / "r"),
                "--config",
                str(root / "migrate.toml"),
                *stage[1:],
            ],
        )
        assert result.exit_code in (0, 1), result.stderr
    model = _model(root / "w")
    model["root"] = root
    return model


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_devices_map_to_the_expected_model_and_owner(
    acme: dict[str, Any], name: str
) -> None:
    model, kind, migrated, owner, owner_kind, rule = EXPECTED[name]
    device = acme["by_name"][name]
    assert (device["model"], device["kind"], device["migrate"]) == (model, kind, migrated)
    assert device["owner"] == f"{owner}@acme-corp.com"
    assert device["owner_kind"] == owner_kind
    assert device["evidence"].startswith(f"rule {rule}:"), device["evidence"]
    if migrated:
        assert device["reason"] is None and re.fullmatch(r"[0-9A-F]{12}", device["mac"])
    else:
        assert "Webex App" in device["reason"] and device["mac"] is None


def test_the_model_comes_from_the_user_agent_of_the_version_or_the_registration(
    acme: dict[str, Any],
) -> None:
    devices = acme["by_name"]
    # One shared MPP type, four models: only the User-Agent tells them apart.
    assert {
        devices[n]["device_type"]
        for n in ("hq-alice-8851", "hq-bob-8865", "hq-grace-8845", "hq-lobby-7841")
    } == {"Cisco-CP-78xx-88xx-68xx-3PCC"}
    assert "Cisco-CP-8865-3PCC/12.0.3" in devices["hq-bob-8865"]["evidence"]  # registration
    assert "Yealink SIP-T46U" in devices["muc-juergen-t46u"]["evidence"]
    assert "device type Generic SIP Phone" in devices["muc-anna-generic"]["evidence"]


def test_macs_are_normalised(acme: dict[str, Any]) -> None:
    devices = acme["by_name"]
    assert devices["mtl-francois-vvx400"]["mac_raw"] == "00:04:f2:ab:cd:ef"
    assert devices["mtl-francois-vvx400"]["mac"] == "0004F2ABCDEF"
    assert devices["hq-bob-8865"]["mac_raw"] == "70b317a4c865"
    assert devices["hq-bob-8865"]["mac"] == "70B317A4C865"
    assert devices["hq-lobby-7841"]["mac"] == "F4CFE2A1B2C3"  # mixed case in BroadWorks


def test_a_shared_call_appearance_keeps_the_primary_owner(acme: dict[str, Any]) -> None:
    alice = acme["by_name"]["hq-alice-8851"]
    assert alice["owner"] == "alice.johnson@acme-corp.com"
    assert alice["lines"] == ["alice.johnson@acme-corp.com", "grace.lee@acme-corp.com"]
    assert alice["shared_lines"] == ["grace.lee@acme-corp.com"]
    # Grace's line finds a free line key on Alice's 8851: carried, so not listed.
    items = {n["id"]: n for n in acme["not_migrated"]}
    assert f"shared_line:{HQ}/hq-alice-8851" not in items
    assert all(d["shared_lines"] == [] for n, d in acme["by_name"].items() if n != "hq-alice-8851")


def test_the_place_becomes_a_workspace_with_its_number_and_extension(acme: dict[str, Any]) -> None:
    (lobby,) = acme["workspaces"]
    assert lobby["id"] == "lobby.phone@acme-corp.com"
    assert (lobby["name"], lobby["location_id"]) == ("Lobby Phone", HQ)
    assert (lobby["phone_number"], lobby["extension"]) == ("+12125550110", "4110")
    assert lobby["package"] == "common_area_calling"
    assert lobby["devices"] == [f"{HQ}/hq-lobby-7841"]
    subs = {s["id"]: s for s in acme["subscribers"]}
    assert subs["lobby.phone@acme-corp.com"]["is_admin"] is False
    codes = {(i["code"], i["key"]) for i in acme["issues"]}
    # A workspace has no email, so the lobby phone's missing one blocks nothing.
    assert ("missing_email", "lobby.phone@acme-corp.com") not in codes
    assert ("missing_email", "bob.martinez@acme-corp.com") in codes  # a person still needs one


def test_review_workbook_shows_owner_kind_and_shared_lines(acme: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(acme["root"] / "r" / "review.xlsx", read_only=True)
    rows = list(book["Devices"].iter_rows(values_only=True))
    header = list(rows[0])
    owner_kind = header.index("Owner kind")
    shared = header.index("Shared lines (carried)")
    by_name = {r[header.index("Device name")]: r for r in rows[1:]}
    assert by_name["hq-lobby-7841"][owner_kind] == "workspace"
    assert by_name["hq-alice-8851"][shared] == "grace.lee@acme-corp.com"


def test_every_model_devices_csv_can_give_is_one_the_sandbox_knows(acme: dict[str, Any]) -> None:
    models = {d["model"] for d in acme["devices"] if d["model"]}
    assert models <= set(MODELS), models - set(MODELS)
    for rule in load_tables().devices.rules:
        if rule.model and "{" not in rule.model:
            assert rule.model in MODELS, rule.model


def test_bad_macs_duplicates_across_customers_and_unknown_models_are_issues(tmp_path: Path) -> None:
    data = inventory()
    mpp = "Cisco-CP-78xx-88xx-68xx-3PCC"
    data["devices"] = [
        {
            "sp_id": "ent1",
            "group_id": "g-ny",
            "device_name": "ny-phone",
            "device_type": mpp,
            "mac_address_raw": "aa-bb-cc-00-00-01",
            "version": "Cisco-CP-8851-3PCC/11.3.7",
            "lines": [{"user_id": "ada@ent1", "endpoint_type": "Primary"}],
        },
        {
            "sp_id": "ent1",
            "group_id": "g-mtl",
            "device_name": "mtl-phone",
            "device_type": mpp,
            "mac_address": "AABBCC000001",
            "version": "Cisco-CP-7841-3PCC/11.3.7",
            "lines": [{"user_id": "fay@ent1", "endpoint_type": "Primary"}],
        },
        {
            "sp_id": "ent1",
            "group_id": "g-ny",
            "device_name": "short-mac",
            "device_type": mpp,
            "mac_address": "AABBCC00001",
            "version": "Cisco-CP-8845-3PCC/12.0",
            "lines": [{"user_id": "bob@ent1", "endpoint_type": "Primary"}],
        },
        {
            "sp_id": "ent1",
            "group_id": "g-ny",
            "device_name": "mystery",
            "device_type": mpp,
            "mac_address": "AABBCC000003",
            "lines": [{"user_id": "bob@ent1", "endpoint_type": "Primary"}],
        },
        {
            "sp_id": "ent1",
            "group_id": "g-ny",
            "device_name": "orphan",
            "device_type": "Generic SIP Phone",
            "mac_address": "AABBCC000004",
        },
    ]
    workspace = write_inventory(tmp_path / "w", data)
    config = tmp_path / "migrate.toml"
    config.write_text('provisioning_id = "P"\ncustomer_level = "group"\n')
    run_map(workspace, tmp_path / "r", config)  # no exception: every problem is an issue
    model = _model(workspace)
    devices = model["by_name"]
    # The first device by key keeps the MAC; the other customer's copy is the issue.
    assert devices["mtl-phone"]["mac"] == "AABBCC000001" and devices["mtl-phone"]["migrate"]
    assert devices["ny-phone"]["customer_id"] != devices["mtl-phone"]["customer_id"]
    assert devices["ny-phone"]["mac"] == "AABBCC000001"  # from "aa-bb-cc-00-00-01"
    assert not devices["ny-phone"]["migrate"] and "duplicate MAC" in devices["ny-phone"]["reason"]
    assert not devices["short-mac"]["migrate"] and devices["short-mac"]["mac"] is None
    assert not devices["mystery"]["migrate"] and devices["mystery"]["kind"] == "unknown"
    assert not devices["orphan"]["migrate"] and "no user" in devices["orphan"]["reason"]
    issues = {(i["code"], i["key"]): i for i in model["issues"]}
    assert issues[("duplicate_mac", "ent1/g-ny/ny-phone")]["severity"] == "blocker"
    assert issues[("invalid_mac", "ent1/g-ny/short-mac")]["value"] == "AABBCC00001"
    assert ("device_model_unknown", "ent1/g-ny/mystery") in issues
    assert ("device_owner_not_migrated", "ent1/g-ny/orphan") in issues
    sheet = openpyxl.load_workbook(tmp_path / "r" / "review.xlsx", read_only=True)["Issues"]
    listed = {(row[1], row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {
        ("duplicate_mac", "ent1/g-ny/ny-phone"),
        ("invalid_mac", "ent1/g-ny/short-mac"),
        ("device_model_unknown", "ent1/g-ny/mystery"),
    } <= listed


def test_a_device_whose_owner_is_not_migrated_is_not_migrated(tmp_path: Path) -> None:
    data = inventory()
    data["users"] = [
        {**u, "trunk_user": True} if u["user_id"] == "ada@ent1" else u for u in data["users"]
    ]
    workspace = write_inventory(tmp_path / "w", data)
    config = tmp_path / "migrate.toml"
    config.write_text('provisioning_id = "P"\n')
    run_map(workspace, tmp_path / "r", config)
    ada = _model(workspace)["by_name"]["ada-phone"]
    assert not ada["migrate"] and ada["owner_kind"] is None
    assert ada["reason"] == "its owner ada@ent1 is not migrated"


def test_precheck_does_not_ask_a_workspace_for_an_email(acme: dict[str, Any]) -> None:
    workspace = acme["root"] / "w"
    findings = check_model(
        list(wm.read(workspace, "customers")),
        list(wm.read(workspace, "locations")),
        list(wm.read(workspace, "subscribers")),
        provisioning_id="P",
        needs_token=False,
        token_present=False,
    )
    missing = {f.key for f in findings if f.rule == "missing_email"}
    assert "bob.martinez@acme-corp.com" in missing
    assert "lobby.phone@acme-corp.com" not in missing
