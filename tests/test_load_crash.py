"""Crash test: SIGKILL the loader at random points, then `retry`: exactly once, always.

The loader runs as a real process against a served sandbox on 127.0.0.1, so
the kill lands wherever it lands: before a request, between a request and
its journal entry, in the middle of a poll. The kill is aimed by progress, not
by the clock: after the sandbox has answered a chosen number of requests,
drawn from a seeded RNG below the number a whole load makes, so it lands
mid-run however slow or busy the machine is, and every trial is worth
having. Bounded: 12 trials (11 kills), each with its own sandbox, and a time
limit on every process and on the whole. A second run aims its kills among the
requests that make hunt groups and call queues (the last actions of a load).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from migrate.load.journal import SUCCEEDED, Journal
from migrate.plan import builder
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.hunt_fixtures import acme_with_flows
from tests.migration_helpers import CONFIG, GROUP_CONFIG, SAMPLES, stage
from tests.ocip import command, el, table, write_pair
from tests.test_flows_aa_load import features_exactly_once

TRIALS = 12
FEATURE_TRIALS = 5  # four kills aimed among the requests that make hunt groups and queues
FEATURE_SHARE = 0.8  # of the feature requests, the part kills are aimed in
TOKEN = "crash-test-token"
# Kill before this share of a whole load's requests: a later run may poll a little less.
AIM_WITHIN = 0.9


# Joe's and Maria's lines also appear on Tony's 8851 (shared call appearances).
SHARED_ON = "pizza-tony-8851"
SHARED_USERS = ("6175550301@metro-voip.net", "6175550302@metro-voip.net")


def with_shared_lines(export: Path) -> Path:
    shutil.copytree(SAMPLES / "metro-sp-group-mode", export)
    for number, user in enumerate(SHARED_USERS, 1):
        write_pair(
            export / "joes-pizza",
            f"sca-{number}",
            [command("UserSharedCallAppearanceGetRequest21sp1", el("userId", user))],
            [
                command(
                    "UserSharedCallAppearanceGetResponse21sp1",
                    el("alertAllAppearancesForClickToDialCalls", "false")
                    + table(
                        "endpointTable",
                        ["Device Level", "Device Name", "Device Type", "Line/Port"],
                        [["Group", SHARED_ON, "Cisco-CP-78xx-88xx-68xx-3PCC", f"sca{number}@x"]],
                    ),
                )
            ],
        )
    return export


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash")
    return stage(root, with_shared_lines(root / "export"), GROUP_CONFIG)


def migrate(command: str, ws: Path, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            command,
            "-w",
            str(ws / "w"),
            "--reports",
            str(ws / "r"),
            "--config",
            str(ws / "migrate.toml"),
            "--api-url",
            url,
            "--poll-interval",
            "0.01",
            "--concurrency",
            "2",
        ],
        env={**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def check_exactly_once(ws: Path, sandbox: Sandbox) -> None:
    plan = builder.read(ws / "w")
    state = sandbox.state
    customers = Counter(c.external_id for c in state.customers.values())
    planned_customers = {
        a.payload["body"]["externalId"] for a in plan.actions if a.type == "create_customer"
    }
    assert set(customers) == planned_customers and set(customers.values()) == {1}
    subscribers = Counter(s.email for s in state.subscribers.values() if not s.deleted)
    planned_subs = {
        a.payload["body"]["email"] for a in plan.actions if a.type == "create_subscriber"
    }
    assert set(subscribers) == planned_subs and set(subscribers.values()) == {1}
    planned_numbers = {
        n
        for a in plan.actions
        if a.type == "add_numbers"
        for n in a.payload["body"]["phoneNumbers"]
    }
    assert set(state.numbers) == planned_numbers
    locations = Counter((loc.org_id, loc.name) for loc in state.locations.values())
    assert set(locations.values()) == {1}
    assert len(locations) == len(
        {a.key for a in plan.actions if a.type == "create_location"}
    ) + len(planned_customers)
    planned_macs = Counter(
        a.payload["body"]["mac"] for a in plan.actions if a.type == "create_device"
    )
    macs = Counter(d.mac for d in state.devices.values())
    assert planned_macs and macs == planned_macs
    planned_places = Counter(
        a.payload["body"]["displayName"] for a in plan.actions if a.type == "create_workspace"
    )
    places = Counter(w.display_name for w in state.workspaces.values())
    assert planned_places and places == planned_places
    check_features_exactly_once(plan, sandbox)
    with Journal(ws / "w") as journal:
        actions = journal.actions()
    assert {a.state for a in actions} == {SUCCEEDED}
    # Every shared line on its phone's port exactly once, next to the owner's.
    people = {
        a.result["personId"]: a.key.split(":", 1)[1]
        for a in actions
        if a.type == "create_subscriber" and a.result
    }
    planned_lines = {
        (a.payload["fields"]["mac"], line["user"], line["port"])
        for a in plan.actions
        if a.type == "add_shared_lines"
        for line in a.payload["fields"]["members"]
    }
    lines = Counter(
        (d.mac, people.get(m["id"]), m["port"])
        for d in state.devices.values()
        for m in d.members
        if not m["primaryOwner"]
    )
    assert set(lines) == planned_lines
    assert set(lines.values()) == {1}
    assert all(
        sum(m["primaryOwner"] for m in d.members) == 1 for d in state.devices.values() if d.members
    )
    # The sandbox started empty: whatever a kill left unanswered is still the load's.
    assert [a.key for a in actions if a.adopted] == []
    live_subscribers = {s.id for s in state.subscribers.values() if not s.deleted}
    journaled = {
        a.result["subscriberId"] for a in actions if a.type == "create_subscriber" and a.result
    }
    assert journaled == live_subscribers
    journaled_customers = {
        a.result["customerId"] for a in actions if a.type == "create_customer" and a.result
    }
    assert journaled_customers == set(state.customers)
    features_exactly_once(ws, sandbox)


def check_features_exactly_once(plan: builder.Plan, sandbox: Sandbox) -> None:
    """Every planned hunt group and call queue exists once, with every planned agent."""
    for action_type, made_here in (
        ("create_hunt_group", sandbox.state.hunt_groups),
        ("create_call_queue", sandbox.state.call_queues),
    ):
        planned = Counter(
            (a.payload["name"], len(a.payload["body"]["agents"]))
            for a in plan.actions
            if a.type == action_type
        )
        made = Counter((f.name, len(f.body["agents"])) for f in made_here.values())
        assert made == planned, action_type


def run_until_answered(sandbox: Sandbox, loader: subprocess.Popen[bytes], count: int) -> bool:
    """Wait until the sandbox has answered ``count`` requests; True if the loader still runs."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if sandbox.app.wait_answered(count, timeout=0.05):
            return loader.poll() is None
        if loader.poll() is not None:
            return False
    raise AssertionError(f"the loader made fewer than {count} requests in 120 s")


@pytest.mark.slow
def test_sigkill_at_random_points_then_retry(prepared: Path, tmp_path: Path) -> None:
    plan = builder.read(prepared / "w")
    assert any(a.type == "create_hunt_group" for a in plan.actions)  # the sample's order line
    lines = [
        m
        for a in plan.actions
        if a.type == "add_shared_lines"
        for m in a.payload["fields"]["members"]
    ]
    assert sorted(m["user"] for m in lines) == sorted(SHARED_USERS)
    sigkill_trials(prepared, tmp_path, TRIALS, 20261128, 240)


@pytest.fixture(scope="module")
def with_queues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """acme with hunt groups of every policy and call queues of every type."""
    root = tmp_path_factory.mktemp("crash-queues")
    acme_with_flows(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


@pytest.mark.slow
def test_sigkill_amid_hunt_groups_and_queues_then_retry(with_queues: Path, tmp_path: Path) -> None:
    plan = builder.read(with_queues / "w")
    features = [a for a in plan.actions if a.type in ("create_hunt_group", "create_call_queue")]
    assert len(features) == 20
    sigkill_trials(with_queues, tmp_path, FEATURE_TRIALS, 20261130, 200, in_features=True)


def is_feature_request(path: str) -> bool:
    return "/huntGroups" in path or "/queues" in path


def sigkill_trials(
    prepared: Path,
    tmp_path: Path,
    trials: int,
    seed: int,
    budget: float,
    in_features: bool = False,
) -> None:
    """Trial 0 loads to the end and counts the requests; each other trial is killed after
    a drawn number of them (``in_features``: among the hunt group and queue requests,
    which come last), then retried, and must leave everything exactly once."""
    rng = random.Random(seed)
    deadline = time.monotonic() + budget
    low = high = 1
    cut_features = 0  # kills that left some hunt groups or queues made and others not
    requests_per_load: int | None = None
    kills_mid_run = 0
    partial = 0  # kills that left some actions done and others not
    for trial in range(trials):
        assert time.monotonic() < deadline, f"crash test over its time budget at {trial}"
        ws = tmp_path / f"t{trial}"
        shutil.copytree(prepared, ws)
        sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=5")))
        with sandbox.serve(0) as server:
            loader = migrate("load", ws, server.url)
            if requests_per_load is None:  # trial 0 runs to the end: it counts the requests
                _out, err = loader.communicate(timeout=120)
                assert loader.returncode == 0, err.decode()
                requests_per_load = sandbox.app.answered
                assert requests_per_load > 20, requests_per_load
                high = int(requests_per_load * AIM_WITHIN)
                if in_features:
                    log = [path for _method, path, _status in sandbox.app.request_log]
                    low = next(i for i, p in enumerate(log) if is_feature_request(p)) + 1
                    high = low + int((requests_per_load - low) * FEATURE_SHARE)
            else:
                aim = rng.randint(low, high)
                if run_until_answered(sandbox, loader, aim):
                    kills_mid_run += 1
                loader.send_signal(signal.SIGKILL)
                loader.wait(timeout=30)
                journal_file = ws / "w" / "journal.sqlite"
                if journal_file.exists():
                    with Journal(ws / "w") as journal:
                        states = Counter(a.state for a in journal.actions())
                    if states[SUCCEEDED] and len(states) > 1:
                        partial += 1
                    cut_features += features_cut(ws)
            retry = migrate("retry", ws, server.url)
            _out, err = retry.communicate(timeout=120)
            assert retry.returncode == 0, err.decode()
            check_exactly_once(ws, sandbox)
    print(f"{requests_per_load} requests a load; {kills_mid_run} kills mid-run, {partial} partial")
    assert kills_mid_run == trials - 1, f"only {kills_mid_run} kills landed mid-run"
    assert partial >= trials // 4, f"only {partial} kills interrupted the load itself"
    if in_features:
        assert cut_features >= 2, f"only {cut_features} kills landed among the features"


def features_cut(ws: Path) -> int:
    """1 when the journal has some hunt groups or queues done and others not."""
    with Journal(ws / "w") as journal:
        states = {
            a.state
            for a in journal.actions()
            if a.type in ("create_hunt_group", "create_call_queue")
        }
    return int(SUCCEEDED in states and len(states) > 1)
