"""Every command that writes the workspace takes its lock; a journal that disappears during
a load stops it; a run killed with -9 is shown, then marked, interrupted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from migrate.errors import ExitCode, WorkspaceError
from migrate.load.journal import INTERRUPTED, RUNNING, SUCCEEDED, Journal
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.migration_helpers import SAMPLES, common, invoke, load, stage


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage(tmp_path_factory.mktemp("lock"), SAMPLES / "acme-enterprise")


@pytest.fixture
def case(staged: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(staged, tmp_path / "case"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def held(case: Path) -> Iterator[int]:
    """Another process holds the workspace lock as ``migrate load`` until the test ends."""
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from migrate.load.lock import workspace_lock
        with workspace_lock(Path({str(case / "w")!r}), "load"):
            print("held", flush=True)
            sys.stdin.read()
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield holder.pid
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("command", ["extract", "map", "plan"])
def test_stages_that_rewrite_the_workspace_wait_for_a_load(
    case: Path, held: int, command: str
) -> None:
    before = snapshot(case / "w")
    extra = [str(SAMPLES / "acme-enterprise")] if command == "extract" else []
    code, _out, err = invoke(command, *common(case), *extra)
    assert code == ExitCode.PRECONDITION, err
    assert f"workspace is locked by migrate load (pid {held})" in err
    assert snapshot(case / "w") == before


class DeleteJournalAfter(httpx.AsyncBaseTransport):
    """Passes requests to the sandbox; once ``after`` were answered, takes the journal away."""

    def __init__(self, inner: httpx.AsyncBaseTransport, journal: Path, after: int, how: str):
        self.inner, self.journal, self.after, self.how = inner, journal, after, how
        self.answered = 0
        self.sent_after = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.answered >= self.after:
            self.sent_after += 1
        response = await self.inner.handle_async_request(request)
        self.answered += 1
        if self.answered == self.after:
            kept = self.journal.read_bytes()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.journal}{suffix}").unlink(missing_ok=True)
            if self.how == "replaced":
                self.journal.write_bytes(kept)  # the same bytes under a new inode
        return response


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_journal_taken_away_during_a_load_stops_it(case: Path, how: str) -> None:
    sandbox = Sandbox(SandboxConfig())
    journal = case / "w" / "journal.sqlite"
    transport = DeleteJournalAfter(sandbox.transport(), journal, after=5, how=how)
    with pytest.raises(WorkspaceError) as raised:
        load(case, sandbox, transport=transport)
    assert raised.value.exit_code == ExitCode.WORKSPACE
    assert f"{journal}: the journal was deleted or replaced while this command ran" in str(
        raised.value
    )
    # One customer, one action at a time: the next commit stopped it before another request.
    assert transport.sent_after == 0
    assert journal.exists() == (how == "replaced")


def test_the_cli_names_a_journal_deleted_during_the_load(case: Path) -> None:
    """The same through ``migrate load`` on a served sandbox: exit 5, and no report saying
    everything went fine."""
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=5")))
    journal = case / "w" / "journal.sqlite"
    with sandbox.serve(0) as server:
        loader = _migrate("load", case, server.url)
        assert sandbox.app.wait_answered(3, timeout=60)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{journal}{suffix}").unlink(missing_ok=True)
        _out, err = loader.communicate(timeout=120)
    assert loader.returncode == ExitCode.WORKSPACE, err
    assert f"{journal}: the journal was deleted or replaced" in err
    assert not (case / "r" / "load.xlsx").exists()
    assert not journal.exists()


def _migrate(command: str, case: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            command,
            *common(case),
            "--api-url",
            url,
            *extra,
        ],
        env={**os.environ, "WEBEX_ACCESS_TOKEN": "lock-test-token"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _runs(case: Path) -> list[dict[str, Any]]:
    with Journal(case / "w") as journal:
        return journal.runs()


def test_a_run_killed_with_9_is_shown_then_marked_interrupted(case: Path) -> None:
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=5")))
    with sandbox.serve(0) as server:
        loader = _migrate("load", case, server.url, "--poll-interval", "0.01")
        assert sandbox.app.wait_answered(8, timeout=60), "the load never got going"
        assert loader.poll() is None, "the load finished before the kill"
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)
        assert [r["status"] for r in _runs(case)] == [RUNNING]  # what a -9 leaves

        code, out, err = invoke("status", *common(case), "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert [r["status"] for r in shown["runs"]] == [INTERRUPTED]
        assert [r["status"] for r in _runs(case)] == [RUNNING]  # status only reads

        code, _out, err = invoke("plan", *common(case))  # the next lock holder writes it
        assert code == 0, err
        assert [r["status"] for r in _runs(case)] == [INTERRUPTED]

        retry = _migrate("retry", case, server.url, "--poll-interval", "0.01")
        _out, err = retry.communicate(timeout=120)
        assert retry.returncode == 0, err
    runs = _runs(case)
    assert [r["status"] for r in runs] == [INTERRUPTED, "done"]
    with Journal(case / "w") as journal:
        assert {a.state for a in journal.actions()} == {SUCCEEDED}
    code, out, _err = invoke("status", *common(case))
    assert "interrupted runs (the process died" in out and "1 (load, " in out
