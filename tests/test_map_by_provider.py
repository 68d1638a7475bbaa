"""``map`` one service provider at a time gives what one model of the platform gives.

The platform: the fixture inventory cloned into providers whose customer ids
interleave with their provider ids (``A``, ``A-B``, ``ent1``, ``zz``: in group
mode ``A-B/g-ny`` sorts before ``A/g-ny``), sharing emails and MACs across
providers, plus records of no provider. Its model files and review workbooks
are compared, byte for byte and cell for cell, with the in-memory mapping's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from migrate import inventory as inv
from migrate.config import load_config
from migrate.errors import WorkspaceError
from migrate.mapping import workspaces
from migrate.mapping.by_provider import ProviderRun
from migrate.mapping.mapper import Model, build, finalize
from migrate.mapping.tables import load_tables
from migrate.plan.model import ENTITIES, to_record
from migrate.reports.review import write_review
from migrate.stages.map import run_map
from tests.test_map_fixtures import inventory, write_inventory

PROVIDERS = ["A", "A-B", "ent1", "zz"]


def _clone(records: list[dict[str, Any]], sp: str, n: int) -> list[dict[str, Any]]:
    """The fixture's records as provider ``sp``'s; numbers moved to exchange 55``n``."""
    text = json.dumps(records).replace("ent1", sp).replace("555", f"55{n}")
    cloned: list[dict[str, Any]] = json.loads(text)
    return cloned


def platform() -> dict[str, list[dict[str, Any]]]:
    base = inventory()
    data: dict[str, list[dict[str, Any]]] = {
        "languages": base["languages"],
        "time_zones": [],
    }
    for n, sp in enumerate(PROVIDERS):
        for entity, records in base.items():
            if entity not in ("languages", "time_zones", "warnings"):
                data.setdefault(entity, []).extend(_clone(records, sp, n))
    # Interleave the providers' records: the inventory is not grouped by provider.
    for entity in ("users", "numbers", "devices"):
        data[entity] = sorted(data[entity], key=lambda r: json.dumps(r, sort_keys=True))
    data["users"].append({"user_id": "lost@nowhere", "first_name": "Lost"})
    data["user_settings"] = [
        {"user_id": "ghost@nowhere", "service": "Do Not Disturb", "values": {"isActive": True}}
    ]
    data["warnings"] = [
        {"severity": "error", "code": "oci_error", "file": "x.xml", "message": "refused"}
    ]
    return data


def _config(tmp_path: Path, level: str, split: int) -> Path:
    path = tmp_path / "migrate.toml"
    path.write_text(
        f'customer_level = "{level}"\nreview_split_rows = {split}\n'
        '[email.domains]\n"nosuch" = "example.com"\n',
        encoding="utf-8",
    )
    return path


def _in_memory_files(model: Model) -> dict[str, str]:
    """The model files as one model gives them (its own sorted_* orders)."""
    rows: dict[str, list[Any]] = {
        "customers": model.sorted_customers(),
        "locations": model.sorted_locations(),
        "subscribers": model.sorted_subscribers(),
        "numbers": model.sorted_numbers(),
        "devices": model.sorted_devices(),
        "workspaces": [model.workspaces[k] for k in sorted(model.workspaces)],
        "not_migrated": model.sorted_not_migrated(),
        "person_settings": [model.person_settings[k] for k in sorted(model.person_settings)],
        "call_features": [model.features[k] for k in sorted(model.features)],
        "issues": model.sorted_issues(),
    }
    return {
        entity: "".join(inv.dumps(to_record(r)) + "\n" for r in rows[entity]) for entity in ENTITIES
    }


def _cells(folder: Path) -> dict[str, dict[str, list[list[Any]]]]:
    books = {}
    for path in sorted(folder.rglob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        books[str(path.relative_to(folder))] = {
            name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names
        }
    return books


@pytest.mark.parametrize("level", ["enterprise", "group"])
@pytest.mark.parametrize("path", ["parts", "merged", "whole"])
def test_by_provider_is_the_one_model_mapping(
    tmp_path: Path, level: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``parts``: finalized and written part by part (a split review); ``merged``: more
    users than ``review_split_rows`` but not more subscribers (mapped by part, written as
    one model); ``whole``: one model from the start."""
    data = platform()
    workspace = write_inventory(tmp_path / "w", data)
    tables = load_tables(None)
    config = load_config(_config(tmp_path, level, 1))
    model = build(workspace, tables, config)
    subscribers = len(model.subscribers)
    assert len(data["users"]) > subscribers
    split = {"parts": 1, "merged": subscribers, "whole": len(data["users"])}[path]
    config_path = _config(tmp_path, level, split)
    taken: list[str] = []

    def spy(name: str, label: str) -> None:
        real = getattr(ProviderRun, name)

        def called(run: ProviderRun) -> Any:
            taken.append(label)
            return real(run)

        monkeypatch.setattr(ProviderRun, name, called)

    for name, label in (("build", "by part"), ("merged", "merged"), ("finalize", "parts")):
        spy(name, label)
    result = run_map(workspace, tmp_path / "r", config_path)
    assert taken == {"parts": ["by part", "parts"], "merged": ["by part", "merged"]}.get(path, [])

    finalize(model, tables, config)
    workspaces.derive(model)
    expected = _in_memory_files(model)
    for entity in ENTITIES:
        written = (workspace / "model" / f"{entity}.jsonl").read_text(encoding="utf-8")
        assert written == expected[entity], entity
    assert result.counts["customers"] == (4 if level == "enterprise" else 8)
    issues = {json.loads(line)["code"] for line in expected["issues"].splitlines()}
    assert {"duplicate_email", "duplicate_mac", "extract_warning", "config_unknown_key"} <= issues
    assert "settings_without_subscriber" in issues and "user_without_group" in issues

    summary = [("Stage", "test")]
    write_review(tmp_path / "e" / "review.xlsx", model, summary, None, split)
    ours, theirs = _cells(tmp_path / "r"), _cells(tmp_path / "e")
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == (1 if split > 1 else 1 + result.counts["customers"])
    for name, sheets in theirs.items():
        assert list(ours[name]) == list(sheets), name
        for sheet, rows in sheets.items():
            if sheet != "Summary":  # the stage's own summary lines differ from the test's
                assert ours[name][sheet] == rows, (name, sheet)


def test_a_number_and_an_email_held_by_customers_far_apart(tmp_path: Path) -> None:
    """The first customer in id order keeps them; the last, mapped parts later, is
    refused, naming the holder."""
    data = platform()
    first = next(u for u in data["users"] if u["user_id"] == "ada@A")
    last = next(u for u in data["users"] if u["user_id"] == "fay@zz")
    first["email"], last["email"] = "far@example.org", "FAR@example.org"
    last["phone_number_raw"] = first["phone_number_raw"]
    last["country_code"] = first["country_code"]
    workspace = write_inventory(tmp_path / "w", data)
    run_map(workspace, tmp_path / "r", _config(tmp_path, "group", 1))

    issues = [
        json.loads(line) for line in (workspace / "model" / "issues.jsonl").read_text().splitlines()
    ]
    mine = {(i["code"], i["key"]): i for i in issues if i["key"] in ("ada@A", "fay@zz")}
    assert ("duplicate_email", "fay@zz") in mine and ("duplicate_email", "ada@A") not in mine
    assert "ada@A's" in mine[("duplicate_email", "fay@zz")]["message"]
    assert ("duplicate_number", "fay@zz") in mine and ("duplicate_number", "ada@A") not in mine
    assert "ada@A's" in mine[("duplicate_number", "fay@zz")]["message"]
    assert not list((workspace / "model").glob(".map-*"))  # the scratch is gone


def test_a_damaged_record_is_named_by_its_line_in_the_inventory(tmp_path: Path) -> None:
    data = platform()
    data["users"].insert(2, {"sp_id": "A", "group_id": "g-ny"})  # no user_id
    workspace = write_inventory(tmp_path / "w", data)
    with pytest.raises(WorkspaceError) as caught:
        run_map(workspace, tmp_path / "r", _config(tmp_path, "group", 1))
    users = inv.inventory_dir(workspace) / "users.jsonl"
    assert str(caught.value).startswith(f"{users}:3: damaged record")
    assert not (workspace / "model").exists()
