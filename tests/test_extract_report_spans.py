"""The big sheets rendered elsewhere, span by span, are the sheets written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate.errors import WorkspaceError
from migrate.extract import extract
from migrate.reports import extract_report
from migrate.synthetic import generate
from tests.extract_helpers import assert_rendered_elsewhere_as_here


def _workspace(tmp_path: Path, seed: int) -> Path:
    export = tmp_path / "export"
    generate(export, 300, seed=seed)
    workspace = tmp_path / "w"
    extract(export, workspace, workers=1)
    return workspace


def test_blank_lines_renumber_the_spans_after_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A span's rows are counted by its lines before it is sent: blank lines make
    fewer rows, and the spans after them are numbered from where the sheet is."""
    workspace = _workspace(tmp_path, 17)
    users = workspace / "inventory" / "users.jsonl"
    lines = users.read_bytes().splitlines(keepends=True)
    assert len(lines) > 250
    for at in (len(lines) - 5, len(lines) // 2, 230):  # past the rows that set the widths
        lines[at:at] = [b"\n", b"  \n"]
    users.write_bytes(b"".join(lines))
    renumbered: list[int] = []
    original = extract_report._Renders.renumber

    def spy(self: extract_report._Renders, entity: str, row: int) -> None:
        renumbered.append(row)
        original(self, entity, row)

    monkeypatch.setattr(extract_report._Renders, "renumber", spy)
    assert_rendered_elsewhere_as_here(tmp_path, workspace, monkeypatch, 3000)
    assert renumbered  # the blank lines were met in spans rendered elsewhere


def test_records_read_by_the_scanner_are_what_json_reads(tmp_path: Path) -> None:
    """Lines the scanner does not take whole go to json.loads: the same records, the
    same error for a damaged line."""
    path = tmp_path / "users.jsonl"
    records = [{"a": 1, "b": "é"}, {"c": [1, 2.5, None], "d": {"e": True}}]
    text = [
        json.dumps(records[0]),
        "  " + json.dumps(records[1]) + " \t",  # whitespace json.loads takes
        "",
        "\ufeff" + json.dumps(records[0]),  # a byte order mark json.loads takes
        json.dumps(records[1]),
    ]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    expected = [records[0], records[1], records[0], records[1]]
    assert extract_report._records(path, 0, path.stat().st_size) == expected
    path.write_text(json.dumps(records[0]) + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="damaged line after byte 0: not"):
        extract_report._records(path, 0, path.stat().st_size)
    path.write_text(json.dumps(records[0]) + '\n{"a": 1}{"b": 2}\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="Extra data"):
        extract_report._records(path, 0, path.stat().st_size)
