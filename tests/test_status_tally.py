"""``status`` counts in sqlite: the same answer as walking every action, without reading them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.load.cutover_states import customer_states
from migrate.load.journal import FAILED, PARKED, Attention, Journal, JournalAction
from migrate.plan.actions import ACTIVATE_NUMBERS
from migrate.reports.load_report import write_load_report, write_load_workbook
from migrate.stages.settings import Settings
from migrate.stages.status import status


def _action(key: str, customer: str, batch: int, ordinal: int) -> JournalAction:
    return JournalAction(key, key.split(":")[0], customer, batch, ordinal, {}, (), None)


def _journal(workspace: Path) -> None:
    plan = [
        _action("create_customer:a", "a", 1, 0),
        _action("create_subscriber:a:1", "a", 1, 1),
        _action(f"{ACTIVATE_NUMBERS}:a", "a", 1, 2),
        _action("create_customer:b", "b", 2, 0),
        _action("create_subscriber:b:1", "b", 2, 1),
        _action("create_customer:c", "c", 0, 0),
        _action(f"{ACTIVATE_NUMBERS}:c", "c", 0, 1),
        _action("create_customer:d", "d", 2, 0),
    ]
    with Journal(workspace) as journal:
        journal.record_plan(plan)
        run = journal.begin_run("load", None)
        for key in ("create_customer:a", "create_subscriber:a:1", f"{ACTIVATE_NUMBERS}:a"):
            journal.succeed(key, run, {})
        journal.succeed("create_customer:b", run, {})
        journal.fail("create_subscriber:b:1", run, "webex", "400", "refused")
        journal.park("create_customer:c", run, "customer_provisioning", "waiting")
        journal.succeed("create_customer:d", run, {})
        journal.end_run(run, "partial")


def test_status_tallies_states_customers_batches_and_cutover(tmp_path: Path) -> None:
    _journal(tmp_path)
    outcome = status(Settings(tmp_path, tmp_path / "r"))
    assert outcome.counts["succeeded"] == 5
    assert outcome.counts["failed"] == 1 and outcome.counts["parked"] == 1
    assert outcome.counts["pending"] == 1
    assert outcome.customers == {
        "a": {"succeeded": 3},
        "b": {"succeeded": 1, "failed": 1},
        "c": {"parked": 1, "pending": 1},
        "d": {"succeeded": 1},
    }
    assert [a.key for a in outcome.attention] == ["create_subscriber:b:1", "create_customer:c"]
    assert outcome.batches == {
        1: {"customers": ["a"], "states": {"succeeded": 3}},
        2: {"customers": ["b", "d"], "states": {"succeeded": 2, "failed": 1}},
    }
    with Journal(tmp_path) as journal:
        walked = {c: vars(s) for c, s in customer_states(journal.actions()).items()}
    assert outcome.cutover == walked
    assert outcome.cutover["a"]["state"] == "cut over"
    assert outcome.cutover["d"]["state"] == "staged"
    assert outcome.cutover["c"]["state"] == "cutover unfinished"


def test_status_reads_only_the_actions_that_need_attention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _journal(tmp_path)
    read: list[Attention] = []
    every_attention = Journal.attention

    def counted(self: Journal, states: Any = (FAILED, PARKED)) -> list[Attention]:
        found = every_attention(self, states)
        read.extend(found)
        return found

    def refused(self: Journal, *args: Any, **options: Any) -> Any:
        raise AssertionError("status read whole actions")

    monkeypatch.setattr(Journal, "attention", counted)
    monkeypatch.setattr(Journal, "actions", refused)
    outcome = status(Settings(tmp_path, tmp_path / "r"))
    assert sum(outcome.counts.values()) == 8
    assert sorted(a.key for a in read) == ["create_customer:c", "create_subscriber:b:1"]
    # Compact rows carry what status shows: the state, the code and the message.
    failed = next(a for a in outcome.attention if a.state == FAILED)
    assert (failed.key, failed.customer) == ("create_subscriber:b:1", "b")
    assert failed.error_message


def test_load_workbook_streamed_from_the_journal_is_the_one_made_from_its_actions(
    tmp_path: Path,
) -> None:
    _journal(tmp_path)
    summary = [("Run", 1)]
    streamed = write_load_report(tmp_path, tmp_path / "streamed.xlsx", summary)
    with Journal(tmp_path) as journal:
        actions, runs, since = journal.actions(), journal.runs(), journal.parked_since()
    listed = write_load_workbook(tmp_path / "listed.xlsx", summary, actions, runs, since)

    def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(path, read_only=True)
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}

    assert rows(streamed) == rows(listed)
    keys = [r[4] for r in rows(streamed)["Actions"][1:]]
    # What did not finish comes first.
    assert keys[:3] == ["create_subscriber:b:1", "create_customer:c", f"{ACTIVATE_NUMBERS}:c"]
    assert len(keys) == 8


def test_the_tally_is_every_actions_group_by_with_the_latest_update_of_the_dated_type(
    tmp_path: Path,
) -> None:
    ticks = iter(range(1, 100))

    def clock() -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=next(ticks))

    plan = [
        _action(f"{kind}:{customer}:{n}", customer, batch, n)
        for customer, batch in (("a", 1), ("b", 2), ("c", 0))
        for n, kind in enumerate([ACTIVATE_NUMBERS] * 3 + ["create_subscriber"] * 3)
    ]
    with Journal(tmp_path, clock=clock) as journal:
        journal.record_plan(plan)
        run = journal.begin_run("load", None)
        # Several switches of one group updated at different times, out of key order.
        for key in (f"{ACTIVATE_NUMBERS}:a:2", f"{ACTIVATE_NUMBERS}:a:0", "create_subscriber:a:4"):
            journal.succeed(key, run, {})
        journal.fail(f"{ACTIVATE_NUMBERS}:b:1", run, "webex", "400", "refused")
        journal.roll_back(f"{ACTIVATE_NUMBERS}:a:1", run)
        journal.succeed("create_subscriber:c:3", run, {})
        tally = journal.tally(dated=ACTIVATE_NUMBERS)
        grouped = journal._db.execute(
            "SELECT customer, batch, type, state, COUNT(*), "
            "COALESCE(MAX(CASE WHEN type = ? THEN updated_at END), '') FROM actions "
            "GROUP BY customer, batch, type, state ORDER BY customer, batch, type, state",
            (ACTIVATE_NUMBERS,),
        ).fetchall()
        latest = journal._db.execute(
            "SELECT MAX(updated_at) FROM actions WHERE customer = 'a' AND type = ? "
            "AND state = 'succeeded'",
            (ACTIVATE_NUMBERS,),
        ).fetchone()[0]
    assert tally == [tuple(row) for row in grouped]
    assert ("a", 1, ACTIVATE_NUMBERS, "succeeded", 2, latest) in tally
    assert ("a", 1, "create_subscriber", "succeeded", 1, "") in tally
    assert sum(row[4] for row in tally) == len(plan)
