"""What a plan was made from, digest by digest, so ``load`` can say what changed.

A single hash would only say "something changed"; a digest per input lets
the refusal name the mapping table, the config file or the inventory that
moved since ``plan`` ran.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from migrate import inventory
from migrate.mapping.tables import TABLES, shipped_dir
from migrate.plan import model
from migrate.workspace import OVERRIDES_LOG


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _folder_digest(folder: Path, pattern: str, skip: str = "") -> str:
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.glob(pattern)):
            if path.name != skip:
                digest.update(path.name.encode() + b"\0" + _file_digest(path).encode() + b"\0")
    return digest.hexdigest()


def input_digests(workspace: Path, config: Path | None, mappings: Path | None) -> dict[str, str]:
    """``{input name: sha256}`` for the inventory, model, overrides, config and every table."""
    model_dir = model.model_dir(workspace)
    overrides = model_dir / OVERRIDES_LOG
    digests = {
        "inventory": _folder_digest(inventory.inventory_dir(workspace), "*.jsonl"),
        "model": _folder_digest(model_dir, "*.jsonl", skip=OVERRIDES_LOG),
        "overrides": _file_digest(overrides) if overrides.is_file() else "none",
        "config": _file_digest(config) if config is not None and config.is_file() else "none",
    }
    shipped = shipped_dir()
    for name in sorted(TABLES):
        path = (
            mappings / name
            if mappings is not None and (mappings / name).is_file()
            else shipped / name
        )
        digests[f"mappings/{name}"] = _file_digest(path) if path.is_file() else "missing"
    return digests


def combine(digests: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(f"{name}={digests[name]}\n".encode())
    return digest.hexdigest()


def changed_inputs(planned: dict[str, str], current: dict[str, str]) -> list[str]:
    names = sorted(set(planned) | set(current))
    return [name for name in names if planned.get(name) != current.get(name)]
