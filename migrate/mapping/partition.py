"""The inventory cut into parts, one per service provider, on disk.

Every cross-reference of the inventory (a user's group and service packs, a
number's group, a device's lines, a feature's members) stays inside one
service provider, and a customer is an enterprise or a group of one: a part
maps on its own, as the whole inventory would, and holds one provider's
records only. The records of no provider (a user without one, a setting of
an unknown user) make the part ``""``.

The inventory is not grouped by provider, so each line goes to an sqlite
table with its part first (lines are read and checked a chunk at a time, here
or in the run's worker); a part's inventory folder is then written from it.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.errors import WorkspaceError
from migrate.extract.workers import Workers
from migrate.mapping.shared_parts import in_order
from migrate.workspace import read_jsonl

# Small tables every part reads whole.
SHARED = ("languages", "time_zones")
# Read once for the whole inventory, not per part.
GLOBAL = ("warnings",)
# Records that name no provider: their part is their owner's (a user, a service instance).
_OWNED = {"user_settings": "user_id", "group_features": "id"}
# Lines cut at a time, here or in the worker: a few such chunks wait at most.
_CHUNK = 1000


class Partition:
    """The inventory of ``workspace`` by part, in ``db``."""

    def __init__(
        self, workspace: Path, db: sqlite3.Connection, workers: Workers | None = None
    ) -> None:
        self.workspace = workspace
        self._db = db
        self._workers = workers
        db.execute(
            "CREATE TABLE lines (part TEXT, entity TEXT, seq INTEGER, owner TEXT, line TEXT)"
        )
        db.execute("CREATE TABLE owners (uid TEXT PRIMARY KEY, part TEXT)")
        for entity in inv.ENTITIES:
            if entity not in SHARED and entity not in GLOBAL:
                self._load(entity)
        # A setting or feature without a provider goes with its user or instance.
        db.execute(
            "UPDATE lines SET part = COALESCE("
            "(SELECT part FROM owners WHERE owners.uid = lines.owner), '') WHERE part IS NULL"
        )
        db.execute("CREATE INDEX lines_part ON lines (part, entity, seq)")
        db.commit()
        self.parts: list[str] = [
            str(row[0]) for row in db.execute("SELECT DISTINCT part FROM lines ORDER BY part")
        ]

    def _load(self, entity: str) -> None:
        path = inv.inventory_dir(self.workspace) / f"{entity}.jsonl"
        if not path.exists():
            return
        calls = ((path, entity, first, raws) for first, raws in _chunks(path))
        for batch, owners in in_order(cut_lines, calls, self._workers):
            self._flush(batch, owners)

    def _flush(self, batch: list[_Row], owners: list[tuple[str, str]]) -> None:
        self._db.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", batch)
        self._db.executemany("INSERT OR IGNORE INTO owners VALUES (?, ?)", owners)

    def write(self, part: str, folder: Path) -> Path:
        """``folder`` becomes a workspace whose inventory is ``part``'s; returns it."""
        target = inv.inventory_dir(folder)
        target.mkdir(parents=True)
        source = inv.inventory_dir(self.workspace)
        for entity in SHARED:
            if (source / f"{entity}.jsonl").exists():
                shutil.copyfile(source / f"{entity}.jsonl", target / f"{entity}.jsonl")
        handles: dict[str, Any] = {}
        try:
            for entity, line in self._lines(part):
                handle = handles.get(entity)
                if handle is None:
                    handle = handles[entity] = (target / f"{entity}.jsonl").open(
                        "w", encoding="utf-8", newline="\n"
                    )
                handle.write(line)
                handle.write("\n")
        finally:
            for handle in handles.values():
                handle.close()
        return folder

    def _lines(self, part: str) -> Iterator[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT entity, line FROM lines WHERE part = ? ORDER BY entity, seq", (part,)
        )
        for entity, line in rows:
            yield str(entity), str(line)


_Row = tuple[str | None, str, int, str | None, str]


def cut_lines(
    path: Path, entity: str, first: int, raws: list[bytes]
) -> tuple[list[_Row], list[tuple[str, str]]]:
    """The ``lines`` rows of ``raws``, lines ``first``… of ``entity``'s ``path``, and the
    users and service instances they place in a part (in any process)."""
    owned = _OWNED.get(entity)
    batch: list[_Row] = []
    owners: list[tuple[str, str]] = []
    for number, line, record in _lines(path, first, raws):
        _check(path, number, entity, record)
        part = record.get("sp_id") or None
        owner = None
        if part is None:
            owner = str(record.get(owned)) if owned else None
            part = None if owned else ""
        if entity == "users" and part:
            owners.append((str(record.get("user_id")), part))
        elif entity == "service_instances" and part:
            owners.append((str(record.get("service_user_id")), part))
        batch.append((part, entity, number, owner, line))
    return batch, owners


def _chunks(path: Path) -> Iterator[tuple[int, list[bytes]]]:
    """``path``'s lines, ``_CHUNK`` at a time, with the number of the first."""
    with path.open("rb") as handle:
        first = 1
        while raws := list(itertools.islice(handle, _CHUNK)):
            yield first, raws
            first += len(raws)


def _lines(path: Path, first: int, raws: list[bytes]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(line number, line, object)``: the line is kept as it is, not written again."""
    for number, raw in enumerate(raws, start=first):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            for _ in read_jsonl(path):  # names the damaged line as every reader does
                pass
            raise WorkspaceError(f"{path}:{number}: damaged line")
        yield number, line, record


def _check(path: Path, number: int, entity: str, record: dict[str, Any]) -> None:
    """A record that does not fit is named here, by its line in the real inventory."""
    try:
        inv.from_dict(inv.ENTITIES[entity], record)
    except (TypeError, ValueError, AttributeError) as err:
        raise WorkspaceError(f"{path}:{number}: damaged record: {err}") from err
