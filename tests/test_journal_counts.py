"""The journal's counts per (customer, batch, type, state), kept by triggers, are exactly
the actions table's GROUP BY after every kind of write, and a write undone undoes them.
A journal written before them gets them from its first writer; readers fall back."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from migrate.errors import WorkspaceError
from migrate.load.journal import Journal, JournalAction
from migrate.plan.actions import ACTIVATE_NUMBERS
from migrate.stages.settings import Settings
from migrate.stages.status import status

Group = tuple[str, int, str, str, int]


def _action(key: str, customer: str, batch: int = 0, payload: str = "p") -> JournalAction:
    return JournalAction(key, key.split(":")[0], customer, batch, 0, {"p": payload}, (), None)


PLAN = [
    _action("create_customer:a", "a"),
    _action("create_subscriber:a:1", "a"),
    _action("create_subscriber:a:2", "a"),
    _action(f"{ACTIVATE_NUMBERS}:a", "a"),
    _action("create_customer:b", "b", 3),
    _action("create_subscriber:b:1", "b", 3),
]


def _grouped(db: sqlite3.Connection) -> list[Group]:
    rows = db.execute(
        "SELECT customer, batch, type, state, COUNT(*) FROM actions "
        "GROUP BY customer, batch, type, state ORDER BY customer, batch, type, state"
    )
    return [tuple(row) for row in rows]


def _counted(db: sqlite3.Connection) -> list[Group]:
    rows = db.execute(
        "SELECT customer, batch, type, state, n FROM action_counts WHERE n > 0 "
        "ORDER BY customer, batch, type, state"
    )
    return [tuple(row) for row in rows]


def _agree(journal: Journal) -> list[Group]:
    grouped = _grouped(journal._db)
    assert _counted(journal._db) == grouped
    return grouped


def _forget_counts(workspace: Path) -> None:
    """The journal as a release before the counts wrote it."""
    with closing(sqlite3.connect(workspace / "journal.sqlite")) as db:
        for trigger in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER action_counts_{trigger}")
        db.execute("DROP TABLE action_counts")
        db.commit()


def test_the_counts_are_the_group_by_after_every_write(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        assert _agree(journal) == []
        assert journal.record_plan(PLAN) == len(PLAN)
        assert journal.record_plan([*PLAN[:2], _action("create_location:a", "a")]) == 1
        _agree(journal)
        # A later plan: new payloads for what is not done, one action more.
        journal.write_plan([_action("create_customer:a", "a", payload="q"), _action("x:c", "c")])
        journal.assign_batch(["create_customer:a", "create_subscriber:a:1", "x:c"], 2)
        assert ("a", 2, "create_customer", "pending", 1) in _agree(journal)
        run = journal.begin_run("load", None)
        journal.start("create_customer:a", run)
        assert ("a", 2, "create_customer", "started", 1) in _agree(journal)
        journal.succeed("create_customer:a", run, {"id": "A"})
        journal.start("create_subscriber:a:1", run)
        journal.fail("create_subscriber:a:1", run, "webex", "400", "refused")
        journal.skip("create_subscriber:a:2", run, "create_subscriber:a:1 failed")
        journal.park("create_customer:b", run, "pending_rpl_review")
        journal.park("create_customer:b", run, "pending_rpl_review")  # parked again
        _agree(journal)
        # retry: the failed one again, then the rollback of what succeeded.
        journal.start("create_subscriber:a:1", run)
        journal.succeed("create_subscriber:a:1", run, {"id": "S"})
        journal.roll_back("create_customer:a", run)
        journal._db.execute("DELETE FROM actions WHERE key = 'x:c'")
        grouped = _agree(journal)
    assert ("a", 2, "create_customer", "rolled_back", 1) in grouped
    assert ("a", 2, "create_subscriber", "succeeded", 1) in grouped
    assert ("b", 3, "create_customer", "parked", 1) in grouped
    assert sum(n for *_group, n in grouped) == len(PLAN) + 1


def test_a_write_undone_leaves_the_counts_as_they_were(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.record_plan(PLAN)
    run = journal.begin_run("load", None)
    before = _agree(journal)
    with pytest.raises(KeyError):
        journal.succeed("no:such", run, {})
    with pytest.raises(RuntimeError), journal._transaction():
        journal._db.execute("UPDATE actions SET state = 'failed'")
        raise RuntimeError("the write fails halfway")
    assert _agree(journal) == before
    # A success held for the next write, lost with the process before it came.
    journal.succeed("create_customer:a", run, {"id": "A"}, held=True)
    assert ("a", 0, "create_customer", "succeeded", 1) in _agree(journal)
    journal._db.close()
    with Journal(tmp_path) as reopened:
        assert _agree(reopened) == before


def test_a_journal_without_counts_is_counted_by_readers_and_given_them_by_a_writer(
    tmp_path: Path,
) -> None:
    with Journal(tmp_path) as journal:
        journal.record_plan(PLAN)
        run = journal.begin_run("load", None)
        journal.succeed(f"{ACTIVATE_NUMBERS}:a", run, {})
        journal.fail("create_subscriber:b:1", run, "webex", "400", "refused")
    settings = Settings(tmp_path, tmp_path / "r")
    counted = status(settings).to_dict()
    _forget_counts(tmp_path)
    # status (a reader) counts from the index and writes nothing.
    assert status(settings).to_dict() == counted
    with closing(sqlite3.connect(tmp_path / "journal.sqlite")) as db:
        assert (
            db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'action_c%'").fetchall()
            == []
        )
    with Journal(tmp_path) as writer:
        grouped = _agree(writer)
        writer.start("create_customer:a", run)
        _agree(writer)
    assert len(grouped) == 5
    after = status(settings).to_dict()
    assert after["counts"] == {**counted["counts"], "pending": 3, "started": 1}
    assert after["customers"]["a"] == {"pending": 2, "started": 1, "succeeded": 1}


def test_counts_that_missed_a_write_are_named(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.record_plan(PLAN)
    # A write of the counts' page lost: the table says otherwise.
    with closing(sqlite3.connect(tmp_path / "journal.sqlite")) as db:
        db.execute("UPDATE action_counts SET n = n - 1 WHERE customer = 'b' AND n > 0")
        db.commit()
    with pytest.raises(WorkspaceError, match="the actions table holds 6 actions, its counts 4"):
        status(Settings(tmp_path, tmp_path / "r"))
