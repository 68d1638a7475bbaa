"""Round trip: map a sample, edit review.xlsx as an engineer would, map again with --overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.errors import ConfigError
from migrate.stages.map import run_map
from tests.test_map_fixtures import inventory, write_inventory

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "acme-enterprise"
CONFIG = 'provisioning_id = "PROV-1"\n'


def _model(workspace: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((workspace / "model").iterdir())}


def _subscribers(workspace: Path) -> dict[str, dict[str, Any]]:
    lines = (workspace / "model" / "subscribers.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def _edit(source: Path, target: Path, edits: dict[tuple[str, str], Any]) -> Path:
    """Change cells of the Subscribers sheet by (user id, header) with openpyxl."""
    book = openpyxl.load_workbook(source)
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for (user_id, column), value in edits.items():
        sheet.cell(rows[user_id], header.index(column) + 1).value = value
    book.save(target)
    return target


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(
        cli, ["extract", "-w", str(base / "w"), "--reports", str(base / "r"), str(SAMPLE)]
    )
    assert result.exit_code == 0, result.output
    (base / "migrate.toml").write_text(CONFIG, encoding="utf-8")
    return base


def _map(base: Path, workspace: Path, reports: Path, overrides: Path | None = None) -> Any:
    args = [
        "map",
        "-w",
        str(workspace),
        "--reports",
        str(reports),
        "--config",
        str(base / "migrate.toml"),
    ]
    if overrides is not None:
        args += ["--overrides", str(overrides)]
    return CliRunner().invoke(cli, args)


def test_round_trip(sample: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "w"
    shutil.copytree(sample / "w", workspace)
    first = _map(sample, workspace, tmp_path / "r")
    assert first.exit_code == 0, first.output
    before = _subscribers(workspace)
    assert before["alice.johnson@acme-corp.com"]["package"] == "webex_calling"
    assert before["bob.martinez@acme-corp.com"]["email"] is None
    assert "zoe.tremblay@acme-corp.com" in before

    reviewed = _edit(
        tmp_path / "r" / "review.xlsx",
        tmp_path / "reviewed.xlsx",
        {
            ("alice.johnson@acme-corp.com", "Package"): "webex_suite",
            ("bob.martinez@acme-corp.com", "Email"): "bob.martinez@acme-corp.com",
            ("zoe.tremblay@acme-corp.com", "Skip"): "yes",
        },
    )
    second = _map(sample, workspace, tmp_path / "r", reviewed)
    assert second.exit_code == 0, second.output
    assert "overrides: 3 applied, 0 refused" in second.output
    after = _subscribers(workspace)

    # Exactly those changes.
    assert set(before) - set(after) == {"zoe.tremblay@acme-corp.com"}
    changed = {uid for uid in after if after[uid] != before[uid]}
    assert changed == {"alice.johnson@acme-corp.com", "bob.martinez@acme-corp.com"}
    alice, bob = after["alice.johnson@acme-corp.com"], after["bob.martinez@acme-corp.com"]
    assert alice["package"] == "webex_suite" and alice["overridden"] == ["package"]
    assert {k for k in alice if alice[k] != before[alice["id"]][k]} == {"package", "overridden"}
    assert (bob["email"], bob["email_source"]) == ("bob.martinez@acme-corp.com", "override")
    assert {k for k in bob if bob[k] != before[bob["id"]][k]} == {
        "email",
        "email_source",
        "overridden",
    }
    not_migrated = (workspace / "model" / "not_migrated.jsonl").read_text(encoding="utf-8")
    assert '"id":"user:zoe.tremblay@acme-corp.com"' in not_migrated
    issues = (workspace / "model" / "issues.jsonl").read_text(encoding="utf-8")
    assert "missing_email:subscriber:bob.martinez@acme-corp.com" not in issues
    assert "missing_email:subscriber:zoe.tremblay@acme-corp.com" not in issues

    book = openpyxl.load_workbook(tmp_path / "r" / "review.xlsx")
    assert "Overrides" in book.sheetnames
    rows = list(book["Overrides"].iter_rows(values_only=True))
    assert rows[0] == (
        "Key",
        "Column",
        "Mapped value",
        "Reviewed value",
        "Review row",
        "Result",
        "Reason",
        "Sheet",
    )
    recorded = {(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]}
    assert recorded == {
        ("alice.johnson@acme-corp.com", "Package", "webex_calling", "webex_suite", "applied"),
        ("bob.martinez@acme-corp.com", "Email", None, "bob.martinez@acme-corp.com", "applied"),
        ("zoe.tremblay@acme-corp.com", "Skip", None, "yes", "applied"),
    }
    # The skipped user stays on the sheet, marked, so the new workbook can be reviewed again.
    subs = book["Subscribers"]
    header = [c.value for c in subs[1]]
    zoe = next(
        r
        for r in subs.iter_rows(min_row=2, values_only=True)
        if r[0] == "zoe.tremblay@acme-corp.com"
    )
    assert zoe[header.index("Skip")] == "yes"

    # Same overrides again: byte-identical model; the new workbook as overrides: same model.
    snapshot = _model(workspace)
    assert _map(sample, workspace, tmp_path / "r", reviewed).exit_code == 0
    assert _model(workspace) == snapshot
    shutil.copy(tmp_path / "r" / "review.xlsx", tmp_path / "again.xlsx")
    assert _map(sample, workspace, tmp_path / "r2", tmp_path / "again.xlsx").exit_code == 0
    assert _model(workspace)["subscribers.jsonl"] == snapshot["subscribers.jsonl"]


def test_conflicting_edits_are_refused_and_recorded(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    reviewed = _edit(
        result.review,
        tmp_path / "reviewed.xlsx",
        {
            ("bob@ent1", "Email"): "ada@example.com",  # already Ada's
            ("fay@ent1", "Extension"): "0202",  # already Gus's in Montreal
            ("gus@ent1", "Location"): "ent1/g-ny",  # fine: same customer
            ("eve@ent1", "Extension"): "5010",  # accepts the shortened proposal
            ("cat@ent1", "Package"): "webex_meetings",
        },
    )
    run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    book = openpyxl.load_workbook(tmp_path / "r" / "review.xlsx")
    results = {
        (r[0], r[1]): (r[5], str(r[6]))
        for r in book["Overrides"].iter_rows(min_row=2, values_only=True)
    }
    assert results[("bob@ent1", "Email")] == ("refused", "email already used by ada@ent1")
    assert results[("fay@ent1", "Extension")][0] == "refused"
    assert "already gus@ent1's" in results[("fay@ent1", "Extension")][1]
    assert results[("gus@ent1", "Location")][0] == "applied"
    assert results[("eve@ent1", "Extension")][0] == "applied"
    assert results[("cat@ent1", "Package")][0] == "applied"
    subs = _subscribers(workspace)
    assert subs["bob@ent1"]["email"] is None  # the mapped value stays
    assert subs["gus@ent1"]["location_id"] == "ent1/g-ny"
    assert subs["eve@ent1"]["extension"] == "5010"
    issues = (workspace / "model" / "issues.jsonl").read_text(encoding="utf-8")
    assert "extension_too_long:subscriber:eve@ent1" not in issues


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bad_email", "sheet Subscribers: row {row}: column Email (cell E{row}): bad email 'bob@'"),
        ("bad_package", "column Package (cell G{row}): package 'webex_gold' is not allowed"),
        ("bad_extension", "column Extension (cell L{row}): extension '1' is not 2-10 digits"),
        ("bad_location", "column Location (cell I{row}): unknown location 'ent1/nowhere'"),
        ("renamed_sheet", "sheet 'Subscribers' not found"),
        ("missing_column", "row 1: column Skip: missing column"),
        ("other_run", "the workbook is from another run"),
        ("unknown_user", "unknown user 'ghost@ent1'"),
    ],
)
def test_bad_review_workbooks_are_refused(tmp_path: Path, case: str, expected: str) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    book = openpyxl.load_workbook(result.review)
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "bob@ent1")
    cells: dict[str, tuple[str, Any]] = {
        "bad_email": ("Email", "bob@"),
        "bad_package": ("Package", "webex_gold"),
        "bad_extension": ("Extension", 1),
        "bad_location": ("Location", "ent1/nowhere"),
    }
    if case in cells:
        column, value = cells[case]
        sheet.cell(row, header.index(column) + 1).value = value
    elif case == "renamed_sheet":
        sheet.title = "Users"
    elif case == "missing_column":
        sheet.cell(1, header.index("Skip") + 1).value = "Skip it"
    elif case == "unknown_user":
        sheet.cell(row, 1).value = "ghost@ent1"
    reviewed = tmp_path / "reviewed.xlsx"
    book.save(reviewed)
    if case == "other_run":
        data = inventory()
        data["users"] = data["users"][:-1]
        write_inventory(workspace, data)
    before = _model(workspace)
    review_before = result.review.read_bytes()
    with pytest.raises(ConfigError) as caught:
        run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    message = str(caught.value)
    assert message.startswith(str(reviewed))
    assert expected.format(row=row) in message
    assert _model(workspace) == before
    assert result.review.read_bytes() == review_before


def test_not_a_workbook(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a zip")
    result = CliRunner().invoke(
        cli,
        ["map", "-w", str(workspace), "--reports", str(tmp_path / "r"), "--overrides", str(junk)],
    )
    assert result.exit_code == 2
    assert "not a readable .xlsx workbook" in result.output
    assert not (workspace / "model").exists()
