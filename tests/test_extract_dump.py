"""What other processes write (inventory runs, workbook rows) is what one process writes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import openpyxl
import pytest
from xlsxwriter.utility import xl_col_to_name

from migrate import inventory
from migrate.extract import dump as dump_module
from migrate.extract import extract
from migrate.extract.store import Conflict, Store, decode, encode
from migrate.extract.workers import Workers
from migrate.reports import extract_report
from migrate.reports.extract_report import write_extract_report
from migrate.synthetic import generate


def _files(workspace: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted((workspace / "inventory").iterdir())
        if path.suffix == ".jsonl"
    }


def test_runs_in_two_workers_write_the_bytes_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    generate(export, 400, seed=5)
    single = extract(export, tmp_path / "one", workers=1)
    runs: dict[str, int] = {}
    planned = dump_module._runs

    def counting(
        store: Store, staging: Path, entity: str, workers: int, *rest: object
    ) -> list[object]:
        found = planned(store, staging, entity, workers, *rest)  # type: ignore[arg-type]
        runs[entity] = len(found)
        return found  # type: ignore[return-value]

    # Runs are planned in this process, so a tiny run size reaches every worker.
    monkeypatch.setattr(dump_module, "_RUN_RECORDS", 50)
    monkeypatch.setattr(dump_module, "_runs", counting)
    double = extract(export, tmp_path / "two", workers=2)
    assert runs["users"] > 1 and runs["devices"] > 1 and runs["numbers"] > 1
    assert single.counts == double.counts
    assert single.counts["devices"] > 0
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one == two
    # Registrations reach their devices only through the users' remembered groups.
    devices = [json.loads(line) for line in two["devices.jsonl"].splitlines()]
    assert any(device.get("user_agents") for device in devices)
    leftovers = [p.name for p in (tmp_path / "two" / "inventory").iterdir()]
    assert not [name for name in leftovers if ".part" in name or ".locations" in name]


def test_a_split_never_cuts_a_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    rows = [
        ("users", f"u{n // 3:03d}", "list", n, "f.xml", encode("users", {"n": n}))
        for n in range(300)
    ]
    store.add_rows(rows)
    store.seal()
    bounds = store.split("users", 7)
    assert len(bounds) == 6
    assert bounds == sorted(set(bounds))
    conflicts: list[Conflict] = []
    seen: list[str] = []
    for low, high in zip([None, *bounds], [*bounds, None], strict=True):
        keys = [r["n"] for r in store.merged("users", conflicts, low, high)]
        seen.extend(str(k) for k in keys)
    assert len(seen) == 100  # every key once, merged from its three records
    store.close()


def test_the_dump_writes_the_inventory_line_format() -> None:
    records = [
        {"b": 1, "a": "Zürich", "c": [None, True, 2.5], "d": {"y": "\u2028", "x": '"q"'}},
        {},
        {"user_id": "x\ny", "lines": [{"order": 1, "user_id": "é"}]},
    ]
    for record in records:
        assert dump_module._dumps(record) == inventory.dumps(record)
    assert dump_module._dumps(records[0]).startswith('{"a":"Zürich","b":1,')


def test_staged_records_come_back_as_written() -> None:
    data = {"a": "é", "b": [1, None, True], "c": {"d": 2.5}}
    assert decode(encode("users", data)) == data
    assert isinstance(encode("user_devices", data), str)  # the store's SQL reads these
    assert decode(encode("user_devices", data)) == data


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_a_workbook_rendered_in_other_processes_is_the_one_written_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    generate(export, 300, seed=7)
    workspace = tmp_path / "w"
    extract(export, workspace, workers=1)
    users = workspace / "inventory" / "users.jsonl"
    tricky = [
        {"user_id": "=HYPERLINK(1)", "last_name": "a & b <c>", "sp_id": "sp"},
        {"user_id": "ctl", "first_name": "x\x01y", "sp_id": "sp"},
        {"user_id": "plain", "first_name": "+44 20", "extension": "-5", "sp_id": "sp"},
    ]
    with users.open("a", encoding="utf-8") as handle:
        for record in tricky:
            handle.write(json.dumps(record) + "\n")
    monkeypatch.setattr(extract_report, "_PARALLEL_BYTES", 1 << 40)
    write_extract_report(workspace, tmp_path / "here.xlsx")
    spans: list[tuple[int, int]] = []
    ranges = extract_report._ranges

    def counted(handle: IO[bytes], start: int) -> Iterator[tuple[int, int]]:
        for span in ranges(handle, start):
            spans.append(span)
            yield span

    monkeypatch.setattr(extract_report, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(extract_report, "_CHUNK_BYTES", 4000)
    monkeypatch.setattr(extract_report, "_ranges", counted)
    with Workers(2) as workers:  # whatever this machine's cores
        write_extract_report(workspace, tmp_path / "there.xlsx", shared=workers)
    assert len(spans) > 10
    here, there = _members(tmp_path / "here.xlsx"), _members(tmp_path / "there.xlsx")
    assert here.keys() == there.keys()
    for name in here:
        assert here[name] == there[name], name
    read = openpyxl.load_workbook(tmp_path / "there.xlsx", read_only=True)
    ids = [row[0] for row in read["Users"].iter_rows(min_row=2, values_only=True)]
    assert ids[-3:] == ["=HYPERLINK(1)", "ctl", "plain"]


def _extract_rendering(export: Path, workspace: Path) -> None:
    with dump_module.rendering_rows(extract_report.DumpedRows()):
        extract(export, workspace, workers=2)


def test_rows_rendered_by_the_dump_make_the_workbook_read_back_from_the_inventory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    generate(export, 300, seed=11)
    workspace = tmp_path / "w"
    monkeypatch.setattr(dump_module, "_RUN_RECORDS", 50)  # several runs, parts to join
    _extract_rendering(export, workspace)
    folder = workspace / "inventory"
    assert dump_module.rows_file(folder, "users").exists()
    assert not [p.name for p in folder.iterdir() if ".rows" in p.name and p.name[-1].isdigit()]
    write_extract_report(workspace, tmp_path / "read.xlsx")  # leaves the rows alone
    used: list[str] = []
    fill = extract_report._fill_dumped

    def spy(*args: object) -> None:
        used.append(str(args[1]))
        fill(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_report, "_fill_dumped", spy)
    # Small chunks, and sheets that go on in a second part: rows read back at any item.
    monkeypatch.setattr(extract_report, "_CHUNK_BYTES", 3000)
    write_extract_report(workspace, tmp_path / "dumped.xlsx", dumped=True)
    assert {"Users", "Numbers", "Devices"} <= set(used)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".rows")]
    read, dumped = _members(tmp_path / "read.xlsx"), _members(tmp_path / "dumped.xlsx")
    assert read.keys() == dumped.keys()
    for name in read:
        assert read[name] == dumped[name], name


def test_dumped_rows_split_a_full_sheet_as_the_inventory_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "export"
    generate(export, 300, seed=13)
    workspace = tmp_path / "w"
    _extract_rendering(export, workspace)
    monkeypatch.setattr(extract_report.xlsx, "EXCEL_MAX_ROWS", 120)
    monkeypatch.setattr(extract_report.xlsx, "_WIDTH_SAMPLE_ROWS", 7)
    monkeypatch.setattr(extract_report, "_CHUNK_BYTES", 5000)
    write_extract_report(workspace, tmp_path / "dumped.xlsx", dumped=True)
    write_extract_report(workspace, tmp_path / "read.xlsx")
    read, dumped = _members(tmp_path / "read.xlsx"), _members(tmp_path / "dumped.xlsx")
    assert read.keys() == dumped.keys()
    assert len([name for name in read if name.startswith("xl/worksheets/sheet")]) > 14
    for name in read:
        assert read[name] == dumped[name], name


def test_dumped_rows_of_another_inventory_are_not_used(tmp_path: Path) -> None:
    export = tmp_path / "export"
    generate(export, 120, seed=3)
    workspace = tmp_path / "w"
    _extract_rendering(export, workspace)
    users = workspace / "inventory" / "users.jsonl"
    lines = users.read_bytes().splitlines(keepends=True)
    users.write_bytes(b"".join(reversed(lines)))  # same size, other order
    write_extract_report(workspace, tmp_path / "dumped.xlsx", dumped=True)
    book = openpyxl.load_workbook(tmp_path / "dumped.xlsx", read_only=True)
    shown = [row[0] for row in book["Users"].iter_rows(min_row=2, values_only=True)]
    assert shown == [json.loads(line)["user_id"] for line in reversed(lines)]


def test_a_record_is_rendered_only_as_its_inventory_line_would_be() -> None:
    columns = extract_report._columns("devices")
    make = extract_report.DumpedRows().renderer("devices")
    assert make is not None and extract_report.DumpedRows().renderer("warnings") is None
    row_of = extract_report._row_maker(columns)
    letters = [xl_col_to_name(i) for i in range(len(columns))]
    render = extract_report.xlsx.row_renderer(letters, extract_report.QUOTE)
    records = [
        {"device_name": "plain", "sp_id": "=cmd", "lines": [{"user_id": "u", "order": 1}]},
        {"device_name": ("t", "u"), "sp_id": "x"},  # a tuple: a list once read back
        {"device_name": "d", "user_agents": [("a", 1)]},
        {"device_name": "d", "user_agents": [{"b": 1, "a": 2}]},  # keys sorted once read back
        {"device_name": "d", "lines": [{"user_id": ("x",)}]},
        {"device_name": "d", "lines": ["not a dict"]},
        {"device_name": "ctl\x01", "sp_id": 1.5},
        {"device_name": "é", "user_agents": ["ua 1", "ua 2"], "endpoint": {"x": [1]}},
    ]
    for record in records:
        line = dump_module._dumps(record)
        item = make(record, line)
        assert item.endswith(extract_report.ITEM_END)
        item = item[: -len(extract_report.ITEM_END)]
        if item.startswith(extract_report.NOT_RENDERED):
            assert item[1:] == line  # the workbook reads it back as it reads the inventory
        else:
            assert item == render(row_of(json.loads(line))), record
    rendered = [make(r, dump_module._dumps(r)) for r in records]
    taken = [not item.startswith(extract_report.NOT_RENDERED) for item in rendered]
    assert taken == [True, False, False, False, False, False, False, True]
