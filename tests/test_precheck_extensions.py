"""Extensions are unique per Webex organization: precheck finds every collision the
load would hit, across locations, subscribers and workspaces alike."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.plan import model as wm
from migrate.precheck.rules import extension_findings, free_extension
from tests.conftest import invoke

SANDBOX_CONFIG = Path(__file__).resolve().parent.parent / "samples" / "sandbox.toml"


def seat(
    user_id: str,
    location: str,
    extension: str | None,
    package: str = "webex_calling",
    is_place: bool = False,
    customer: str = "c1",
) -> wm.Subscriber:
    return wm.Subscriber(
        id=user_id,
        customer_id=customer,
        location_id=location,
        bw_key={},
        package=package,
        extension=extension,
        is_place=is_place,
    )


def test_collisions_across_locations_and_with_workspaces_are_blockers() -> None:
    seats = [
        seat("a", "c1/hq", "2000"),
        seat("b", "c1/branch", "2000"),  # another location: Webex still refuses it
        seat("a-lobby", "c1/lobby", "2001", package="common_area_calling", is_place=True),
        seat("c", "c1/branch", "2001"),
        seat("d", "c1/hq", "2002"),
        seat("m", "c1/hq", "2002", package="webex_meetings"),  # no calling: no extension sent
        seat("x", "c2/hq", "2000", customer="c2"),  # another organization
    ]
    found = {f.key: f for f in extension_findings(seats)}
    assert sorted(found) == ["a-lobby", "b"]
    admin_first = [seat("z", "c1/hq", "3000"), seat("y", "c1/hq", "3000")]
    admin_first[0].is_admin = True  # created first by the load, so it keeps the extension
    assert [f.key for f in extension_findings(admin_first)] == ["y"]
    b, lobby = found["b"], found["a-lobby"]
    assert b.severity == "blocker" and b.rule == "extension_in_use" and b.customer == "c1"
    assert "extension 2000 of subscriber b is also subscriber a's" in b.message
    assert "(in c1/hq, while this subscriber is in c1/branch)" in b.message
    assert "workspace a-lobby is also subscriber c's" in lobby.message  # subscribers load first
    # Proposed values are free in the whole customer, and differ from each other.
    assert b.hint.startswith("proposed: 2003 ")
    assert lobby.hint.startswith("proposed: 2004 ")


def test_free_extension_keeps_the_length_and_skips_what_is_taken() -> None:
    assert free_extension("2000", {"2000", "2001"}) == "2002"
    assert free_extension("99", {"99", "00"}) == "01"
    assert free_extension("9", {str(n) for n in range(10)}) == "00"
    assert free_extension("0042", {"0042"}) == "0043"


def failed_with(workspace: Path, code: str) -> set[str]:
    status, out, err = invoke("status", "-w", str(workspace), "--json")
    assert status in (0, 1), err
    return {a["key"] for a in json.loads(out)["attention"] if a["code"] == code}


def load(workspace: Path, reports: Path) -> None:
    common = ["-w", str(workspace), "--reports", str(reports), "--config", str(SANDBOX_CONFIG)]
    code, _out, err = invoke("plan", *common)
    assert code == 0, err
    code, _out, err = invoke("load", *common, "--sandbox")
    assert code in (0, 1), err


def apply_proposals(review: Path, target: Path, proposals: dict[str, str]) -> Path:
    book = openpyxl.load_workbook(review)
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    column = header.index("Extension") + 1
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for user_id, extension in proposals.items():
        sheet.cell(rows[user_id], column).value = extension
    book.save(target)
    return target


@pytest.mark.slow
def test_synthetic_export_precheck_finds_every_1016_and_its_proposals_load_clean(
    tmp_path: Path,
) -> None:
    code, _out, err = invoke("synthetic", "--users", "200", str(tmp_path / "export"))
    assert code == 0, err
    ws, reports = tmp_path / "w", tmp_path / "r"
    common = ["-w", str(ws), "--reports", str(reports), "--config", str(SANDBOX_CONFIG)]
    assert invoke("extract", *common, str(tmp_path / "export"))[0] == 0
    assert invoke("map", *common)[0] == 0
    code, out, err = invoke("precheck", *common, "--json")
    assert code == 0, err
    found: list[dict[str, Any]] = [
        f for f in json.loads(out)["findings"] if f["rule"] == "extension_in_use"
    ]
    assert found, "the synthetic export has extensions reused across groups"
    proposals = {f["key"]: f["hint"].split()[1] for f in found}
    for finding in found:
        assert finding["severity"] == "blocker"
        assert finding["key"] in finding["message"]
        assert finding["message"].count("@") >= 2  # names both seats
    held = {s.extension for s in wm.read(ws, "subscribers") if s.extension}
    assert not set(proposals.values()) & held
    assert len(set(proposals.values())) == len(proposals)

    # The load without the proposals: every 1016 it hits is one precheck found.
    shutil.copytree(ws, tmp_path / "as-mapped")
    load(tmp_path / "as-mapped", tmp_path / "r0")
    hit = failed_with(tmp_path / "as-mapped", "1016")
    assert hit, "the sandbox refuses reused extensions"
    assert {key.split(":", 1)[1] for key in hit} <= set(proposals)

    # The engineer takes the proposals in review.xlsx: no collision is left.
    edited = apply_proposals(reports / "review.xlsx", tmp_path / "reviewed.xlsx", proposals)
    code, _out, err = invoke("map", *common, "--overrides", str(edited))
    assert code == 0, err
    code, out, err = invoke("precheck", *common, "--json")
    assert code == 0, err
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "extension_in_use"]
    load(ws, reports)
    assert failed_with(ws, "1016") == set()
