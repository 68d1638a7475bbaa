"""Workbooks that fit Excel: full sheets go on in a next sheet, a large review splits
per customer under an index that ``--overrides`` reads back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.config import load_config
from migrate.errors import ConfigError
from migrate.reports import xlsx
from migrate.reports.xlsx import ReportWriter

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "metro-sp-group-mode"
CONFIG = 'provisioning_id = "PROV-1"\ncustomer_level = "group"\n'


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_a_full_sheet_goes_on_in_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 4)  # a header and 3 rows per sheet
    path = tmp_path / "big.xlsx"
    with ReportWriter(path) as book:
        sheet = book.sheet("Subscribers", ["User ID", "Email"])
        sheet.extend([f"u{n}", f"u{n}@x.com"] for n in range(8))
        assert sheet.rows_written == 8
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names == ["Subscribers", "Subscribers (2)", "Subscribers (3)"]
    rows = [r for name in names for r in _rows(path, name)]
    assert rows.count(["User ID", "Email"]) == 3
    assert [r[0] for r in rows if r[0] != "User ID"] == [f"u{n}" for n in range(8)]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("metro")
    result = CliRunner().invoke(
        cli, ["extract", "-w", str(base / "w"), "--reports", str(base / "r"), str(SAMPLE)]
    )
    assert result.exit_code == 0, result.output
    return base


def _map(base: Path, reports: Path, split: int, overrides: Path | None = None) -> None:
    config = base / f"migrate-{split}.toml"
    config.write_text(CONFIG + f"review_split_rows = {split}\n", encoding="utf-8")
    args = ["map", "-w", str(base / "w"), "--reports", str(reports), "--config", str(config)]
    result = CliRunner().invoke(cli, args + (["--overrides", str(overrides)] if overrides else []))
    assert result.exit_code == 0, result.output


def test_a_large_review_splits_per_customer_and_reads_back(extracted: Path, tmp_path: Path) -> None:
    base = tmp_path / "b"
    shutil.copytree(extracted, base)
    _map(base, tmp_path / "whole", 100_000)
    _map(base, tmp_path / "split", 1)
    index = tmp_path / "split" / "review.xlsx"
    listed = _rows(index, "Workbooks")
    assert listed[0][:4] == ["File", "Customer ID", "Name", "Subscribers"]
    customers = [r[1] for r in listed[1:]]
    assert customers == ["metro-voip/bright-smile", "metro-voip/joes-pizza"]
    parts = [tmp_path / "split" / r[0] for r in listed[1:]]
    assert all(p.parent.name == "review" and p.is_file() for p in parts)
    whole = tmp_path / "whole" / "review.xlsx"
    for sheet in ("Subscribers", "Numbers", "Devices", "Locations", "Customers"):
        cut = [r for p in parts for r in _rows(p, sheet)[1:]]
        assert cut == _rows(whole, sheet)[1:], sheet
    assert [r[3] for r in listed[1:]] == [
        sum(1 for r in _rows(p, "Subscribers")[1:] if r[0]) for p in parts
    ]

    # An email edited in one customer's workbook is applied through the index.
    book = openpyxl.load_workbook(parts[1])
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    user = sheet.cell(2, 1).value
    sheet.cell(2, header.index("Email") + 1).value = "edited@joespizza.example"
    book.save(parts[1])
    _map(base, tmp_path / "again", 1, overrides=index)
    lines = (base / "w" / "model" / "subscribers.jsonl").read_text(encoding="utf-8")
    emails = {r["id"]: r["email"] for r in map(json.loads, lines.splitlines())}
    assert emails[user] == "edited@joespizza.example"

    # Back under the size: one workbook again, and no stale part to be read back.
    _map(base, tmp_path / "split", 100_000)
    assert list((tmp_path / "split" / "review").glob("*.xlsx")) == []
    assert "Workbooks" not in openpyxl.load_workbook(index, read_only=True).sheetnames


@pytest.mark.parametrize("value", ["0", "-5", '"many"', "true", "1.5"])
def test_the_split_size_is_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    config = tmp_path / "migrate.toml"
    config.write_text(f"review_split_rows = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="review_split_rows: expected a positive whole number"):
        load_config(config)
    config.write_text("review_split_rows = 5000\n", encoding="utf-8")
    assert load_config(config).review_split_rows == 5000
