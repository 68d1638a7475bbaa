"""Call parks, pickups and paging groups stay exactly once through lost answers, Webex
errors and SIGKILLs of the loader.

Faults are aimed at the features' own requests (scripted by path); kills are aimed by
progress: after a number of answered requests drawn between the first feature create
of a whole load and its end, so they land among the feature actions however busy the
machine is. Bounded: 5 kills, each with its own sandbox, and a time limit on each
process and on the whole.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from migrate.load.journal import SUCCEEDED, Journal
from migrate.plan import builder
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.call_group_fixtures import acme_with_call_groups
from tests.migration_helpers import CONFIG, SAMPLES, load, stage
from tests.test_load_crash import migrate, run_until_answered

FEATURE_TYPES = ("create_call_park", "create_call_pickup", "create_paging_group")
SEGMENT = {"create_call_park": "callParks", "create_call_pickup": "callPickups"}
KILLS = 5
FEATURE_PATH = r"/telephony/config/locations/[^/]+/(callParks|callPickups|paging)"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("call-groups-crash")
    acme_with_call_groups(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


def check_features_once(ws: Path, sandbox: Sandbox) -> None:
    plan = builder.read(ws / "w")
    planned = Counter(
        (SEGMENT.get(a.type, "paging"), a.payload["name"])
        for a in plan.actions
        if a.type in FEATURE_TYPES
    )
    made = Counter((g.kind, g.name) for g in sandbox.state.call_groups.values())
    assert len(planned) == 9 and made == planned
    with Journal(ws / "w") as journal:
        actions = [a for a in journal.actions() if a.type in FEATURE_TYPES]
    assert {a.state for a in actions} == {SUCCEEDED}
    assert [a.key for a in actions if a.adopted] == []  # the sandbox started empty
    assert {a.result["id"] for a in actions if a.result} == set(sandbox.state.call_groups)


def test_lost_answers_and_errors_make_each_feature_once(prepared: Path, tmp_path: Path) -> None:
    ws = Path(shutil.copytree(prepared, tmp_path / "case"))
    sandbox = Sandbox()
    # A create done but its answer lost (twice), then refusals Webex may give and lift.
    sandbox.script_fault("POST", FEATURE_PATH, 0, times=2, commit=True)
    sandbox.script_fault("POST", FEATURE_PATH, 503, times=2)
    sandbox.script_fault("GET", FEATURE_PATH, 429, times=2, retry_after="0")
    started = time.monotonic()
    assert load(ws, sandbox).ok
    assert time.monotonic() - started < 120
    assert all(f.times == 0 for f in sandbox.config.faults.scripted)
    check_features_once(ws, sandbox)


def _first_feature_request(sandbox: Sandbox) -> int:
    for index, (method, path, _status) in enumerate(sandbox.app.request_log):
        if method == "POST" and any(k in path for k in ("/callParks", "/callPickups", "/paging")):
            return index + 1
    raise AssertionError("the load created no call feature")


@pytest.mark.slow
def test_sigkill_among_the_feature_creates_then_retry(prepared: Path, tmp_path: Path) -> None:
    rng = random.Random(20261130)
    deadline = time.monotonic() + 240
    window: tuple[int, int] | None = None
    landed = 0
    for trial in range(KILLS + 1):
        assert time.monotonic() < deadline, f"crash test over its time budget at {trial}"
        ws = Path(shutil.copytree(prepared, tmp_path / f"t{trial}"))
        sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=5")))
        with sandbox.serve(0) as server:
            loader = migrate("load", ws, server.url)
            if window is None:  # trial 0 runs to the end: where the features are made
                _out, err = loader.communicate(timeout=120)
                assert loader.returncode == 0, err.decode()
                window = (_first_feature_request(sandbox), sandbox.app.answered)
                assert window[0] < window[1], window
            else:
                # Short of the last answer: a run's count can differ by a request or two.
                aim = rng.randint(window[0] - 1, window[1] - 3)
                if run_until_answered(sandbox, loader, aim):
                    landed += 1
                loader.send_signal(signal.SIGKILL)
                loader.wait(timeout=30)
            retry = migrate("retry", ws, server.url)
            _out, err = retry.communicate(timeout=120)
            assert retry.returncode == 0, err.decode()
            check_features_once(ws, sandbox)
    print(f"features made between requests {window}; {landed} kills mid-run")
    assert landed >= KILLS - 1, f"only {landed} kills landed mid-run"
