"""The workspace: its file names, its saved stage results, and the write-then-swap rule.

A stage writes its output folder under a temporary name beside the final one
and swaps it in only when everything is written, so a failed or interrupted
run never leaves half an inventory or half a model behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import PreconditionError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_mode(path: Path, directory: bool = False) -> None:
    """Give a temp file or folder the mode a plain create would (mkstemp makes them private)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty folder that replaces ``final`` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_mode(staging, directory=True)
    previous = final.parent / f".{final.name}.old"
    if previous.exists():
        shutil.rmtree(previous)
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def staged_file(final: Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``final`` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=final.suffix, dir=final.parent)
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    publish_mode(staging)
    os.replace(staging, final)


# Every name under the workspace folder; no other module spells one.
INVENTORY_DIR = "inventory"
MODEL_DIR = "model"
MANIFEST = "manifest.json"  # in the inventory and the model folders
OVERRIDES_LOG = "overrides.jsonl"  # what `map --overrides` applied, kept in the model folder
PLAN_FILE = "plan.json"
JOURNAL_FILE = "journal.sqlite"
LOCK_FILE = ".lock"
SANDBOX_STATE = "sandbox-state.json"
_RESULT_SUFFIX = ".json"

# Stage results kept so that ``migrate report`` can rebuild workbooks offline.
PRECHECK_RESULT = "precheck"
VERIFY_RESULT = "verify"
BILLING_RESULT = "billing"
CUTOVER_RESULT = "cutover"  # per customer: when it was cut over, forced or not


@dataclass(frozen=True)
class Workspace:
    """The folder every stage reads and writes: its layout and its saved stage results."""

    root: Path

    @property
    def inventory_dir(self) -> Path:
        return self.root / INVENTORY_DIR

    @property
    def model_dir(self) -> Path:
        return self.root / MODEL_DIR

    @property
    def inventory_manifest(self) -> Path:
        return self.inventory_dir / MANIFEST

    @property
    def model_manifest(self) -> Path:
        return self.model_dir / MANIFEST

    @property
    def overrides_log(self) -> Path:
        return self.model_dir / OVERRIDES_LOG

    @property
    def plan_file(self) -> Path:
        return self.root / PLAN_FILE

    @property
    def journal_file(self) -> Path:
        return self.root / JOURNAL_FILE

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def sandbox_state(self) -> Path:
        return self.root / SANDBOX_STATE

    def result_file(self, name: str) -> Path:
        return self.root / f"{name}{_RESULT_SUFFIX}"

    def has_inventory(self) -> bool:
        return any(self.inventory_dir.glob("*.jsonl"))

    def has_plan(self) -> bool:
        return self.plan_file.is_file()

    def has_journal(self) -> bool:
        return self.journal_file.exists()

    def require_journal(self, consequence: str) -> None:
        """Refuse (exit 3) a command that needs a load to have run."""
        if not self.has_journal():
            raise PreconditionError(f"{self.journal_file}: no journal; {consequence}")

    def ensure(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root

    def save_result(self, name: str, data: Mapping[str, Any]) -> Path:
        """Keep a stage's result (its ``to_dict()``), replacing the previous one whole."""
        path = self.result_file(name)
        with staged_file(path) as staging:
            staging.write_text(
                json.dumps(data, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8"
            )
        return path

    def load_result(self, name: str) -> dict[str, Any] | None:
        """The result ``save_result`` kept, or None when that stage has not run here."""
        path = self.result_file(name)
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
