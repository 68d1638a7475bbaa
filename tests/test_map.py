"""`migrate map` on a hand-written inventory with the quirks the research notes list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from migrate.cli.main import cli
from migrate.stages.map import run_map
from tests.migration_helpers import SAMPLES, common, invoke
from tests.test_map_fixtures import inventory, write_inventory

PROVISIONED = 'provisioning_id = "PROV-1"\n'


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _map(tmp_path: Path, config: str = PROVISIONED, data: Any = None) -> dict[str, Any]:
    workspace = write_inventory(tmp_path / "w", data)
    config_path = tmp_path / "migrate.toml"
    config_path.write_text(config, encoding="utf-8")
    run_map(workspace, tmp_path / "reports", config_path)
    model = workspace / "model"
    out: dict[str, Any] = {
        name: _jsonl(model / f"{name}.jsonl")
        for name in (
            "customers",
            "locations",
            "subscribers",
            "numbers",
            "devices",
            "workspaces",
            "not_migrated",
            "issues",
        )
    }
    out["by_id"] = {s["id"]: s for s in out["subscribers"]}
    out["codes"] = {(i["code"], i["key"]) for i in out["issues"]}
    return out


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _map(tmp_path_factory.mktemp("map"))


def test_customer(mapped: dict[str, Any]) -> None:
    (customer,) = mapped["customers"]
    assert customer["id"] == customer["external_id"] == "ent1"
    assert customer["bw_key"] == {"sp_id": "ent1"}
    assert customer["name"] == "Example 100 Corp" and customer["name_raw"] == "Example 100% Corp"
    assert ("percent_in_name", "ent1") in mapped["codes"]
    assert customer["address"]["country"] == "US"
    assert customer["address"]["state_or_province"] == "NY"
    assert customer["administrator"] == "ada@ent1"
    assert customer["primary_email"] == "ada@example.com"
    assert customer["language"] == "en_US"
    assert customer["provisioning_id"] == "PROV-1"
    # Cora, a call-center agent, takes Customer Assist: the customer must hold it too.
    assert customer["packages"] == [
        "common_area_calling",
        "cx_essentials",
        "webex_calling",
        "webex_voice",
    ]
    assert customer["call_in_country_code"] == "+1"


def test_locations(mapped: dict[str, Any]) -> None:
    ny, mtl = mapped["locations"]
    assert (ny["id"], ny["is_primary"]) == ("ent1/g-ny", True)  # the administrator's location
    assert ny["time_zone"] == "America/New_York" and ny["time_zone_raw"] == "US/Eastern"
    assert len(ny["address"]["address_line1"]) <= 50
    assert ("address_line_too_long", "ent1/g-ny") in mapped["codes"]
    assert mtl["time_zone"] == "America/Toronto"
    assert mtl["address"]["country"] == "CA" and mtl["address"]["state_or_province"] == "QC"
    assert mtl["language"] == "fr_CA"  # French users in Canada
    assert ny["language"] == "en_US"


def test_administrator_is_first(mapped: dict[str, Any]) -> None:
    first = mapped["subscribers"][0]
    assert first["id"] == "ada@ent1" and first["is_admin"] is True
    assert sum(s["is_admin"] for s in mapped["subscribers"]) == 1
    rest = [s["id"] for s in mapped["subscribers"][1:]]
    assert rest == sorted(rest)


def test_subscribers(mapped: dict[str, Any]) -> None:
    subs = mapped["by_id"]
    assert subs["ada@ent1"]["phone_number"] == "+12125550101"
    assert subs["ada@ent1"]["package"] == "webex_calling"
    assert subs["bob@ent1"]["phone_number"] == "+12125550102"  # +CC-NSN raw form
    assert subs["bob@ent1"]["package"] == "webex_voice"
    assert subs["lobby@ent1"]["package"] == "common_area_calling"
    # A person with only basic line features still gets a person's seat: common-area
    # calling is for workspaces (places), which Wholesale does not take as subscribers.
    assert subs["cat@ent1"]["package"] == "webex_voice"
    assert subs["fay@ent1"]["language"] == "fr_CA"
    assert subs["fay@ent1"]["time_zone"] == "America/Toronto"
    # Service packs are expanded: Cora's pack carries Integrated IMP and Call Center,
    # and a call-center agent's seat is Customer Assist.
    assert subs["cc@ent1"]["package"] == "cx_essentials"
    assert "Call Center - Premium" in subs["cc@ent1"]["services"]
    assert subs["cc@ent1"]["lost_services"] == ["Call Center - Premium"]


def test_issues(mapped: dict[str, Any]) -> None:
    codes = mapped["codes"]
    assert ("missing_email", "bob@ent1") in codes
    assert ("duplicate_email", "dan@ent1") in codes  # case-insensitive, the later user id
    assert ("duplicate_email", "cat@ent1") not in codes
    assert ("extension_too_long", "eve@ent1") in codes
    issue = next(i for i in mapped["issues"] if i["code"] == "extension_too_long")
    assert issue["value"] == "001212555010" and issue["proposed"] == "1212555010"
    assert issue["severity"] == "warning"
    assert mapped["by_id"]["eve@ent1"]["extension"] == "1212555010"
    assert ("administrator_by_rule", "ent1") not in codes  # the contact email is Ada's
    severities = {i["severity"] for i in mapped["issues"]}
    assert severities <= {"blocker", "warning"}
    by_code = {i["code"]: i["severity"] for i in mapped["issues"]}
    assert by_code["missing_email"] == by_code["duplicate_email"] == "blocker"


def test_devices(mapped: dict[str, Any]) -> None:
    devices = {d["device_name"]: d for d in mapped["devices"]}
    ada = devices["ada-phone"]
    assert (ada["model"], ada["mac"], ada["owner"]) == (
        "DMS Cisco 8851",
        "0004F2ABCDEF",
        "ada@ent1",
    )
    assert "Cisco-CP-8851-3PCC" in ada["evidence"] and ada["migrate"] is True
    assert ada["lines"] == ["ada@ent1", "cat@ent1"]
    assert devices["bob-phone"]["model"] == "DMS Cisco 8865"  # UA from the registration
    assert devices["mystery-mpp"]["kind"] == "unknown" and not devices["mystery-mpp"]["migrate"]
    assert devices["cat-pc"]["kind"] == "soft_client"
    assert "Webex App" in devices["cat-pc"]["reason"]
    assert not devices["bad-mac"]["migrate"] and not devices["dup-mac"]["migrate"]
    assert not devices["no-mac"]["migrate"] and "no MAC" in devices["no-mac"]["reason"]
    codes = mapped["codes"]
    assert ("invalid_mac", "ent1/g-ny/bad-mac") in codes
    assert ("duplicate_mac", "ent1/g-ny/dup-mac") in codes
    assert ("device_model_unknown", "ent1/g-ny/mystery-mpp") in codes
    assert ("device_without_mac", "ent1/g-mtl/no-mac") in codes
    assert ("device_without_mac", "ent1/g-ny/cat-pc") not in codes  # soft clients need none


def test_not_migrated(mapped: dict[str, Any]) -> None:
    items = {n["id"]: n for n in mapped["not_migrated"]}
    assert items["hunt_group:hg@ent1"]["kind"] == "hunt_group"
    assert "policy Circular" in items["hunt_group:hg@ent1"]["items"]
    assert "hunt group" in items["hunt_group:hg@ent1"]["rebuild"]
    assert items["call_center:cc@ent1-q"]["kind"] == "call_center"
    assert items["auto_attendant:aa@ent1"]["location_id"] == "ent1/g-mtl"
    assert items["services:cc@ent1"]["items"] == ["Call Center - Premium"]
    for name in ("cat-pc", "mystery-mpp", "no-mac", "bad-mac", "dup-mac"):
        assert f"device:ent1/g-ny/{name}" in items or f"device:ent1/g-mtl/{name}" in items
    assert "device:ent1/g-ny/ada-phone" not in items


def test_numbers(mapped: dict[str, Any]) -> None:
    numbers = {n["id"]: n for n in mapped["numbers"]}
    assert numbers["+12125550101"]["assignment"] == "subscriber"
    assert numbers["+12125550120"]["assignment"] == "service_instance"
    assert numbers["+15145550201"]["location_id"] == "ent1/g-mtl"
    assert all(n["bw_key"] for n in mapped["numbers"])


def test_every_record_has_a_key(mapped: dict[str, Any]) -> None:
    for entity in ("customers", "locations", "subscribers", "numbers", "devices", "not_migrated"):
        for record in mapped[entity]:
            assert record["id"] and record["bw_key"], (entity, record)


def test_group_level_and_email_template(tmp_path: Path) -> None:
    out = _map(
        tmp_path,
        PROVISIONED + 'customer_level = "group"\n'
        '[email]\nmissing = "{first}.{last}@{domain}"\n'
        '[email.domains]\n"ent1/g-mtl" = "mtl.example.com"\n',
    )
    assert [c["id"] for c in out["customers"]] == ["ent1/g-mtl", "ent1/g-ny"]
    assert all(loc["is_primary"] for loc in out["locations"])
    bob = out["by_id"]["bob@ent1"]
    assert (bob["email"], bob["email_source"]) == ("bob.nomail@example.com", "template")
    assert ("email_generated", "bob@ent1") in out["codes"]
    assert ("missing_email", "bob@ent1") not in out["codes"]
    mtl = next(c for c in out["customers"] if c["id"] == "ent1/g-mtl")
    assert mtl["language"] == "fr_CA"


def test_admin_named_in_config_and_meetings_fallback(tmp_path: Path) -> None:
    data = inventory()
    for user in data["users"]:
        if user["group_id"] == "g-mtl":
            user["language"] = "Portuguese"
    out = _map(
        tmp_path,
        PROVISIONED + 'customer_level = "group"\n[administrator]\n'
        'choose = "user"\n[administrator.users]\n"ent1/g-mtl" = "gus@ent1"\n',
        data,
    )
    subs = [s for s in out["subscribers"] if s["customer_id"] == "ent1/g-mtl"]
    assert subs[0]["id"] == "gus@ent1" and subs[0]["is_admin"]
    mtl = next(c for c in out["customers"] if c["id"] == "ent1/g-mtl")
    assert mtl["language"] == "pt_PT"
    assert ("meetings_language_fallback", "ent1/g-mtl") in out["codes"]
    # No entry for the other customer: chosen by rule, with a warning.
    assert ("administrator_not_found", "ent1/g-ny") in out["codes"]


def _issue(out: dict[str, Any], code: str, key: str) -> dict[str, Any]:
    return next(i for i in out["issues"] if (i["code"], i["key"]) == (code, key))


def test_a_long_address_line_wraps_onto_an_empty_line_2(mapped: dict[str, Any]) -> None:
    original = "1 Main Street, Building 7, Floor 12, Suite 1200, North Wing"
    ny = mapped["locations"][0]["address"]
    assert (ny["address_line1"], ny["address_line2"]) == (
        "1 Main Street, Building 7, Floor 12, Suite 1200,",
        "North Wing",
    )
    # Nothing dropped: the two lines are the BroadWorks line, word for word.
    assert f"{ny['address_line1']} {ny['address_line2']}".split() == original.split()
    issue = _issue(mapped, "address_line_too_long", "ent1/g-ny")
    assert issue["severity"] == "warning" and issue["value"] == original
    assert issue["proposed"] == f"{ny['address_line1']}\n{ny['address_line2']}"
    assert ny["address_line1"] in issue["message"] and ny["address_line2"] in issue["message"]


def test_a_long_address_line_with_line_2_taken_is_a_blocker_never_cut(tmp_path: Path) -> None:
    data = inventory()
    line1 = "Acme Corporate Headquarters, 1200 Avenue of the Americas"
    data["groups"][0]["address"] |= {"line1": line1, "line2": "Floor 14"}
    out = _map(tmp_path, data=data)
    ny = next(loc for loc in out["locations"] if loc["id"] == "ent1/g-ny")["address"]
    assert (ny["address_line1"], ny["address_line2"]) == (line1, "Floor 14")
    issue = _issue(out, "address_line_too_long", "ent1/g-ny")
    assert issue["severity"] == "blocker" and issue["field"] == "address_line1"
    assert issue["value"] == line1
    first, second = issue["proposed"].split("\n")
    assert (first, second) == (
        "Acme Corporate Headquarters,",
        "1200 Avenue of the Americas Floor 14",
    )
    assert f"{first} {second}".split() == f"{line1} Floor 14".split()
    assert max(len(first), len(second)) <= 50


def test_the_acme_headquarters_keep_every_word_of_their_address(tmp_path: Path) -> None:
    from_broadworks = "Acme Corporate Headquarters, 1200 Avenue of the Americas, Floor 14"
    (tmp_path / "migrate.toml").write_text(PROVISIONED, encoding="utf-8")
    for stage in (["extract", str(SAMPLES / "acme-enterprise")], ["map"]):
        code, _out, err = invoke(stage[0], *common(tmp_path), *stage[1:])
        assert code == 0, err
    lines = _jsonl(tmp_path / "w" / "model" / "locations.jsonl")
    hq = next(loc for loc in lines if loc["id"] == "acme-ent/acme-hq")["address"]
    assert (hq["address_line1"], hq["address_line2"]) == (
        "Acme Corporate Headquarters,",
        "1200 Avenue of the Americas, Floor 14",
    )
    assert f"{hq['address_line1']} {hq['address_line2']}".split() == from_broadworks.split()


def test_an_address_line_no_split_can_fit_is_a_blocker_without_proposal(tmp_path: Path) -> None:
    data = inventory()
    word = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-Station"
    data["groups"][1]["address"] |= {"line1": f"1 {word}"}
    out = _map(tmp_path, data=data)
    mtl = next(loc for loc in out["locations"] if loc["id"] == "ent1/g-mtl")["address"]
    assert mtl["address_line1"] == f"1 {word}" and mtl["address_line2"] is None
    issue = _issue(out, "address_line_too_long", "ent1/g-mtl")
    assert issue["severity"] == "blocker" and issue["proposed"] is None
    assert "shorten it" in issue["message"]


def test_unknown_country_and_missing_provisioning_id(tmp_path: Path) -> None:
    data = inventory()
    data["groups"][1]["address"]["country"] = "Atlantis"
    out = _map(tmp_path, "", data)
    issue = next(i for i in out["issues"] if i["code"] == "unknown_country")
    assert (issue["key"], issue["severity"], issue["value"]) == (
        "ent1/g-mtl",
        "blocker",
        "Atlantis",
    )
    assert ("no_provisioning_id", "provisioning_id") in out["codes"]


def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    run_map(workspace, tmp_path / "r")
    first = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    run_map(workspace, tmp_path / "r")
    second = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    assert first == second
    assert "manifest.json" in first and "workspaces.jsonl" in first


def test_review_workbook(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    book = openpyxl.load_workbook(result.review)
    assert book.sheetnames == [
        "Summary",
        "Customers",
        "Locations",
        "Subscribers",
        "Numbers",
        "Devices",
        "Not migrated",
        "Call settings",
        "Issues",
        "Lists",
    ]
    subs = book["Subscribers"]
    header = [c.value for c in subs[1]]
    assert header[0] == "User ID"
    email_col = header.index("Email") + 1
    assert subs.cell(1, email_col).comment is not None  # editable columns carry a note
    assert subs.cell(1, email_col).fill.fgColor.rgb.endswith("FFF2CC")
    validations = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in subs.data_validations.dataValidation
    }
    package_letter = get_column_letter(header.index("Package") + 1)
    location_letter = get_column_letter(header.index("Location") + 1)
    assert "webex_calling" in validations[package_letter]
    assert validations[location_letter].startswith("Lists!")
    assert subs.cell(2, 1).value == "ada@ent1"
    issues = book["Issues"]
    assert [c.value for c in issues[1]][:2] == ["Severity", "Code"]
    assert {r[0] for r in issues.iter_rows(min_row=2, values_only=True)} == {"blocker", "warning"}


# ---- command line ---------------------------------------------------------------------------


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["map", *args])


def test_cli_map_json(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = _invoke("-w", str(workspace), "--reports", str(tmp_path / "r"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["counts"]["subscribers"] == 9
    assert payload["issues"]["blocker"] > 0


def test_cli_bad_mapping_table_changes_nothing(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    assert _invoke("-w", str(workspace), "--reports", str(tmp_path / "r")).exit_code == 0
    before = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    review_before = (tmp_path / "r" / "review.xlsx").read_bytes()
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "packages.csv").write_text("order,package,match,services\n1,gold,default,\n")
    result = _invoke(
        "-w", str(workspace), "--reports", str(tmp_path / "r"), "--mappings", str(maps)
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "packages.csv: row 2: column package" in result.output
    assert "Traceback" not in result.output
    after = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    assert before == after
    assert (tmp_path / "r" / "review.xlsx").read_bytes() == review_before


def test_cli_bad_config(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    config = tmp_path / "migrate.toml"
    config.write_text('customer_levle = "group"\n')
    result = _invoke(
        "-w", str(workspace), "--reports", str(tmp_path / "r"), "--config", str(config)
    )
    assert result.exit_code == 2
    assert "key customer_levle: unknown key" in result.output
    assert not (workspace / "model").exists()


def test_cli_no_inventory(tmp_path: Path) -> None:
    result = _invoke("-w", str(tmp_path / "empty"), "--reports", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "run `migrate extract` first" in result.output


def test_engineer_warnings_for_likely_mistakes(tmp_path: Path) -> None:
    data = inventory()
    data["service_providers"][0]["is_enterprise"] = False
    out = _map(tmp_path, PROVISIONED + '[email.domains]\n"ent2" = "example.com"\n', data)
    assert ("service_provider_as_customer", "ent1") in out["codes"]
    assert ("config_unknown_key", "email.domains.ent2") in out["codes"]


def test_extract_warnings_and_missing_names(tmp_path: Path) -> None:
    data = inventory()
    data["warnings"] = [
        {
            "severity": "warning",
            "code": "oci-error",
            "file": "hq/users.xml",
            "record": "command 12",
            "message": "[Error 4008] User not found",
            "oci_error_code": 4008,
        }
    ]
    data["users"][1]["last_name"] = None
    data["users"][1]["calling_line_id_last_name"] = "Clid"
    data["users"][2]["first_name"] = None
    out = _map(tmp_path, PROVISIONED, data)
    issue = next(i for i in out["issues"] if i["code"] == "extract_warning")
    assert (issue["key"], issue["value"]) == ("hq/users.xml: command 12", "4008")
    assert out["by_id"]["bob@ent1"]["last_name"] == "Clid"
    assert ("missing_name", "bob@ent1") not in out["codes"]
    assert ("missing_name", "cat@ent1") in out["codes"]
