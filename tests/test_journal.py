"""The load journal and the workspace lock: what a crash leaves behind is exactly known."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrate.errors import ExitCode, PreconditionError, WorkspaceError
from migrate.load.journal import (
    CREATE_SENT,
    FAILED,
    INTERRUPTED,
    PARKED,
    PENDING,
    STARTED,
    SUCCEEDED,
    Journal,
    JournalAction,
)
from migrate.load.lock import lock_is_free, workspace_lock


def action(
    key: str, customer: str = "ent1", ordinal: int = 0, depends_on: tuple[str, ...] = ()
) -> JournalAction:
    return JournalAction(
        key=key,
        type=key.split(":")[0],
        customer=customer,
        batch=1,
        ordinal=ordinal,
        payload={"externalId": customer},
        depends_on=depends_on,
        inverse={"type": "delete", "of": key},
    )


def test_plan_is_recorded_once_and_keeps_states(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        plan = [
            action("create_customer:ent1"),
            action("create_subscriber:ent1:a", ordinal=1, depends_on=("create_customer:ent1",)),
        ]
        assert journal.record_plan(plan) == 2
        run = journal.begin_run("load", "fp1")
        journal.start("create_customer:ent1", run)
        journal.succeed("create_customer:ent1", run, {"customerId": "c-1"}, tracking_id="T1")
        assert journal.record_plan(plan) == 0  # a re-plan does not reset what happened
        done = journal.get("create_customer:ent1")
        assert done is not None
        assert (done.state, done.result, done.tracking_id, done.attempts) == (
            SUCCEEDED,
            {"customerId": "c-1"},
            "T1",
            1,
        )
        sub = journal.get("create_subscriber:ent1:a")
        assert sub is not None and sub.state == PENDING
        assert sub.depends_on == ("create_customer:ent1",)
        assert sub.inverse == {"type": "delete", "of": "create_subscriber:ent1:a"}


def test_failures_parking_and_events(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.record_plan([action("a"), action("b", ordinal=1)])
        run = journal.begin_run("load", None)
        journal.start("a", run)
        journal.fail("a", run, "transient", "429", "rate limited", tracking_id="T2")
        journal.start("b", run)
        journal.park("b", run, "pending_rpl_review", result={"customerId": "c-9"})
        journal.end_run(run, "partial")
        failed = journal.get("a")
        assert failed is not None
        assert (failed.state, failed.error_kind, failed.error_code) == (FAILED, "transient", "429")
        parked = journal.get("b")
        assert parked is not None
        assert (parked.state, parked.error_code, parked.result) == (
            PARKED,
            "pending_rpl_review",
            {"customerId": "c-9"},
        )
        assert [e["state"] for e in journal.events("a")] == [STARTED, FAILED]
        assert [a.key for a in journal.actions(states=[FAILED])] == ["a"]
        assert [a.key for a in journal.actions(states=[FAILED, PARKED])] == ["a", "b"]
        assert journal.runs()[0]["status"] == "partial"
        with pytest.raises(KeyError):
            journal.start("nope", run)


def test_a_create_sent_is_known_to_every_later_run(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from migrate.load.journal import Journal, JournalAction
        journal = Journal(Path({str(tmp_path)!r}))
        journal.record_plan([JournalAction("add_numbers:x", "add_numbers", "ent1", 1, 0,
                                           {{}}, (), None)])
        run = journal.begin_run("load", None)
        journal.start("add_numbers:x", run)
        journal.create_sent("add_numbers:x", run, ["+15550001", "+15550002"])
        os.kill(os.getpid(), signal.SIGKILL)  # the request was never answered
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with Journal(tmp_path) as journal:
        assert journal.creates_sent("add_numbers:x") == [["+15550001", "+15550002"]]
        assert journal.creates_sent("other") == []
        assert journal.created_keys() == {"add_numbers:x"}
        action = journal.get("add_numbers:x")
        assert action is not None and action.state == STARTED
        assert [e["state"] for e in journal.events("add_numbers:x")] == [STARTED, CREATE_SENT]
        # A refusal strikes off the create it answers, and that one only.
        run = journal.begin_run("retry", None)
        journal.create_sent("add_numbers:x", run, ["+15550003"])
        journal.create_refused("add_numbers:x", run, "400 not a number")
        assert journal.creates_sent("add_numbers:x") == [["+15550001", "+15550002"]]
        journal.create_refused("add_numbers:x", run, "409 in use")
        assert journal.creates_sent("add_numbers:x") == []
        assert journal.created_keys() == set()


def test_sigkill_after_start_leaves_the_action_started_and_frees_the_lock(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from migrate.load.journal import Journal, JournalAction
        from migrate.load.lock import lock_is_free, workspace_lock
        ws = Path({str(tmp_path)!r})
        with workspace_lock(ws, "load"):
            j = Journal(ws)
            j.record_plan([JournalAction("a", "t", "c", 1, 0, {{}}, (), None)])
            run = j.begin_run("load", None)
            j.start("a", run)
            print("started", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert child.returncode == -signal.SIGKILL
    assert child.stdout.strip() == "started"
    with Journal(tmp_path) as journal:
        started = journal.get("a")
        assert started is not None and started.state == STARTED and started.attempts == 1
    with workspace_lock(tmp_path, "retry"):
        pass  # the dead process's lock is gone


def test_second_writer_is_refused_with_exit_3(tmp_path: Path) -> None:
    with workspace_lock(tmp_path, "load"):
        script = (
            "from pathlib import Path\nfrom migrate.load.lock import workspace_lock\n"
            f"with workspace_lock(Path({str(tmp_path)!r}), 'load'): pass\n"
        )
        child = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        assert "PreconditionError" in child.stderr
        assert f"migrate load (pid {os.getpid()})" in child.stderr
    error = PreconditionError("x")
    assert error.exit_code == ExitCode.PRECONDITION


def test_the_lock_holder_marks_runs_a_dead_process_left_running(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        killed = journal.begin_run("load", "fp")  # its process died: never ended
        ended = journal.begin_run("retry", "fp")
        journal.end_run(ended, "done")
    assert lock_is_free(tmp_path)
    with workspace_lock(tmp_path, "map"):
        assert not lock_is_free(tmp_path)
        with workspace_lock(tmp_path, "plan"):  # re-entrant: `run` nests stages
            pass
        with Journal(tmp_path) as journal:
            assert [(r["run_id"], r["status"]) for r in journal.runs()] == [
                (killed, INTERRUPTED),
                (ended, "done"),
            ]
            assert journal.interrupt_abandoned_runs() == []
    assert lock_is_free(tmp_path)


def test_a_journal_that_cannot_be_opened_whole_is_named(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.record_plan([action(f"a:{n}", ordinal=n) for n in range(400)])
    path = tmp_path / "journal.sqlite"
    with path.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\x00\xff" * 512)
    with pytest.raises(WorkspaceError, match=r"journal\.sqlite: the journal is damaged") as err:
        Journal(tmp_path)
    assert err.value.exit_code == ExitCode.WORKSPACE


def test_commits_stop_once_the_journal_file_is_gone(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.record_plan([action("a")])
        run = journal.begin_run("load", None)
        journal.start("a", run)
        (tmp_path / "journal.sqlite").unlink()
        with pytest.raises(WorkspaceError, match="deleted or replaced while this command ran"):
            journal.succeed("a", run, {"id": "x"})
        with pytest.raises(WorkspaceError):
            journal.create_sent("a", run)
    assert not (tmp_path / "journal.sqlite").exists()


def test_write_plan_adds_new_actions_and_replans_only_what_is_not_done(tmp_path: Path) -> None:
    with Journal(tmp_path) as journal:
        journal.write_plan([action("a"), action("b", ordinal=1), action("c", ordinal=2)])
        run = journal.begin_run("load", None)
        journal.start("a", run)
        journal.succeed("a", run, {"id": "a-1"})
        journal.start("b", run)  # in flight when the process died
        changed = [
            JournalAction(key, key, "ent1", 1, n, {"externalId": "new"}, (), None)
            for n, key in enumerate(("a", "b", "c", "d"))
        ]
        journal.write_plan(changed)
        payloads = {a.key: (a.payload, a.state, a.inverse) for a in journal.actions()}
        old = {"externalId": "ent1"}
        assert payloads == {
            "a": (old, SUCCEEDED, {"type": "delete", "of": "a"}),  # done with the old payload
            "b": (old, STARTED, {"type": "delete", "of": "b"}),  # reconciled as it was sent
            "c": ({"externalId": "new"}, PENDING, None),
            "d": ({"externalId": "new"}, PENDING, None),
        }
        assert journal.outcomes() == {
            "a": (SUCCEEDED, {"id": "a-1"}),
            "b": (STARTED, None),
            "c": (PENDING, None),
            "d": (PENDING, None),
        }


def test_a_held_success_is_committed_with_the_next_write_or_a_flush(tmp_path: Path) -> None:
    def committed(key: str) -> str:
        with Journal(tmp_path) as other:  # another connection sees only what is committed
            found = other.get(key)
            assert found is not None
            return found.state

    with Journal(tmp_path) as journal:
        journal.write_plan([action("a"), action("b", ordinal=1), action("c", ordinal=2)])
        run = journal.begin_run("load", None)
        journal.start("a", run)
        journal.succeed("a", run, {"id": "a-1"}, held=True)
        assert journal.get("a") is not None and journal.outcomes()["a"][0] == SUCCEEDED
        assert committed("a") == STARTED
        journal.start("b", run)  # one commit for both
        assert (committed("a"), committed("b")) == (SUCCEEDED, STARTED)
        journal.succeed("b", run, {"id": "b-1"}, held=True)
        assert committed("b") == STARTED
        journal.flush()
        assert committed("b") == SUCCEEDED
        journal.start("c", run)
        journal.succeed("c", run, {"id": "c-1"}, held=True)
    assert committed("c") == SUCCEEDED  # closing commits what is held
    with Journal(tmp_path) as journal:
        assert [e["state"] for e in journal.events("a")] == [STARTED, SUCCEEDED]
