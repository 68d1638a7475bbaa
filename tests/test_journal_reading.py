"""``status`` and ``report`` do not check every page of the journal, yet name the damage
in what they read; ``report`` reads what happened, not the plan's fields.

Each case damages a page that their own queries would not stumble on, or would stumble
on with a traceback, and expects the one-line "damaged" error (exit 5).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from migrate.errors import ExitCode
from migrate.load.journal import SUCCEEDED, Journal, JournalAction
from tests.migration_helpers import invoke


def _action(n: int) -> JournalAction:
    key = f"create_subscriber:ent1:{n:04d}"
    # A payload of some size: the table spreads over many pages, the indexes do not.
    payload = {"email": f"user{n}@example.com", "note": "x" * 300}
    return JournalAction(
        key, "create_subscriber", "ent1", 1, n, payload, ("create_customer:ent1",), {"type": "x"}
    )


def _journal(workspace: Path, actions: int) -> Path:
    """Every action succeeded: status reads none of the table's rows."""
    with Journal(workspace) as journal:
        journal.record_plan([_action(n) for n in range(actions)])
        run = journal.begin_run("load", None)
        for n in range(actions):
            journal.succeed(_action(n).key, run, {"personId": f"p{n}"})
        journal.end_run(run, "completed")
    return workspace / "journal.sqlite"


def _pages(journal: Path, name: str) -> list[tuple[int, str]]:
    # Closed at once: the journal's last connection to close folds the WAL into the file.
    with closing(sqlite3.connect(journal)) as db:
        rows = db.execute(
            "SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno", (name,)
        )
        return [(int(page), kind) for page, kind in rows]


def _page_size(journal: Path) -> int:
    with closing(sqlite3.connect(journal)) as db:
        return int(db.execute("PRAGMA page_size").fetchone()[0])


def _write_page(journal: Path, page: int, data: bytes) -> None:
    with journal.open("r+b") as handle:
        handle.seek((page - 1) * _page_size(journal))
        handle.write(data)


def _read_page(journal: Path, page: int) -> bytes:
    size = _page_size(journal)
    with journal.open("rb") as handle:
        handle.seek((page - 1) * size)
        return handle.read(size)


def _run(command: str, workspace: Path) -> tuple[int, str, str]:
    return invoke(command, "-w", str(workspace), "--reports", str(workspace.parent / "r"))


def _names_damage(workspace: Path, journal: Path, says: str, command: str = "status") -> None:
    code, _out, err = _run(command, workspace)
    assert code == int(ExitCode.WORKSPACE), err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert f"{journal}: the journal is damaged" in lines[0] and says in lines[0], lines[0]


def test_status_of_an_intact_journal_counts_every_action(tmp_path: Path) -> None:
    workspace = tmp_path / "w"
    _journal(workspace, 60)
    code, out, err = invoke("status", "-w", str(workspace), "--reports", str(tmp_path / "r"))
    assert code == 0, err
    assert f"{SUCCEEDED}" in out and "60" in out


@pytest.mark.parametrize("command", ["status", "report"])
def test_a_damaged_leaf_of_the_actions_table_is_named(tmp_path: Path, command: str) -> None:
    workspace = tmp_path / "w"
    journal = _journal(workspace, 60)
    leaves = [page for page, kind in _pages(journal, "actions") if kind == "leaf"]
    assert len(leaves) > 3
    # A leaf in the middle: no query of status reads it, only the walk of the table.
    _write_page(journal, leaves[len(leaves) // 2], b"\xa5" * 256)
    _names_damage(workspace, journal, "malformed", command)


def test_a_damaged_page_of_the_index_status_counts_from_is_named(tmp_path: Path) -> None:
    workspace = tmp_path / "w"
    journal = _journal(workspace, 60)
    leaves = [page for page, kind in _pages(journal, "actions_tally") if kind == "leaf"]
    _write_page(journal, leaves[len(leaves) // 2], b"\xa5" * 256)
    _names_damage(workspace, journal, "malformed")


def test_an_index_page_that_missed_a_write_is_named(tmp_path: Path) -> None:
    """A page left as it was before the last commit (a lost write, a copy taken mid-run):
    every page is well formed, but the index status counts from lacks an action."""
    workspace = tmp_path / "w"
    journal = _journal(workspace, 20)
    [(page, _kind)] = _pages(journal, "actions_tally")
    stale = _read_page(journal, page)
    with Journal(workspace) as opened:
        assert opened.record_plan([_action(20)]) == 1
    assert _pages(journal, "actions_tally") == [(page, "leaf")]
    _write_page(journal, page, stale)
    _names_damage(workspace, journal, "the actions table holds 21 actions, its index 20")


def test_report_reads_what_happened_without_the_plans_fields(tmp_path: Path) -> None:
    _journal(tmp_path, 5)
    with Journal(tmp_path) as journal:
        journal.fail(_action(3).key, 1, "webex", "400", "refused", tracking_id="T3")
        everything = journal.actions()
        outcomes = journal.actions(outcomes_only=True)
    assert everything[0].payload and everything[0].depends_on and everything[0].inverse
    assert everything[3].state == "failed" and everything[3].tracking_id == "T3"
    assert outcomes == [replace(a, payload={}, depends_on=(), inverse=None) for a in everything]


@pytest.mark.parametrize("command", ["status", "report"])
def test_a_journal_cut_short_is_named(tmp_path: Path, command: str) -> None:
    """A copy that stopped halfway: the pages the header counts are not all there."""
    workspace = tmp_path / "w"
    journal = _journal(workspace, 60)
    with journal.open("r+b") as handle:
        handle.truncate(journal.stat().st_size // 2)
    _names_damage(workspace, journal, "malformed", command)
