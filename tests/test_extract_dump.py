"""What other processes write (inventory runs, workbook rows) is what one process writes."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import openpyxl
import pytest

from migrate import inventory
from migrate.extract import dump as dump_module
from migrate.extract import extract, extractor
from migrate.extract.reader import Export
from migrate.extract.store import (
    Conflict,
    Store,
    decode,
    encode,
    fold_shards,
    index_shard,
    stage_rows,
)
from migrate.extract.workers import Workers
from migrate.reports import extract_report
from migrate.reports.extract_report import write_extract_report
from migrate.synthetic import generate
from tests.extract_helpers import assert_rendered_elsewhere_as_here, workbook_parts


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

    def counting(store: Store, staging: Path, entity: str, workers: int) -> list[object]:
        found = planned(store, staging, entity, workers)
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
    rows = [
        ("users", f"u{n // 3:03d}", "list", n, "f.xml", encode("users", {"n": n}))
        for n in range(300)
    ]
    # Two workers' shards: every key has records in both.
    shards = (tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    stage_rows(shards[0], rows[0::2])
    stage_rows(shards[1], rows[1::2])
    for shard in shards:
        index_shard(shard)
    store = Store(shards)
    assert store.count("users") == 300
    bounds = store.split("users", 7)
    assert len(bounds) == 6
    assert bounds == sorted(set(bounds))
    conflicts: list[Conflict] = []
    seen: list[int] = []
    for low, high in zip([None, *bounds], [*bounds, None], strict=True):
        seen.extend(r["n"] for r in store.merged("users", conflicts, low, high))
    # Every key once, in key order, its three records taken in seq order: the first
    # description wins and the other two are conflicts.
    assert seen == list(range(0, 300, 3))
    assert len(conflicts) == 200
    store.close()


def test_a_worker_stages_its_records_and_sends_none_back(tmp_path: Path) -> None:
    export = tmp_path / "export"
    generate(export, 30, seed=3)
    staging = tmp_path / "staging"
    staging.mkdir()
    with Export(export) as opened:
        batch = list(enumerate(opened.documents()))
        direct = extractor._parse_batch(opened, batch, 10)
    part = extractor._parse_batch_in_worker(export, batch, 10, staging)
    assert part.rows == [] and part.shard.parent == staging
    with contextlib.closing(sqlite3.connect(part.shard)) as db:
        staged = db.execute("SELECT * FROM rec ORDER BY seq").fetchall()
    assert len(direct.rows) > 100
    assert staged == sorted(direct.rows, key=lambda row: row[3])


def test_more_shards_than_sqlite_attaches_are_folded(tmp_path: Path) -> None:
    shards = [tmp_path / f"s{i}.sqlite" for i in range(5)]
    for i, shard in enumerate(shards):
        stage_rows(shard, [("users", f"u{i}", "list", i, "f.xml", encode("users", {"n": i}))])
    kept = fold_shards(shards, limit=2)
    assert kept == shards[:2]
    assert [shard.exists() for shard in shards] == [True, True, False, False, False]
    for shard in kept:
        index_shard(shard)
    store = Store(tuple(kept))
    assert [r["n"] for r in store.merged("users", [])] == [0, 1, 2, 3, 4]
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
    here, there = workbook_parts(tmp_path / "here.xlsx"), workbook_parts(tmp_path / "there.xlsx")
    assert here.keys() == there.keys()
    for name in here:
        assert here[name] == there[name], name
    read = openpyxl.load_workbook(tmp_path / "there.xlsx", read_only=True)
    ids = [row[0] for row in read["Users"].iter_rows(min_row=2, values_only=True)]
    assert ids[-3:] == ["=HYPERLINK(1)", "ctl", "plain"]


def test_rendered_rows_go_on_in_a_new_part_of_a_full_sheet_as_values_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full sheet goes on at the same row, its next part sampling the same widths,
    whether its rows were rendered in other processes or written here."""
    export = tmp_path / "export"
    generate(export, 300, seed=13)
    workspace = tmp_path / "w"
    extract(export, workspace, workers=1)
    monkeypatch.setattr(extract_report.xlsx, "EXCEL_MAX_ROWS", 120)
    monkeypatch.setattr(extract_report.xlsx, "_WIDTH_SAMPLE_ROWS", 7)
    here = assert_rendered_elsewhere_as_here(tmp_path, workspace, monkeypatch, 5000)
    assert len([name for name in here if name.startswith("xl/worksheets/sheet")]) > 14
