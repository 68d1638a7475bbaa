"""A formula in a cell of review.xlsx that the review reads is refused, not applied.

python-calamine hands over a formula cell's cached result as if it were typed: with
no cache (openpyxl writes none) ``=SUM(4000,103)`` in Extension would clear the
extension; a cached ``=HYPERLINK(...)`` result would become an email.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from migrate.cli.main import cli
from migrate.errors import ConfigError
from migrate.stages.map import run_map
from tests.test_map_fixtures import write_inventory


def _model(workspace: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((workspace / "model").iterdir())}


def _with_formula(review: Path, target: Path, user: str, column: str, formula: str) -> str:
    """Put ``formula`` in ``column`` of ``user``'s row; returns the cell (e.g. ``L3``)."""
    book = openpyxl.load_workbook(review)
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == user)
    cell = sheet.cell(row, header.index(column) + 1)
    cell.value = formula
    book.save(target)
    return str(cell.coordinate)


def _cache(path: Path, cell: str, value: str) -> None:
    """Give the formula in ``cell`` a cached text result, as Excel saves one."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheets = [n for n in parts if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    pattern = re.compile(rf'<c r="{cell}"([^>]*)>(<f>.*?</f>)(<v>.*?</v>|<v\s*/>)?</c>'.encode())
    hits = 0
    for name in sheets:
        text, n = pattern.subn(
            lambda m: (
                b'<c r="'
                + cell.encode()
                + b'" t="str">'
                + m.group(2)
                + b"<v>"
                + value.encode()
                + b"</v></c>"
            ),
            parts[name],
        )
        parts[name], hits = text, hits + n
    assert hits == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_a_sum_in_extension_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    reviewed = tmp_path / "reviewed.xlsx"
    cell = _with_formula(result.review, reviewed, "bob@ent1", "Extension", "=SUM(4000,103)")
    before, review_before = _model(workspace), result.review.read_bytes()
    with pytest.raises(ConfigError) as caught:
        run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    assert str(caught.value) == (
        f"{reviewed}: Subscribers!{cell} holds a formula (=SUM(4000,103)); type the value"
    )
    assert _model(workspace) == before
    assert result.review.read_bytes() == review_before


def test_a_cached_hyperlink_in_email_is_refused(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    reviewed = tmp_path / "reviewed.xlsx"
    formula = '=HYPERLINK("mailto:eve@evil.example","eve@evil.example")'
    cell = _with_formula(result.review, reviewed, "bob@ent1", "Email", formula)
    _cache(reviewed, cell, "eve@evil.example")
    # What calamine alone would apply: the cached result, as if typed.
    rows = CalamineWorkbook.from_path(str(reviewed)).get_sheet_by_name("Subscribers").to_python()
    assert "eve@evil.example" in [v for row in rows for v in row]
    before = _model(workspace)
    with pytest.raises(ConfigError) as caught:
        run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    assert str(caught.value) == (
        f"{reviewed}: Subscribers!{cell} holds a formula ({formula}); type the value"
    )
    assert _model(workspace) == before


def test_the_command_exits_2_with_one_line(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    reviewed = tmp_path / "reviewed.xlsx"
    _with_formula(result.review, reviewed, "bob@ent1", "Skip", '=IF(1,"yes","no")')
    outcome = CliRunner().invoke(
        cli,
        [
            "map",
            "-w",
            str(workspace),
            "--reports",
            str(tmp_path / "r"),
            "--overrides",
            str(reviewed),
        ],
    )
    assert outcome.exit_code == 2
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and 'holds a formula (=IF(1,"yes","no")); type the value' in lines[0]
    assert "Traceback" not in outcome.output


def test_typed_values_next_to_formulas_elsewhere_still_apply(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    book = openpyxl.load_workbook(result.review)
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "bob@ent1")
    sheet.cell(row, header.index("Extension") + 1).value = "4103"
    sheet.cell(row, len(header) + 2).value = "=1+1"  # outside the columns the review reads
    reviewed = tmp_path / "reviewed.xlsx"
    book.save(reviewed)
    run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    lines = (workspace / "model" / "subscribers.jsonl").read_text(encoding="utf-8")
    assert '"extension":"4103"' in lines


def test_a_formula_in_an_address_cell_is_refused(tmp_path: Path) -> None:
    workspace = write_inventory(tmp_path / "w")
    result = run_map(workspace, tmp_path / "r")
    reviewed = tmp_path / "reviewed.xlsx"
    book = openpyxl.load_workbook(result.review)
    sheet = book["Locations"]
    header = [c.value for c in sheet[1]]
    target = sheet.cell(2, header.index("Address line 1") + 1)
    target.value = '=CONCAT("1 Main", " St")'
    book.save(reviewed)
    before = _model(workspace)
    with pytest.raises(ConfigError) as caught:
        run_map(workspace, tmp_path / "r", overrides_path=reviewed)
    assert f"Locations!{target.coordinate} holds a formula" in str(caught.value)
    assert _model(workspace) == before
