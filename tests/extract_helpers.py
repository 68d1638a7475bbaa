"""Run the extractor on documents written in a test, and read back what it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate import inventory
from migrate.extract import ExtractResult, extract


def run(export: Path, workspace: Path) -> ExtractResult:
    return extract(export, workspace)


def records(workspace: Path, entity: str) -> list[dict[str, Any]]:
    return list(inventory.read_records(workspace, entity))


def by_key(workspace: Path, entity: str, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in records(workspace, entity)}
