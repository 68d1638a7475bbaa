"""load.xlsx and devices.xlsx above ``workbook_split_rows`` rows: an index of one workbook
per customer with the whole workbook's rows, what did not finish first, nothing stale
beside it."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.load.journal import FINISHED, STATES, Journal, JournalAction
from migrate.reports.devices_report import write_devices_report
from migrate.reports.load_report import write_load_report, write_load_workbook
from tests.migration_helpers import GROUP_CONFIG, SAMPLES, common, invoke, stage

CUSTOMERS = ["metro-voip/bright-smile", "metro-voip/joes-pizza"]


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


def _config(rows: int) -> str:
    return f"workbook_split_rows = {rows}\n" + GROUP_CONFIG


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The metro sample (two customers) loaded into the sandbox with a split size of 3,
    then one customer's first action and another's last failed by hand."""
    root = stage(tmp_path_factory.mktemp("load-parts"), SAMPLES / "metro-sp-group-mode", _config(3))
    code, _out, err = invoke("load", *common(root), "--sandbox", "--poll-interval", "0.001")
    assert code == 0, err
    with Journal(root / "w") as journal:
        run = journal.begin_run("test", None)
        for customer, which in zip(CUSTOMERS, (0, -1), strict=True):
            action = journal.actions(customer=customer)[which]
            journal.fail(action.key, run, "webex", "400", f"refused for {customer}")
        journal.end_run(run, "failed")
    return root


def test_the_load_stage_splits_load_xlsx_above_the_size(loaded: Path) -> None:
    # Written by `migrate load` before the failures: every action succeeded.
    listed = _rows(loaded / "r" / "load.xlsx", "Workbooks")
    assert [r[1] for r in listed[1:]] == CUSTOMERS
    with Journal(loaded / "w") as journal:
        every = len(journal.actions())
    assert sum(r[2] for r in listed[1:]) == every > 3


def test_each_customer_workbook_holds_exactly_its_actions_failed_first(
    loaded: Path, tmp_path: Path
) -> None:
    summary = [("Run", 9)]
    whole = write_load_report(loaded / "w", tmp_path / "whole" / "load.xlsx", summary)
    index = write_load_report(loaded / "w", tmp_path / "split" / "load.xlsx", summary, 3)
    every = _rows(whole, "Actions")
    listed = _rows(index, "Workbooks")
    assert listed[0] == ["File", "Customer ID", "Actions", "Not finished", *STATES]
    # Both customers have a failure: they keep customer order.
    assert [r[1] for r in listed[1:]] == CUSTOMERS
    assert not (tmp_path / "whole" / "load").exists()

    union: list[list[Any]] = []
    for row in listed[1:]:
        part = _rows(index.parent / row[0], "Actions")
        assert part[0] == every[0]
        mine = part[1:]
        assert {r[0] for r in mine} == {row[1]}
        # The index's counts are the workbook's, by state.
        states = Counter(r[5] for r in mine)
        assert row[2] == len(mine)
        assert row[3] == sum(n for s, n in states.items() if s not in FINISHED) == 1
        assert row[4:] == [states.get(s, 0) for s in STATES]
        # What did not finish first, then in the whole workbook's order.
        assert mine[0][5] == "failed" and mine[0][10] == f"refused for {row[1]}"
        assert mine == [r for r in every[1:] if r[0] == row[1]]
        union += mine
    # Every row of the whole workbook is in exactly one part: nothing lost or duplicated.
    assert sorted(map(repr, union)) == sorted(map(repr, every[1:]))
    assert len({r[4] for r in union}) == len(union)

    whole_sheets, index_sheets = _sheets(whole), _sheets(index)
    assert list(index_sheets) == ["Summary", "Held", "Actions", "Runs", "Workbooks"]
    for name in ("Summary", "Held", "Runs"):
        assert index_sheets[name] == whole_sheets[name], name
    assert index_sheets["Actions"] == every[:1]  # no action belongs to no customer


def test_customers_with_unfinished_actions_come_first_in_the_index(
    loaded: Path, tmp_path: Path
) -> None:
    with Journal(loaded / "w") as journal:
        actions, runs, since = journal.actions(), journal.runs(), journal.parked_since()
    first = CUSTOMERS[0]
    fixed = [a if a.customer == first or a.state != "failed" else _succeeded(a) for a in actions]
    index = write_load_workbook(tmp_path / "load.xlsx", [], fixed, runs, since, split_rows=3)
    listed = _rows(index, "Workbooks")
    assert [(r[1], r[3]) for r in listed[1:]] == [(CUSTOMERS[0], 1), (CUSTOMERS[1], 0)]
    fixed = [a if a.customer != first or a.state != "failed" else _succeeded(a) for a in actions]
    index = write_load_workbook(tmp_path / "load.xlsx", [], fixed, runs, since, split_rows=3)
    listed = _rows(index, "Workbooks")
    assert [(r[1], r[3]) for r in listed[1:]] == [(CUSTOMERS[1], 1), (CUSTOMERS[0], 0)]

    # The list-made workbook is the journal-streamed one, split as well.
    streamed = write_load_report(loaded / "w", tmp_path / "s" / "load.xlsx", [], 3)
    listed_too = write_load_workbook(
        tmp_path / "l" / "load.xlsx", [], actions, runs, since, None, 3
    )
    assert _sheets(streamed) == _sheets(listed_too)
    for row in _rows(streamed, "Workbooks")[1:]:
        assert _sheets(streamed.parent / row[0]) == _sheets(listed_too.parent / row[0])


def _succeeded(action: JournalAction) -> JournalAction:
    return replace(action, state="succeeded", error_message=None)


def test_report_rebuilds_the_split_and_a_rerun_leaves_nothing_stale(
    loaded: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "r"
    args = ["-w", str(loaded / "w"), "--reports", str(reports)]
    config = ["--config", str(loaded / "migrate.toml")]
    stale = reports / "load" / "gone-customer.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"a customer of an earlier split")

    code, _out, err = invoke("report", *args, *config)
    assert code == 0, err
    assert not stale.exists()
    listed = _rows(reports / "load.xlsx", "Workbooks")
    parts = sorted(p.name for p in (reports / "load").glob("*.xlsx"))
    assert parts == sorted(Path(r[0]).name for r in listed[1:]) and len(parts) == 2
    expected = write_load_report(loaded / "w", tmp_path / "x" / "load.xlsx", [], 3)
    for row in listed[1:]:
        assert _rows(reports / row[0], "Actions") == _rows(expected.parent / row[0], "Actions")

    # Back under the size: one workbook again, and no part left to contradict it.
    whole = tmp_path / "whole.toml"
    whole.write_text(_config(100_000))
    code, _out, err = invoke("report", *args, "--config", str(whole))
    assert code == 0, err
    assert list((reports / "load").glob("*.xlsx")) == []
    book = openpyxl.load_workbook(reports / "load.xlsx", read_only=True)
    assert "Workbooks" not in book.sheetnames
    assert len(_rows(reports / "load.xlsx", "Actions")) - 1 == sum(r[2] for r in listed[1:])


def test_the_journal_gives_one_customers_outcomes_unfinished_first(loaded: Path) -> None:
    with Journal(loaded / "w", check_every_page=False) as journal:
        every = list(journal.iter_outcomes())
        for customer in CUSTOMERS:
            mine = list(journal.iter_outcomes(customer))
            assert mine == [a for a in every if a.customer == customer]
            assert mine[0].state == "failed"
            assert [a.ordinal for a in mine[1:]] == sorted(a.ordinal for a in mine[1:])
        assert list(journal.iter_outcomes("no such customer")) == []


def test_devices_xlsx_splits_per_customer_failed_first(loaded: Path, tmp_path: Path) -> None:
    # The load stage wrote it split: nine devices and a workspace are above 3 rows.
    staged = _rows(loaded / "r" / "devices.xlsx", "Workbooks")
    assert sorted(r[1] for r in staged[1:]) == CUSTOMERS
    case = tmp_path / "case"
    shutil.copytree(loaded / "w", case)
    with Journal(case) as journal:
        run = journal.begin_run("test", None)
        device = next(
            a for a in journal.actions(customer=CUSTOMERS[1]) if a.type == "create_device"
        )
        journal.fail(device.key, run, "webex", "400", "MAC refused")
        journal.end_run(run, "failed")
    whole = write_devices_report(case, tmp_path / "whole" / "devices.xlsx")
    index = write_devices_report(case, tmp_path / "split" / "devices.xlsx", split_rows=3)
    listed = _rows(index, "Workbooks")
    counted = ["Devices", "Failed", "Left alone", "Not migrated", "Workspaces"]
    assert listed[0] == ["File", "Customer ID", *counted]
    # The customer with a failed device first, then the others.
    assert [(r[1], r[3]) for r in listed[1:]] == [(CUSTOMERS[1], 1), (CUSTOMERS[0], 0)]
    assert _rows(index, "Summary") == _rows(whole, "Summary")
    for sheet, column in (("Devices", 2), ("Workspaces", 6)):
        every = _rows(whole, sheet)
        union: list[list[Any]] = []
        for row in listed[1:]:
            mine = _rows(index.parent / row[0], sheet)
            assert mine[0] == every[0]
            assert mine[1:] == [r for r in every[1:] if r[0] == row[1]], sheet
            assert row[column] == len(mine) - 1
            union += mine[1:]
        assert sorted(map(repr, union)) == sorted(map(repr, every[1:])), sheet
        assert _rows(index, sheet) == every[:1]  # nothing of no customer
    failed = _rows(index.parent / listed[1][0], "Devices")[1]
    assert failed[13] == "failed" and "MAC refused" in failed[14]
    statuses = Counter(r[13] for r in _rows(whole, "Devices")[1:] if r[0] == CUSTOMERS[1])
    assert listed[1][4:6] == [statuses["left alone"], statuses["not migrated"]]

    write_devices_report(case, tmp_path / "split" / "devices.xlsx")  # no split any more
    assert list((tmp_path / "split" / "devices").glob("*.xlsx")) == []


def test_the_journal_lists_actions_of_some_types_only(loaded: Path) -> None:
    with Journal(loaded / "w") as journal:
        every = journal.actions(outcomes_only=True)
        devices = journal.actions(types=("create_device", "create_workspace"), outcomes_only=True)
        assert devices == [a for a in every if a.type in ("create_device", "create_workspace")]
        assert len(devices) == 7
        assert journal.actions(types=()) == []
