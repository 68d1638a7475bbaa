"""A damaged or unwritable workspace: one line naming the file (and line), exit 5, and
nothing sent to Webex; a write that fails leaves the previous output in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate.errors import ExitCode
from tests.migration_helpers import SAMPLES, common, invoke, stage
from tests.workspace_faults import can_mount, run_disk_full, run_read_only

WORKSPACE = int(ExitCode.WORKSPACE)


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """extract → map → plan of the acme sample (w/, r/, migrate.toml)."""
    return stage(tmp_path_factory.mktemp("damage"), SAMPLES / "acme-enterprise")


@pytest.fixture(scope="module")
def loaded(staged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("loaded") / "case"
    shutil.copytree(staged, root)
    code, _out, err = invoke("load", *common(root), "--sandbox")
    assert code == 0, err
    return root


@pytest.fixture
def case(staged: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(staged, tmp_path / "case"))


@pytest.fixture
def loaded_case(loaded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(loaded, tmp_path / "case"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def damage_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "says"),
    [('{"user_id": "broken', "damaged line"), ("[1, 2]", "not a JSON object")],
)
def test_a_damaged_inventory_line_is_named_and_the_model_kept(
    case: Path, text: str, says: str
) -> None:
    users = case / "w" / "inventory" / "users.jsonl"
    damage_line(users, 2, text)
    model = snapshot(case / "w" / "model")
    code, _out, err = invoke("map", *common(case))
    assert code == WORKSPACE, err
    line = one_line(err)
    assert f"{users}:2: " in line and says in line
    assert snapshot(case / "w" / "model") == model


@pytest.mark.parametrize(
    ("text", "says"),
    [('{"id": "x", "customer_id": ', "damaged line"), ('{"nothing": 1}', "damaged record")],
)
def test_a_damaged_model_line_is_named_and_the_plan_kept(case: Path, text: str, says: str) -> None:
    subscribers = case / "w" / "model" / "subscribers.jsonl"
    damage_line(subscribers, 1, text)
    plan = (case / "w" / "plan.json").read_bytes()
    code, _out, err = invoke("plan", *common(case))
    assert code == WORKSPACE, err
    line = one_line(err)
    assert f"{subscribers}:1: " in line and says in line
    assert (case / "w" / "plan.json").read_bytes() == plan


def test_a_damaged_plan_is_named_before_anything_is_sent(case: Path) -> None:
    plan = case / "w" / "plan.json"
    plan.write_text(plan.read_text(encoding="utf-8")[:500], encoding="utf-8")
    code, _out, err = invoke("load", *common(case), "--sandbox")
    assert code == WORKSPACE, err
    assert f"{plan}:" in one_line(err) and "damaged" in err
    assert not (case / "w" / "journal.sqlite").exists()
    assert not (case / "w" / "sandbox-state.json").exists()  # the sandbox was never opened


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        (0, "file is not a database"),  # the header
        (4096 * 2, "malformed"),  # a page in the middle: only the check finds it
    ],
)
@pytest.mark.parametrize("command", ["retry", "load", "rollback"])
def test_a_damaged_journal_is_refused_before_anything_is_sent(
    loaded_case: Path, where: int, says: str, command: str
) -> None:
    journal = loaded_case / "w" / "journal.sqlite"
    assert journal.stat().st_size > where + 4096
    _overwrite(journal, where, b"\xa5" * 256)
    damaged = journal.read_bytes()
    state = (loaded_case / "w" / "sandbox-state.json").read_bytes()
    extra = ["--yes", "--customer", "acme-ent"] if command == "rollback" else []
    code, _out, err = invoke(command, *common(loaded_case), "--sandbox", *extra)
    assert code == WORKSPACE, err
    line = one_line(err)
    assert f"{journal}: the journal is damaged" in line and says in line
    assert journal.read_bytes() == damaged  # not repaired, not replaced
    assert (loaded_case / "w" / "sandbox-state.json").read_bytes() == state


def test_status_names_a_damaged_journal(loaded_case: Path) -> None:
    journal = loaded_case / "w" / "journal.sqlite"
    _overwrite(journal, 4096 * 2, b"\xa5" * 256)
    code, _out, err = invoke("status", *common(loaded_case))
    assert code == WORKSPACE
    assert f"{journal}: the journal is damaged" in one_line(err)


def test_a_read_only_reports_folder_is_found_before_the_load(case: Path) -> None:
    reports = case / "r"
    before = snapshot(reports)
    done = run_read_only(reports, ["load", *common(case), "--sandbox"])
    assert done.returncode == WORKSPACE, done.stderr
    line = one_line(done.stderr)
    assert f"{reports}: the reports folder cannot be written" in line
    assert not (case / "w" / "journal.sqlite").exists()
    assert not (case / "w" / "sandbox-state.json").exists()
    assert snapshot(reports) == before


@pytest.mark.parametrize("command", ["load", "map", "plan"])
def test_a_read_only_workspace_is_found_before_anything(case: Path, command: str) -> None:
    workspace = case / "w"
    before = snapshot(workspace)
    extra = ["--sandbox"] if command == "load" else []
    done = run_read_only(workspace, [command, *common(case), *extra])
    assert done.returncode == WORKSPACE, done.stderr
    assert f"{workspace}: the workspace cannot be written" in one_line(done.stderr)
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    ("command", "kept", "named"),
    [
        ("map", "w/model", "w/model"),  # a staged folder
        ("plan", "w/plan.json", "w/plan.json"),  # a staged file
        ("report", "r", "r/"),  # workbooks
    ],
)
def test_a_full_disk_keeps_the_previous_output_and_names_the_file(
    case: Path, command: str, kept: str, named: str
) -> None:
    invoke("report", *common(case))  # every workbook there, to be kept
    done, intact, left = run_disk_full(case, [command, *common(case)], case / kept)
    assert "exit=5" in done.stdout, (done.stdout, done.stderr)
    line = one_line(done.stderr)
    assert f"{case / named}" in line and "cannot write" in line, line
    reason = "No space left on device" if can_mount() else "File too large"
    assert reason in line
    assert intact, done.stdout  # every file of the previous output, byte for byte
    assert not [name for name in left if ".new-" in name or name.endswith(".old")]
