"""The bundled samples through the CLI: exact counts, and the workbook an engineer opens."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from tests.extract_helpers import records

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# Counted by hand from the documents (see each sample's README), not from our output.
EXPECTED = {
    "acme-enterprise": {
        "enterprises": 1,
        "service_providers": 1,
        "groups": 3,
        "users": 14,
        "numbers": 35,
        "devices": 13,
        "service_instances": 3,
        "service_packs": 3,
        "languages": 4,
        "time_zones": 7,
        "warnings": 1,
        "unknown": 0,  # its one call-forwarding response is understood since user_settings
        "user_settings": 1,
    },
    "metro-sp-group-mode": {
        "enterprises": 0,
        "service_providers": 1,
        "groups": 2,
        "users": 9,
        "numbers": 20,
        "devices": 9,
        "service_instances": 2,
        "service_packs": 2,
        "languages": 0,
        "time_zones": 0,
        "warnings": 1,
        "unknown": 0,
        "user_settings": 0,
    },
}


def extract(export: Path, tmp_path: Path) -> tuple[int, dict, Path]:
    workspace, reports = tmp_path / "w", tmp_path / "r"
    result = CliRunner().invoke(
        cli, ["extract", "-w", str(workspace), "--reports", str(reports), "--json", str(export)]
    )
    return result.exit_code, json.loads(result.stdout), workspace


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_counts(sample: str, tmp_path: Path) -> None:
    code, payload, workspace = extract(SAMPLES / sample, tmp_path)
    expected = EXPECTED[sample]
    assert code == 0
    for entity in (
        "service_providers",
        "groups",
        "users",
        "numbers",
        "devices",
        "service_instances",
        "service_packs",
        "languages",
        "time_zones",
        "warnings",
        "user_settings",
    ):
        assert payload["counts"][entity] == expected[entity], entity
    enterprises = [sp for sp in records(workspace, "service_providers") if sp["is_enterprise"]]
    assert len(enterprises) == expected["enterprises"]
    assert sum(payload["unknown_commands"].values()) == expected["unknown"]
    assert all(
        w["code"] == "oci-error" and w["oci_error_code"] == 4008
        for w in records(workspace, "warnings")
    )


def test_a_zipped_sample_gives_the_same_inventory(tmp_path: Path) -> None:
    folder = SAMPLES / "acme-enterprise"
    archive = tmp_path / "acme.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.rglob("*")):
            z.write(path, f"export/{path.relative_to(folder).as_posix()}")
    _code, _payload, from_folder = extract(folder, tmp_path / "a")
    _code, _payload, from_zip = extract(archive, tmp_path / "b")
    for entity in ("users", "devices", "numbers", "groups"):
        strip = [{**r, "sources": None} for r in records(from_folder, entity)]
        assert strip == [{**r, "sources": None} for r in records(from_zip, entity)]


def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    _c, _p, first = extract(SAMPLES / "acme-enterprise", tmp_path / "a")
    _c, _p, second = extract(SAMPLES / "acme-enterprise", tmp_path / "b")
    for name in ("users.jsonl", "devices.jsonl", "numbers.jsonl", "warnings.jsonl"):
        inv_a, inv_b = first / "inventory" / name, second / "inventory" / name
        assert inv_a.read_bytes() == inv_b.read_bytes()


def test_inventory_is_sorted_by_key(tmp_path: Path) -> None:
    _c, _p, workspace = extract(SAMPLES / "acme-enterprise", tmp_path)
    users = [u["user_id"] for u in records(workspace, "users")]
    assert users == sorted(users)
    numbers = [n["phone_number"] for n in records(workspace, "numbers")]
    assert numbers == sorted(numbers)
    devices = [(d["sp_id"], d["group_id"], d["device_name"]) for d in records(workspace, "devices")]
    assert devices == sorted(devices)


def test_extract_workbook(tmp_path: Path) -> None:
    _c, _p, _w = extract(SAMPLES / "acme-enterprise", tmp_path)
    book = openpyxl.load_workbook(tmp_path / "r" / "extract.xlsx")
    assert book.sheetnames == [
        "Summary",
        "Command types",
        "Service providers",
        "Groups",
        "Users",
        "Numbers",
        "Devices",
        "Service packs",
        "Service instances",
        "Languages",
        "Time zones",
        "Warnings",
    ]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Count: users"] == 14
    assert summary["Count: numbers"] == 35
    users = book["Users"]
    assert users.freeze_panes == "A2"
    assert users.auto_filter.ref == f"A1:{users.cell(1, users.max_column).column_letter}15"
    assert users.cell(1, 1).font.bold
    header = [c.value for c in users[1]]
    names = {
        row[header.index("user_id")]: row for row in users.iter_rows(min_row=2, values_only=True)
    }
    assert names["francois.lefevre@acme-corp.com"][header.index("first_name")] == "François"
    commands = {row[0]: row for row in book["Command types"].iter_rows(min_row=2, values_only=True)}
    assert commands["UserCallForwardingAlwaysGetResponse"][2] is True
    assert commands["UserGetResponse21"][2] is True
    warnings = list(book["Warnings"].iter_rows(min_row=2, values_only=True))
    assert len(warnings) == 1


def test_formula_like_names_are_written_as_text(tmp_path: Path) -> None:
    from tests.ocip import command, document, el

    export = tmp_path / "x"
    export.mkdir()
    (export / "u.xml").write_bytes(
        document(
            command(
                "UserGetResponse22",
                el("serviceProviderId", "e")
                + el("groupId", "g")
                + el("userId", "evil@x")
                + el("lastName", '=HYPERLINK("http://x","y")')
                + el("firstName", "@SUM(A1)")
                + el("countryCode", "1"),
            )
        )
    )
    extract(export, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "r" / "extract.xlsx")
    sheet = book["Users"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("last_name") + 1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'
    assert cell.quotePrefix
    assert sheet.cell(2, header.index("first_name") + 1).quotePrefix
