"""Run the extractor on documents written in a test, and read back what it wrote."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from migrate import inventory
from migrate.extract import ExtractResult, extract
from migrate.extract.workers import Workers
from migrate.reports import extract_report
from migrate.reports.extract_report import write_extract_report


def run(export: Path, workspace: Path) -> ExtractResult:
    return extract(export, workspace)


def records(workspace: Path, entity: str) -> list[dict[str, Any]]:
    return list(inventory.read_records(workspace, entity))


def by_key(workspace: Path, entity: str, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in records(workspace, entity)}


def workbook_parts(path: Path) -> dict[str, bytes]:
    """A workbook's zip members, but the one that holds its timestamps."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def assert_rendered_elsewhere_as_here(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> dict[str, bytes]:
    """extract.xlsx written by this process alone, then with every sheet rendered by two
    workers in spans of ``chunk_bytes``: the same parts. Returns them."""
    monkeypatch.setattr(extract_report, "_PARALLEL_BYTES", 1 << 40)
    write_extract_report(workspace, tmp_path / "here.xlsx")
    monkeypatch.setattr(extract_report, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(extract_report, "_CHUNK_BYTES", chunk_bytes)
    with Workers(2) as workers:  # whatever this machine's cores
        write_extract_report(workspace, tmp_path / "there.xlsx", shared=workers)
    here, there = workbook_parts(tmp_path / "here.xlsx"), workbook_parts(tmp_path / "there.xlsx")
    assert here.keys() == there.keys()
    for name in here:
        assert here[name] == there[name], name
    return here
