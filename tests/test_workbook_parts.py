"""Stage workbooks above ``workbook_split_rows`` become an index of one workbook per
customer, with the same rows as the whole workbook and nothing stale beside them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.config import load_config
from migrate.errors import ConfigError
from migrate.reports.parts import Part, key_values, part_name, write_parts
from migrate.reports.xlsx import Column, SheetSpec

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "metro-sp-group-mode"
CONFIG = 'provisioning_id = "PROV-1"\ncustomer_level = "group"\n'


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def _part(customer: str, n: int) -> Part:
    rows = [[customer, f"{customer}-{i}"] for i in range(n)]
    sheet = SheetSpec("Rows", [Column("Customer"), Column("Key")], lambda: iter(rows))
    return Part(customer, [sheet], [n])


def test_parts_are_listed_with_their_counts_and_stale_parts_go(tmp_path: Path) -> None:
    path = tmp_path / "stage.xlsx"
    stale = tmp_path / "stage" / "gone.xlsx"
    stale.parent.mkdir()
    stale.write_bytes(b"an earlier run's customer")
    front = [key_values("Summary", [("Rows", 5)])]
    parts = (_part(c, n) for c, n in (("acme", 2), ("a/b", 3)))
    written = write_parts(path, front, [Column("Rows")], parts)

    assert not stale.exists()
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["Summary", "Workbooks"]
    index = _rows(path, "Workbooks")
    assert index[0] == ["File", "Customer ID", "Rows"]
    assert index[1:] == [["stage/acme.xlsx", "acme", 2], [f"stage/{part_name('a/b')}", "a/b", 3]]
    assert part_name("a/b").startswith("a_b-") and "/" not in part_name("a/b")
    assert written[1:] == [tmp_path / r[0] for r in index[1:]]
    assert _rows(written[2], "Rows")[1:] == [["a/b", f"a/b-{i}"] for i in range(3)]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("metro")
    config = base / "migrate.toml"
    config.write_text(CONFIG, encoding="utf-8")
    common = ["-w", str(base / "w"), "--reports", str(base / "r"), "--config", str(config)]
    for args in (["extract", *common, str(SAMPLE)], ["map", *common]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    return base


def _precheck(base: Path, reports: Path, split: int) -> Path:
    config = base / f"migrate-{split}.toml"
    config.write_text(CONFIG + f"workbook_split_rows = {split}\n", encoding="utf-8")
    args = ["precheck", "-w", str(base / "w"), "--reports", str(reports), "--config", str(config)]
    result = CliRunner().invoke(cli, [*args, "--local"])
    assert result.exit_code == 0, result.output
    return reports / "precheck.xlsx"


def test_a_large_precheck_splits_per_customer(checked: Path, tmp_path: Path) -> None:
    base = tmp_path / "b"
    shutil.copytree(checked, base)
    whole = _precheck(base, tmp_path / "r", 100_000)
    index = _precheck(base, tmp_path / "split", 1)
    listed = _rows(index, "Workbooks")
    assert [r[1] for r in listed[1:]] == ["metro-voip/bright-smile", "metro-voip/joes-pizza"]
    parts = [index.parent / r[0] for r in listed[1:]]
    for column, sheet in ((2, "Blockers"), (3, "Warnings"), (4, "Passed")):
        rows = _rows(whole, sheet)[1:]
        for customer, part in zip((r[1] for r in listed[1:]), parts, strict=True):
            assert _rows(part, sheet)[1:] == [r for r in rows if r[0] == customer], sheet
        assert all(r[0] in (None, "", *(r[1] for r in listed[1:])) for r in rows)
        assert [r[column] for r in listed[1:]] == [len(_rows(p, sheet)) - 1 for p in parts]
    assert all(r[0] in (None, "") for r in _rows(index, "Warnings")[1:])  # of no customer
    timeless = [r for r in _rows(whole, "Summary") if r[0] != "Seconds"]
    assert [r for r in _rows(index, "Summary") if r[0] != "Seconds"] == timeless

    _precheck(base, tmp_path / "split", 100_000)  # back under the size: one workbook again
    assert list((tmp_path / "split" / "precheck").glob("*.xlsx")) == []


def test_the_workbook_split_size_is_a_positive_whole_number(tmp_path: Path) -> None:
    config = tmp_path / "migrate.toml"
    config.write_text("workbook_split_rows = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="workbook_split_rows: expected a positive whole"):
        load_config(config)
    config.write_text("workbook_split_rows = 7\n", encoding="utf-8")
    assert load_config(config).workbook_split_rows == 7


def _plan(base: Path, reports: Path, split: int, command: str = "plan") -> Path:
    config = base / f"migrate-{split}.toml"
    config.write_text(CONFIG + f"workbook_split_rows = {split}\n", encoding="utf-8")
    args = [command, "-w", str(base / "w"), "--reports", str(reports), "--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return reports / "plan.xlsx"


def test_a_large_plan_splits_per_customer_and_report_rebuilds_it_so(
    checked: Path, tmp_path: Path
) -> None:
    base = tmp_path / "b"
    shutil.copytree(checked, base)
    whole = _plan(base, tmp_path / "r", 100_000)
    index = _plan(base, tmp_path / "split", 1)
    listed = _rows(index, "Workbooks")
    customers = [r[1] for r in listed[1:]]
    assert customers == ["metro-voip/bright-smile", "metro-voip/joes-pizza"]
    assert listed[0] == ["File", "Customer ID", "Actions", "Changed objects", "Left alone"]
    parts = [index.parent / r[0] for r in listed[1:]]
    for sheet in ("Changes", "Plan", "Left alone"):
        rows = _rows(whole, sheet)[1:]
        assert rows, sheet  # the sample plans something on every sheet
        # Each customer's workbook holds exactly its rows, in the whole workbook's order.
        for customer, part in zip(customers, parts, strict=True):
            assert _rows(part, sheet)[1:] == [r for r in rows if r[0] == customer], sheet
        of_none = [r for r in rows if r[0] not in customers]
        assert _rows(index, sheet)[1:] == of_none, sheet
    plan_rows = _rows(whole, "Plan")[1:]
    assert [r[2] for r in listed[1:]] == [sum(r[0] == c for r in plan_rows) for c in customers]
    # The same summary, but for what the two configs (split sizes) make differ.
    differ = ("Plan fingerprint", "Created at (UTC)", "Input: config")
    summary = [r for r in _rows(whole, "Summary") if r[0] not in differ]
    assert [r for r in _rows(index, "Summary") if r[0] not in differ] == summary
    assert len(summary) > 5

    # `migrate report` rebuilds the same split from plan.json.
    snapshot = {p.name: _rows(p, "Plan") for p in parts}
    for part in parts:
        part.unlink()
    _plan(base, tmp_path / "split", 1, command="report")
    assert {p.name: _rows(p, "Plan") for p in parts} == snapshot

    _plan(base, tmp_path / "split", 100_000)  # back under the size: one workbook again
    assert list((tmp_path / "split" / "plan").glob("*.xlsx")) == []
    assert _rows(tmp_path / "split" / "plan.xlsx", "Plan") == _rows(whole, "Plan")
