"""``map`` one service provider at a time: memory follows the largest provider.

Pass one maps each part of the inventory (``partition``) on its own, files
its emails, numbers and MACs in the platform index (``holders``) and spills
its model to disk. Pass two finalizes each part, the checks that span parts
answered by the index, and files its records for the model files
(``ordered_records``); what concerns no part (extract warnings, migrate.toml
keys) is checked once, against every customer and location. Output is the
one-model mapping's, record for record.

Where there is a second core, both passes (and the split review after them)
share the parts with a worker process (``shared_parts``, ``part_passes``):
each part is done wherever is free, and filed here in part order.
"""

from __future__ import annotations

import shutil
import sqlite3
from concurrent.futures import Future
from dataclasses import fields
from pathlib import Path

from migrate import inventory as inv
from migrate.config import Config
from migrate.errors import InputError
from migrate.extract.workers import Workers
from migrate.mapping.customers import unknown_configured_customers
from migrate.mapping.holders import PlatformIndex
from migrate.mapping.issues import Issues
from migrate.mapping.mapper import (
    check_config,
    extract_warnings,
)
from migrate.mapping.model import Model, inventory_fingerprint
from migrate.mapping.ordered_records import OrderedRecords
from migrate.mapping.part_passes import finalize_part, map_part, read_spill
from migrate.mapping.partition import Partition
from migrate.mapping.shared_parts import in_order
from migrate.mapping.tables import Tables


class ProviderRun:
    """A map by parts, its work files in ``folder`` (a scratch folder of the workspace)."""

    def __init__(
        self,
        workspace: Path,
        tables: Tables,
        config: Config,
        folder: Path,
        workers: Workers | None = None,
    ) -> None:
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
        # A worker the passes share parts with; it reads the inventory's fingerprint
        # while this process cuts the inventory into parts.
        self.workers = workers
        self._fingerprint: str | Future[str] = (
            inventory_fingerprint(workspace)
            if workers is None
            else workers.pool().submit(inventory_fingerprint, workspace)
        )
        self.parts: list[str] = []
        self.index = PlatformIndex(self.db)
        self.records = OrderedRecords(self.db)
        self.customers: set[str] = set()
        self.locations: set[str] = set()
        self.subscribers = 0

    @property
    def fingerprint(self) -> str:
        if not isinstance(self._fingerprint, str):
            self._fingerprint = self._fingerprint.result()
        return self._fingerprint

    def close(self) -> None:
        self.db.close()

    def build(self) -> None:
        """Pass one: every part mapped (shared with ``self.workers``), its claims filed,
        its model spilled."""
        partition = Partition(self.workspace, self.db, self.workers)
        self.parts = partition.parts
        calls = (
            (
                partition.write(part, self._part_folder(number)),
                self.spill_path(number),
                self.tables,
                self.config,
                self.fingerprint,
            )
            for number, part in enumerate(self.parts)
        )
        for number, mapped in enumerate(in_order(map_part, calls, self.workers)):
            folder = self._part_folder(number)
            if self.index.macs.held(mapped.macs):
                # An earlier part has one of its MACs: mapped again, against theirs.
                mapped = map_part(
                    folder,
                    self.spill_path(number),
                    self.tables,
                    self.config,
                    self.fingerprint,
                    self.index.macs,
                )
            else:
                self.index.macs.file(mapped.macs)
            shutil.rmtree(folder)  # read once: the platform's inventory is not kept twice
            self.customers.update(mapped.customers)
            self.locations.update(mapped.locations)
            self.subscribers += mapped.subscribers
            self.index.file(number, mapped.claims)
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

    def _part_folder(self, number: int) -> Path:
        """Where part ``number``'s inventory is while pass one maps it."""
        return self.folder / f"part-{number}"
