"""``map`` one service provider at a time: memory follows the largest provider.

Pass one maps each part of the inventory (``partition``) on its own, files
its emails, numbers and MACs in the platform index (``holders``) and spills
its model to disk. Pass two finalizes each part, the checks that span parts
answered by the index, and files its records for the model files
(``ordered_records``); what concerns no part (extract warnings, migrate.toml
keys) is checked once, against every customer and location. Output is the
one-model mapping's, record for record.
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

from migrate import inventory as inv
from migrate.config import Config
from migrate.errors import InputError
from migrate.extract.workers import Workers
from migrate.mapping import workspaces
from migrate.mapping.context import BuildContext
from migrate.mapping.customers import unknown_configured_customers
from migrate.mapping.holders import Holders, PlatformIndex
from migrate.mapping.issues import Issues
from migrate.mapping.mapper import (
    check_config,
    extract_warnings,
    finalize_customers,
    map_records,
)
from migrate.mapping.model import Model, inventory_fingerprint
from migrate.mapping.ordered_records import OrderedRecords, record_rows
from migrate.mapping.partition import Partition
from migrate.mapping.shared_parts import in_order
from migrate.mapping.tables import Tables
from migrate.plan.model import Issue


class ProviderRun:
    """A map by parts, its work files in ``folder`` (a scratch folder of the workspace)."""

    def __init__(self, workspace: Path, tables: Tables, config: Config, folder: Path) -> None:
        if not inv.inventory_dir(workspace).is_dir():
            raise InputError(
                f"{inv.inventory_dir(workspace)}: no inventory; run `migrate extract` first"
            )
        self.workspace, self.tables, self.config, self.folder = workspace, tables, config, folder
        # Scratch: a failed map throws the database away, so no journal and no syncs.
        self.db_path = folder / "map.sqlite"
        self.db = sqlite3.connect(self.db_path)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.fingerprint = inventory_fingerprint(workspace)
        self.parts: list[str] = []
        self.index = PlatformIndex(self.db)
        self.records = OrderedRecords(self.db)
        self.customers: set[str] = set()
        self.locations: set[str] = set()
        self.subscribers = 0
        self.workers: Workers | None = None  # a worker process pass two may share parts with

    def close(self) -> None:
        self.db.close()

    def build(self) -> None:
        """Pass one: every part mapped, its claims filed, its model spilled."""
        partition = Partition(self.workspace, self.db)
        self.parts = partition.parts
        for number, part in enumerate(self.parts):
            folder = partition.write(part, self.folder / f"part-{number}")
            ctx = BuildContext(folder, self.tables, self.config)
            ctx.model.inventory_fingerprint = self.fingerprint
            map_records(ctx, self.index.macs)
            shutil.rmtree(folder)  # read once: the platform's inventory is not kept twice
            model = ctx.model
            self.customers.update(model.customers)
            self.locations.update(model.locations)
            self.subscribers += len(model.subscribers)
            self.index.claim(number, model)
            self._spill(number, model)
        self.index.settle()

    def unowned(self) -> Issues:
        """The issues of no part: extract warnings and migrate.toml against the platform."""
        issues = Issues()
        extract_warnings(issues, self.workspace)
        unknown_configured_customers(issues, self.config, self.customers)
        check_config(issues, self.config, self.customers, self.locations)
        return issues

    def merged(self) -> Model:
        """The whole platform as one model, as ``build`` gives it: for a platform whose
        review is one workbook, which needs it whole."""
        whole = Model(inventory_fingerprint=self.fingerprint)
        for number in range(len(self.parts)):
            part = self.load(number)
            for entity in fields(Model):
                records = getattr(part, entity.name)
                if isinstance(records, dict):
                    getattr(whole, entity.name).update(records)
            for issue_id, issue in part.issues.items.items():
                whole.issues.items.setdefault(issue_id, issue)
        extract_warnings(whole.issues, self.workspace)
        unknown_configured_customers(whole.issues, self.config, self.customers)
        return whole

    def finalize(self) -> Issues:
        """Pass two: every part finalized (shared with ``self.workers``) and its records
        filed; the issues of no customer (filed too)."""
        unowned = self.unowned()
        calls = (
            (self.spill_path(number), self.index.holders(number), self.tables, self.config)
            for number in range(len(self.parts))
        )
        for rows, strays in in_order(finalize_part, calls, self.workers):
            self.records.insert(rows)
            for issue_id, issue in strays:
                unowned.items.setdefault(issue_id, issue)
        stray = Model()
        stray.issues = unowned
        self.records.add(stray)
        return unowned

    def spill_path(self, number: int) -> Path:
        """Where part ``number``'s model waits between passes (finalized after pass two)."""
        return self.folder / f"part-{number}.pickle"

    def load(self, number: int) -> Model:
        return read_spill(self.spill_path(number))

    def _spill(self, number: int, model: Model) -> None:
        write_spill(self.spill_path(number), model)


def finalize_part(
    spill: Path, holders: Holders, tables: Tables, config: Config
) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[str, Issue]]]:
    """Pass two for the part spilled to ``spill`` (in any process of the run): finalized
    and spilled again; its rows for the model files and its issues of no customer."""
    model = read_spill(spill)
    finalize_customers(model, tables, config, holders)
    workspaces.derive(model)  # places → workspaces, device owners
    rows = record_rows(model)
    write_spill(spill, model)
    strays = [
        (issue_id, issue)
        for issue_id, issue in model.issues.items.items()
        if issue.customer_id not in model.customers
    ]
    return rows, strays


def write_spill(path: Path, model: Model) -> None:
    with path.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read_spill(path: Path) -> Model:
    """A part's model as :meth:`ProviderRun.spill_path` holds it (in any process of the run)."""
    with path.open("rb") as handle:
        model: Model = pickle.load(handle)  # noqa: S301 - this run's own spill file
    return model
