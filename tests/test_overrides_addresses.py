"""Address blockers are fixed in review.xlsx: the Locations and Customers sheets'
address columns are editable, applied by ``map --overrides`` and re-checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.errors import ConfigError
from migrate.reports.xlsx import EDITABLE_COLOUR
from migrate.stages.map import run_map
from tests.test_map_fixtures import inventory, write_inventory

LINE1 = "Acme Corporate Headquarters, 1200 Avenue of the Americas"
LINE2 = "Floor 14"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _location(workspace: Path, lid: str) -> dict[str, Any]:
    return next(r for r in _jsonl(workspace / "model" / "locations.jsonl") if r["id"] == lid)


def _issues(workspace: Path, code: str, key: str) -> list[dict[str, Any]]:
    return [
        i
        for i in _jsonl(workspace / "model" / "issues.jsonl")
        if i["code"] == code and i["key"] == key
    ]


def _edit(source: Path, target: Path, sheet_name: str, key: str, cells: dict[str, Any]) -> Path:
    book = openpyxl.load_workbook(source)
    sheet = book[sheet_name]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == key)
    for column, value in cells.items():
        sheet.cell(row, header.index(column) + 1).value = value
    book.save(target)
    return target


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """New York's line 1 is too long and line 2 is taken: a blocker with a proposed split."""
    data = inventory()
    data["groups"][0]["address"] |= {"line1": LINE1, "line2": LINE2}
    workspace = write_inventory(tmp_path / "w", data)
    run_map(workspace, tmp_path / "r")
    return workspace


def test_the_address_columns_are_editable_like_the_subscribers(
    blocked: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(tmp_path / "r" / "review.xlsx")
    for name in ("Locations", "Customers", "Subscribers"):
        header = {c.value: c for c in book[name][1]}
        editable = {
            h for h, c in header.items() if c.fill.fgColor.rgb == f"FF{EDITABLE_COLOUR[1:]}"
        }
        if name == "Subscribers":
            assert editable == {"Email", "Package", "Location", "Extension", "Skip"}
        else:
            # Customers also carry the customer's choices (customer_overrides).
            choices = (
                {"Webex org ID", "Setup Assist", "Cutover date"} if name == "Customers" else set()
            )
            assert (
                editable
                == {
                    "Address line 1",
                    "Address line 2",
                    "City",
                    "State",
                    "Postal code",
                    "Country",
                }
                | choices
            )
            assert header["Address line 1"].comment is not None


def test_taking_the_proposed_split_fixes_the_blocker_word_for_word(
    blocked: Path, tmp_path: Path
) -> None:
    [issue] = _issues(blocked, "address_line_too_long", "ent1/g-ny")
    assert issue["severity"] == "blocker"
    first, second = issue["proposed"].split("\n")
    reviewed = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "reviewed.xlsx",
        "Locations",
        "ent1/g-ny",
        {"Address line 1": first, "Address line 2": second},
    )
    result = run_map(blocked, tmp_path / "r2", overrides_path=reviewed)
    assert result.overrides == {"applied": 2}
    address = _location(blocked, "ent1/g-ny")["address"]
    assert (address["address_line1"], address["address_line2"]) == (first, second)
    joined = f"{address['address_line1']} {address['address_line2']}"
    assert joined.split() == f"{LINE1} {LINE2}".split()
    assert max(len(first), len(second)) <= 50
    assert _issues(blocked, "address_line_too_long", "ent1/g-ny") == []
    book = openpyxl.load_workbook(tmp_path / "r2" / "review.xlsx")
    logged = {
        (r[7], r[0], r[1], r[5]) for r in book["Overrides"].iter_rows(min_row=2, values_only=True)
    }
    assert logged == {
        ("Locations", "ent1/g-ny", "Address line 1", "applied"),
        ("Locations", "ent1/g-ny", "Address line 2", "applied"),
    }


def test_an_address_that_still_does_not_fit_is_refused_whole(blocked: Path, tmp_path: Path) -> None:
    # Line 2 takes the tail but line 1 was left as it was: applying line 2 alone
    # would repeat words; applying nothing keeps the blocker and the original text.
    reviewed = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "reviewed.xlsx",
        "Locations",
        "ent1/g-ny",
        {"Address line 2": "1200 Avenue of the Americas Floor 14", "City": "Manhattan"},
    )
    result = run_map(blocked, tmp_path / "r2", overrides_path=reviewed)
    assert result.overrides == {"refused": 2}
    address = _location(blocked, "ent1/g-ny")["address"]
    assert (address["address_line1"], address["address_line2"], address["city"]) == (
        LINE1,
        LINE2,
        "New York",
    )
    [issue] = _issues(blocked, "address_line_too_long", "ent1/g-ny")
    assert issue["severity"] == "blocker"
    book = openpyxl.load_workbook(tmp_path / "r2" / "review.xlsx")
    reasons = {str(r[6]) for r in book["Overrides"].iter_rows(min_row=2, values_only=True)}
    assert reasons == {
        "address not changed: Address line 1 would have 56 characters; Wholesale allows "
        "50: split it over lines 1 and 2"
    }


def test_a_customer_address_and_an_unknown_country_are_fixed_in_review(tmp_path: Path) -> None:
    data = inventory()
    data["groups"][1]["address"]["country"] = "Atlantis"
    workspace = write_inventory(tmp_path / "w", data)
    run_map(workspace, tmp_path / "r")
    assert _issues(workspace, "unknown_country", "ent1/g-mtl")
    step = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "step.xlsx",
        "Locations",
        "ent1/g-mtl",
        {"Country": "ca"},
    )
    reviewed = _edit(step, tmp_path / "reviewed.xlsx", "Customers", "ent1", {"City": "Brooklyn"})
    result = run_map(workspace, tmp_path / "r2", overrides_path=reviewed)
    assert result.overrides == {"applied": 2}
    assert _location(workspace, "ent1/g-mtl")["address"]["country"] == "CA"
    assert _issues(workspace, "unknown_country", "ent1/g-mtl") == []
    [customer] = _jsonl(workspace / "model" / "customers.jsonl")
    assert customer["address"]["city"] == "Brooklyn"


def test_a_country_that_is_not_a_code_stops_the_run(blocked: Path, tmp_path: Path) -> None:
    reviewed = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "reviewed.xlsx",
        "Locations",
        "ent1/g-ny",
        {"Country": "United States"},
    )
    before = (blocked / "model" / "locations.jsonl").read_bytes()
    with pytest.raises(ConfigError) as caught:
        run_map(blocked, tmp_path / "r", overrides_path=reviewed)
    message = str(caught.value)
    assert message.startswith(f"{reviewed}: sheet Locations: row ")
    assert "column Country (cell " in message and "not an ISO 3166 alpha-2 code" in message
    assert (blocked / "model" / "locations.jsonl").read_bytes() == before


def test_emptying_a_required_address_field_is_refused(blocked: Path, tmp_path: Path) -> None:
    reviewed = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "reviewed.xlsx",
        "Locations",
        "ent1/g-mtl",
        {"City": None, "Postal code": "H3B 2B2"},
    )
    result = run_map(blocked, tmp_path / "r2", overrides_path=reviewed)
    assert result.overrides == {"refused": 2}
    address = _location(blocked, "ent1/g-mtl")["address"]
    assert (address["city"], address["zip_or_postal_code"]) == ("Montréal", "H3B 1A1")
    book = openpyxl.load_workbook(tmp_path / "r2" / "review.xlsx")
    reasons = {str(r[6]) for r in book["Overrides"].iter_rows(min_row=2, values_only=True)}
    assert reasons == {"address not changed: City cannot be empty"}
