"""The workspace: its file names, its saved stage results, and the write-then-swap rule.

A stage writes its output folder under a temporary name beside the final one
and swaps it in only when everything is written, so a failed or interrupted
run never leaves half an inventory or half a model behind. A write that
fails (a full disk, a folder made read-only) ends in one :class:`WorkspaceError`
naming the file, with the previous version still in place.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import PreconditionError, WorkspaceError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish_mode(path: Path, directory: bool = False) -> None:
    """Give a temp file or folder the mode a plain create would (mkstemp makes them private)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def cannot_write(path: Path, err: OSError) -> WorkspaceError:
    """The one-line error of a write that failed; the previous ``path`` is left as it was."""
    reason = err.strerror or str(err) or type(err).__name__
    return WorkspaceError(f"{path}: cannot write ({reason}); the previous version is kept")


def check_writable(folder: Path, what: str) -> None:
    """Refuse early a folder the stage could not write its output to (read-only, full).

    A byte is written, not only a name created: a full disk often still has inodes.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".write-check-", dir=folder)
        try:
            os.write(handle, b"\n")
        finally:
            os.close(handle)
            os.unlink(name)
    except OSError as err:
        reason = err.strerror or str(err)
        raise WorkspaceError(
            f"{folder}: the {what} cannot be written ({reason}); nothing was started"
        ) from err


def read_json(path: Path) -> Any:
    """A JSON file of the workspace; a damaged one is named with its line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise WorkspaceError(f"{path}: damaged: not UTF-8 at byte {err.start}") from err
    except json.JSONDecodeError as err:
        raise WorkspaceError(
            f"{path}:{err.lineno}: damaged: {err.msg} (column {err.colno})"
        ) from err


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` of every non-blank line; a damaged line is named."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                detail = (
                    f"{err.msg} (column {err.colno})"
                    if isinstance(err, json.JSONDecodeError)
                    else "not UTF-8"
                )
                raise WorkspaceError(f"{path}:{number}: damaged line: {detail}") from err
            if not isinstance(record, dict):
                raise WorkspaceError(f"{path}:{number}: damaged line: not a JSON object")
            yield number, record


# What a failed write raises; any other OSError in a staged block (an input that cannot be
# read, say) is not the output's and passes through as it is.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def _is_write_error(err: OSError, staging: Path) -> bool:
    if err.errno in _WRITE_ERRNOS:
        return True
    return bool(err.filename) and Path(os.fsdecode(err.filename)).is_relative_to(staging)


def _final_name(err: OSError, staging: Path, final: Path) -> Path:
    """The file the user knows: a name inside the staging folder maps to the final one."""
    if err.filename:
        failed = Path(os.fsdecode(err.filename))
        if failed.is_relative_to(staging):
            return final / failed.relative_to(staging)
    return final


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty folder that replaces ``final`` only if the block succeeds."""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
    except OSError as err:
        raise cannot_write(final, err) from err
    try:
        yield staging
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        if not _is_write_error(err, staging):
            raise
        raise cannot_write(_final_name(err, staging, final), err) from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_mode(staging, directory=True)
    previous = final.parent / f".{final.name}.old"
    try:
        if previous.exists():
            shutil.rmtree(previous)
        if final.exists():
            os.replace(final, previous)
        os.replace(staging, final)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise cannot_write(final, err) from err
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def staged_file(final: Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``final`` only if the block succeeds."""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=final.suffix, dir=final.parent
        )
    except OSError as err:
        raise cannot_write(final, err) from err
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
        publish_mode(staging)
        os.replace(staging, final)
    except OSError as err:
        staging.unlink(missing_ok=True)
        if not _is_write_error(err, staging):
            raise
        raise cannot_write(final, err) from err
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


# Every name under the workspace folder; no other module spells one.
INVENTORY_DIR = "inventory"
MODEL_DIR = "model"
MANIFEST = "manifest.json"  # in the inventory and the model folders
OVERRIDES_LOG = "overrides.jsonl"  # what `map --overrides` applied, kept in the model folder
PLAN_FILE = "plan.json"
JOURNAL_FILE = "journal.sqlite"
LOCK_FILE = ".lock"
SANDBOX_STATE = "sandbox-state.json"
OCI_EXPORT_DIR = "oci-export"  # what `extract --from-oci` asked and was answered, pair by pair
_RESULT_SUFFIX = ".json"

# Stage results kept so that ``migrate report`` can rebuild workbooks offline.
PRECHECK_RESULT = "precheck"
VERIFY_RESULT = "verify"
BILLING_RESULT = "billing"
CUTOVER_RESULT = "cutover"  # per customer: when it was cut over, forced or not
SETUP_ASSIST_RESULT = "setup-assist"
# The Setup Assist request list (under the reports folder): `setup-assist` and `load` write it.
SETUP_ASSIST_REPORT = "setup-assist.xlsx"


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

    @property
    def oci_export(self) -> Path:
        return self.root / OCI_EXPORT_DIR

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
        data = read_json(path)
        if not isinstance(data, dict):
            raise WorkspaceError(f"{path}: damaged: not a JSON object")
        return data

    def check_writable(self) -> None:
        """Refuse (exit 5) a workspace the stage could not write to, before it starts."""
        check_writable(self.root, "workspace")
