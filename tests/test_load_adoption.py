"""What the load made is the load's, however the answer was lost; rollback removes it all.

An empty served sandbox drops answers (``timeout=0.15,hang=0.2``) and the
loader is SIGKILLed right after the sandbox has done one of its creates,
while the answer is still on its way (aimed by the POSTs the sandbox has
seen, never by the clock). The lookups of the next run find those objects:
none may be marked adopted, billing must count them as the load's, and a
rollback of the customer must leave the sandbox as empty as it started.
Bounded: three kills, at most nine loader runs, a time limit on each.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from migrate.load import journal as jr
from migrate.load.billing import activities_from_journal
from migrate.load.journal import Journal
from migrate.plan import builder
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.migration_helpers import SAMPLES, common, stage

FAULTS = "timeout=0.15,hang=0.2,latency=20,seed=2"
KILLS = 3
RUNS = 9
TOKEN = "adoption-test-token"


def migrate(root: Path, url: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "migrate", *args, *common(root), "--api-url", url],
        env={**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def posts(sandbox: Sandbox) -> int:
    return sum(method == "POST" for method, _p, _s in list(sandbox.app.request_log))


def live(sandbox: Sandbox) -> dict[str, Any]:
    state = sandbox.state
    return {
        "customers": Counter(c.external_id for c in state.customers.values()),
        "subscribers": Counter(s.email for s in state.subscribers.values() if not s.deleted),
        "locations": Counter(loc.name for loc in state.locations.values()),
        "numbers": sorted(state.numbers),
        "workspaces": Counter(w.display_name for w in state.workspaces.values()),
        "devices": Counter(d.mac for d in state.devices.values()),
    }


@pytest.mark.slow
def test_nothing_the_load_made_is_adopted_and_rollback_empties_the_sandbox(
    tmp_path: Path,
) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise")
    plan = builder.read(root / "w")
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec(FAULTS)))
    empty = live(sandbox)
    rng = random.Random(2)
    deadline = time.monotonic() + 240
    kills = 0
    err = b""
    with sandbox.serve(0) as server:
        command = "load"
        for _run in range(RUNS):
            assert time.monotonic() < deadline, "over the time budget"
            loader = migrate(root, server.url, command, "--poll-interval", "0.01")
            command = "retry"
            if kills < KILLS:
                target = posts(sandbox) + rng.randint(1, 8)
                while posts(sandbox) < target and loader.poll() is None:
                    time.sleep(0.002)
                if loader.poll() is None:
                    loader.send_signal(signal.SIGKILL)
                    kills += 1
                loader.communicate(timeout=60)
                continue
            _out, err = loader.communicate(timeout=120)
            if loader.returncode == 0:
                break
        else:
            raise AssertionError(f"no clean run in {RUNS}: {err.decode()[-2000:]}")
        assert kills == KILLS
        dropped = [(m, p) for m, p, status in sandbox.app.request_log if m == "POST" and not status]
        assert dropped, "no create lost its answer: the faults did not bite"

        # Every planned object exactly once, and none of them adopted.
        loaded = live(sandbox)
        assert loaded["customers"] == {"acme-ent": 1}
        planned_emails = {
            a.payload["body"]["email"] for a in plan.actions if a.type == "create_subscriber"
        }
        assert set(loaded["subscribers"]) == planned_emails
        assert set(loaded["subscribers"].values()) == {1}
        assert set(loaded["devices"].values()) == set(loaded["workspaces"].values()) == {1}
        with Journal(root / "w") as journal:
            actions = journal.actions()
            sent = {key: journal.creates_sent(key) for key in journal.created_keys()}
            events = journal.events()
        assert {a.state for a in actions} == {jr.SUCCEEDED}
        assert [a.key for a in actions if a.adopted] == []
        # The case this is about happened: a create sent in a run that did not live
        # to see it succeed, found by a later run's lookup.
        sent_in = {(e["key"], e["run_id"]) for e in events if e["state"] == jr.CREATE_SENT}
        succeeded_in = {e["key"]: e["run_id"] for e in events if e["state"] == jr.SUCCEEDED}
        found_later = {k for k, run in sent_in if succeeded_in.get(k) not in (None, run)}
        assert found_later, "no kill landed between a create and its answer"
        assert found_later <= set(sent)
        billed = activities_from_journal(root / "w", plan)
        assert billed and not [b for b in billed if b.adopted]

        rollback = migrate(root, server.url, "rollback", "--customer", "acme-ent", "--yes")
        _out, err = rollback.communicate(timeout=120)
        assert rollback.returncode == 0, err.decode()[-2000:]
        assert live(sandbox) == empty
