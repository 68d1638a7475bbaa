"""Crash test: SIGKILL `cutover` at random points, then `retry`: every number on exactly once.

The customers are loaded once; each trial starts a served sandbox from that
state and a copy of that workspace, runs `cutover --batch 1 --yes` as a real
process and kills it after the sandbox has answered a number of requests
drawn from a seeded RNG (aimed by progress, never by the clock). `retry`
then finishes what the journal holds; a kill before the cutover journaled
anything leaves nothing to retry, and running the cutover again is the
recovery. Then `--undo` switches every number off, once, and leaves each with
its owner, also when killed halfway and run again. Bounded: 6 trials,
a time limit on every process and on the whole.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrate.load.journal import SUCCEEDED, Journal
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.migration_helpers import SAMPLES, stage
from tests.test_cutover import planned_numbers

TRIALS = 6
TOKEN = "cutover-crash-token"
FAULTS = "latency=5"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace loaded dark into a served sandbox, and that sandbox's state file."""
    root = stage(tmp_path_factory.mktemp("cutover-crash"), SAMPLES / "metro-sp-group-mode")
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec(FAULTS)))
    with sandbox.serve(0) as server:
        loader = migrate(root, server.url, "load", "--poll-interval", "0.01")
        _out, err = loader.communicate(timeout=120)
        assert loader.returncode == 0, err.decode()
    sandbox.save(root / "webex-state.json")
    return root


def migrate(root: Path, url: str, *args: str) -> subprocess.Popen[bytes]:
    command, *rest = args
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            command,
            "-w",
            str(root / "w"),
            "--reports",
            str(root / "r"),
            "--config",
            str(root / "migrate.toml"),
            "--api-url",
            url,
            *rest,
        ],
        env={**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(root: Path, url: str, *args: str, code: int = 0) -> None:
    process = migrate(root, url, *args)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == code, f"{args}: {err.decode()}"


def switches(root: Path) -> list[str]:
    with Journal(root / "w") as journal:
        return [a.state for a in journal.actions() if a.type == "activate_numbers"]


@pytest.mark.slow
def test_sigkill_cutover_at_random_points_then_retry(loaded: Path, tmp_path: Path) -> None:
    on, dark = planned_numbers(loaded)
    wanted = set().union(*on.values())
    left = set().union(*dark.values())
    assert wanted and left
    rng = random.Random(20261130)
    deadline = time.monotonic() + 240
    per_cutover: int | None = None
    per_undo: int | None = None
    kills_mid_run = finished_by_retry = 0
    for trial in range(TRIALS):
        assert time.monotonic() < deadline, f"crash test over its time budget at {trial}"
        root = tmp_path / f"t{trial}"
        shutil.copytree(loaded, root)
        sandbox = Sandbox(
            SandboxConfig(faults=parse_fault_spec(FAULTS)), state_file=root / "webex-state.json"
        )
        assert {sandbox.state.numbers[n].state for n in wanted | left} == {"INACTIVE"}
        with sandbox.serve(0) as server:
            start = sandbox.app.answered
            if per_cutover is None:  # trial 0 runs to the end: it counts the requests
                finish(root, server.url, "cutover", "--batch", "1", "--yes")
                per_cutover = sandbox.app.answered - start
                assert per_cutover >= 4, per_cutover
            else:
                cutover = migrate(root, server.url, "cutover", "--batch", "1", "--yes")
                aim = start + rng.randint(1, per_cutover - 1)
                until = time.monotonic() + 120
                while not sandbox.app.wait_answered(aim, timeout=0.05):
                    assert cutover.poll() is None, "the cutover ended before its aim"
                    assert time.monotonic() < until
                if cutover.poll() is None:
                    kills_mid_run += 1
                cutover.send_signal(signal.SIGKILL)
                cutover.wait(timeout=30)
                journaled = switches(root)
                finish(root, server.url, "retry", "--poll-interval", "0.01")
                if journaled:
                    # What the killed cutover journaled, retry finishes on its own.
                    assert switches(root) == [SUCCEEDED] * len(journaled)
                    finished_by_retry += 1
                else:  # it never got going: running the cutover again is the recovery
                    finish(root, server.url, "cutover", "--batch", "1", "--yes")
            numbers = sandbox.state.numbers
            assert {numbers[n].state for n in wanted} == {"ACTIVE"}
            assert {numbers[n].activations for n in wanted} == {1}, "switched on twice"
            assert {numbers[n].state for n in left} == {"INACTIVE"}
            assert {numbers[n].activations for n in left} == {0}
            assert set(switches(root)) == {SUCCEEDED}

            if trial in (0, TRIALS - 1):  # each process costs seconds on a busy machine
                # Undo: every number off once, and still its owner's. The last trial kills
                # the undo halfway (aimed by progress); running it again finishes it.
                owners = {n: numbers[n].owner_id for n in wanted | left}
                assert any(owners.values()), "the sample has numbers of users"
                if trial == TRIALS - 1:
                    start = sandbox.app.answered
                    undo = migrate(root, server.url, "cutover", "--batch", "1", "--undo", "--yes")
                    assert per_undo is not None and per_undo > 4, per_undo
                    aim = start + rng.randint(2, per_undo - 2)
                    until = time.monotonic() + 120
                    while not sandbox.app.wait_answered(aim, timeout=0.05):
                        assert undo.poll() is None, "the undo ended before its aim"
                        assert time.monotonic() < until
                    undo.send_signal(signal.SIGKILL)
                    undo.wait(timeout=30)
                start = sandbox.app.answered
                finish(root, server.url, "cutover", "--batch", "1", "--undo", "--yes")
                if per_undo is None:  # trial 0: count an undo's requests to aim the kill
                    per_undo = sandbox.app.answered - start
                assert {numbers[n].state for n in wanted | left} == {"INACTIVE"}
                assert {numbers[n].deactivations for n in wanted} == {1}
                assert {numbers[n].deactivations for n in left} == {0}
                assert {n: numbers[n].owner_id for n in wanted | left} == owners
    print(
        f"{per_cutover} requests a cutover, {per_undo} an undo; "
        f"{kills_mid_run} kills mid-run, {finished_by_retry}"
    )
    assert kills_mid_run == TRIALS - 1, f"only {kills_mid_run} kills landed mid-run"
    assert finished_by_retry >= TRIALS // 2, f"only {finished_by_retry} finished by retry"
