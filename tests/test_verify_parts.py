"""verify.xlsx above ``workbook_split_rows`` differences: an index of one workbook per
customer with the whole workbook's rows, counted by problem, nothing stale beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from migrate.load.compare import Difference
from migrate.load.verify import VerifyResult
from migrate.reports.rebuild import rebuild
from migrate.reports.verify_report import write_verify_report
from migrate.workspace import VERIFY_RESULT, Workspace


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {n: [list(r) for r in book[n].iter_rows(values_only=True)] for n in book.sheetnames}


def _result() -> VerifyResult:
    differences = [
        Difference("b", "person", "b-1", "missing", message="planned person is not in Webex"),
        Difference("a", "person", "a-1", "missing", message="planned person is not in Webex"),
        Difference("a", "subscriber", "a-2", "different", "package", "calling", "voice"),
        Difference("", "number", "+15550100", "unexpected", webex_id="n1"),
        Difference("b", "location", "b-2", "different", "name", "Main", "HQ"),
        Difference("a", "device", "a-3", "unread", message="Webex would not list devices"),
    ]
    return VerifyResult(
        ["a", "b"],
        ["c"],
        differences,
        {"person": 2, "subscriber": 1},
        {"person": 0},
        [("call parks", "not read")],
        requests=4,
        seconds=0.5,
        verified_at="2026-01-01T00:00:00+00:00",
    )


def test_a_large_verify_splits_per_customer(tmp_path: Path) -> None:
    result = _result()
    whole = write_verify_report(result, tmp_path / "whole" / "verify.xlsx", [("Run", 1)])
    index = write_verify_report(result, tmp_path / "split" / "verify.xlsx", [("Run", 1)], 3)
    books = _sheets(index)
    assert list(books) == ["Summary", "Differences", "Checked", "Not compared", "Workbooks"]
    every = _sheets(whole)
    for name in ("Summary", "Checked", "Not compared"):
        assert books[name] == every[name], name
    listed = books["Workbooks"]
    problems = ["Missing", "Unexpected", "Different", "Unread"]
    assert listed[0] == ["File", "Customer ID", "Differences", *problems]
    assert listed[1:] == [
        ["verify/a.xlsx", "a", 3, 1, 0, 1, 1],
        ["verify/b.xlsx", "b", 2, 1, 0, 1, 0],
    ]
    union = books["Differences"][1:]
    assert [r[2] for r in union] == ["+15550100"]  # of no customer: in the index
    for row in listed[1:]:
        mine = _sheets(index.parent / row[0])["Differences"]
        assert mine[0] == every["Differences"][0]
        assert mine[1:] == [r for r in every["Differences"][1:] if r[0] == row[1]]
        union += mine[1:]
    assert sorted(map(repr, union)) == sorted(map(repr, every["Differences"][1:]))

    write_verify_report(result, tmp_path / "split" / "verify.xlsx", [("Run", 1)], 6)
    assert list((tmp_path / "split" / "verify").glob("*.xlsx")) == []
    assert _sheets(tmp_path / "split" / "verify.xlsx") == every


def test_report_rebuilds_verify_xlsx_split(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "w")
    ws.ensure()
    ws.save_result(VERIFY_RESULT, _result().to_dict())
    done = rebuild(ws, tmp_path / "r", 3)
    assert tmp_path / "r" / "verify.xlsx" in done.rebuilt
    listed = _sheets(tmp_path / "r" / "verify.xlsx")["Workbooks"]
    assert [r[1:3] for r in listed[1:]] == [["a", 3], ["b", 2]]
    assert (tmp_path / "r" / listed[1][0]).is_file()
