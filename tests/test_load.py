"""``migrate load``/``retry``/``status`` against the in-process sandbox: exactly once."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrate.load import journal as jr
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox, SandboxConfig
from migrate.webex import Webex
from tests.migration_helpers import CONFIG, GROUP_CONFIG, SAMPLES, invoke, stage


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with inventory, model and plan for the acme sample (made once)."""
    return stage(tmp_path_factory.mktemp("load"), SAMPLES / "acme-enterprise")


@pytest.fixture
def workspace(prepared: Path, tmp_path: Path) -> Iterator[Path]:
    shutil.copytree(prepared, tmp_path / "case")
    yield tmp_path / "case"


def load(ws: Path, sandbox: Sandbox, command: str = "load", **kwargs: Any) -> LoadResult:
    plan = builder.read(ws / "w")

    async def go() -> LoadResult:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()
        ) as webex:
            return await run_load(
                ws / "w",
                webex,
                plan,
                command=command,
                options=LoadOptions(poll_interval=0.001),
                **kwargs,
            )

    return asyncio.run(go())


def sandbox_objects(sandbox: Sandbox) -> dict[str, Any]:
    state = sandbox.state
    return {
        "customers": sorted(c.external_id for c in state.customers.values()),
        "subscribers": sorted(s.email for s in state.subscribers.values()),
        "locations": sorted(loc.name for loc in state.locations.values()),
        "numbers": sorted(state.numbers),
    }


def planned(ws: Path) -> dict[str, Any]:
    plan = builder.read(ws / "w")
    subs = [a.payload["body"]["email"] for a in plan.actions if a.type == "create_subscriber"]
    numbers = [
        n
        for a in plan.actions
        if a.type == "add_numbers"
        for n in a.payload["body"]["phoneNumbers"]
    ]
    return {"subscribers": sorted(subs), "numbers": sorted(numbers)}


def test_load_creates_every_planned_object_exactly_once(workspace: Path) -> None:
    sandbox = Sandbox()
    result = load(workspace, sandbox)
    assert result.ok, result.counts
    assert result.counts[jr.SUCCEEDED] == len(builder.read(workspace / "w").actions)
    objects = sandbox_objects(sandbox)
    expected = planned(workspace)
    assert objects["customers"] == ["acme-ent"]
    assert objects["subscribers"] == expected["subscribers"]
    assert sorted(n for n in objects["numbers"]) == expected["numbers"]
    assert len(objects["locations"]) == 3
    again = load(workspace, sandbox)  # nothing left to do, nothing duplicated
    assert again.customers == []
    assert sandbox_objects(sandbox) == objects


def test_the_administrator_is_provisioned_first(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    posts = [
        path
        for method, path, status in sandbox.app.request_log
        if method == "POST" and path.endswith("/wholesale/subscribers")
    ]
    assert posts
    first = min(sandbox.state.subscribers.values(), key=lambda s: s.created)
    admin = next(a for a in builder.read(workspace / "w").actions if a.type == "create_subscriber")
    assert first.email == admin.payload["body"]["email"]


def test_a_crash_after_the_post_is_found_not_duplicated_and_stays_ours(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    before = sandbox_objects(sandbox)
    posts_before = sum(method == "POST" for method, _p, _s in sandbox.app.request_log)
    # Pretend the process died right after sending: every action is back to `started`.
    with Journal(workspace / "w") as journal:
        run = journal.begin_run("load", None)
        for action in journal.actions():
            journal.start(action.key, run)
    result = load(workspace, sandbox, command="retry")
    assert result.ok
    assert sandbox_objects(sandbox) == before
    # Every object was found by its lookup, none created again...
    assert sum(method == "POST" for method, _p, _s in sandbox.app.request_log) == posts_before
    with Journal(workspace / "w") as journal:
        actions = journal.actions()
        sent = journal.created_keys()
    # ...and none of them is adopted: the journal knows a create of ours made each one.
    assert [a.key for a in actions if a.adopted] == []
    assert {a.type for a in actions if a.key in sent} >= {
        "create_customer",
        "create_subscriber",
        "create_location",
        "add_numbers",
    }


def test_rpl_review_parks_the_customer_and_its_dependents_until_retry(workspace: Path) -> None:
    sandbox = Sandbox(SandboxConfig())
    sandbox.faults.customer_state_by_external_id["acme-ent"] = "pending_rpl_review"
    result = load(workspace, sandbox)
    assert result.counts[jr.SUCCEEDED] == 1  # the create itself
    assert result.counts[jr.PARKED] == len(builder.read(workspace / "w").actions) - 1
    assert result.counts[jr.FAILED] == 0
    with Journal(workspace / "w") as journal:
        waiting = journal.get("await_customer:acme-ent")
    assert waiting is not None and waiting.error_code == "pending_rpl_review"
    assert sandbox_objects(sandbox)["subscribers"] == []
    still = load(workspace, sandbox, command="retry")  # Cisco has not decided yet
    assert still.counts[jr.PARKED] == result.counts[jr.PARKED]
    customer_id = next(iter(sandbox.state.customers))
    sandbox.resolve_rpl_review(customer_id)
    done = load(workspace, sandbox, command="retry")
    assert done.ok and done.counts[jr.PARKED] == 0
    assert sandbox_objects(sandbox)["subscribers"] == planned(workspace)["subscribers"]


def test_pending_user_migration_parks_one_subscriber(workspace: Path) -> None:
    sandbox = Sandbox()
    email = planned(workspace)["subscribers"][-1]
    sandbox.faults.pending_user_migration_emails.add(email)
    result = load(workspace, sandbox)
    # The subscriber, and the phones that wait for it, are parked.
    waiting = [
        a
        for a in builder.read(workspace / "w").actions
        if any(d.endswith(f":{email}") for d in a.depends_on)
    ]
    assert result.counts[jr.PARKED] == 1 + len(waiting) and result.counts[jr.FAILED] == 0
    sub = next(s for s in sandbox.state.subscribers.values() if s.email == email)
    sandbox.complete_user_migration(sub.id)
    done = load(workspace, sandbox, command="retry")
    assert done.ok and done.counts[jr.PARKED] == 0
    assert len([s for s in sandbox.state.subscribers.values() if s.email == email]) == 1


def test_a_terminal_customer_failure_skips_its_dependents(workspace: Path) -> None:
    sandbox = Sandbox()
    sandbox.faults.customer_state_by_external_id["acme-ent"] = "provisioned_with_errors"
    result = load(workspace, sandbox)
    assert result.counts[jr.FAILED] == 1
    assert result.counts[jr.SKIPPED] == len(builder.read(workspace / "w").actions) - 2
    with Journal(workspace / "w") as journal:
        failed = journal.get("await_customer:acme-ent")
    assert failed is not None and failed.error_code == "provisioned_with_errors"


def test_cli_load_status_retry_and_a_stale_plan(workspace: Path) -> None:
    ws, reports, config = workspace / "w", workspace / "r", workspace / "migrate.toml"
    common = ["-w", str(ws), "--reports", str(reports), "--config", str(config), "--sandbox"]
    code, out, err = invoke("load", *common, "--json", "--poll-interval", "0.001")
    assert code == 0, err
    assert json.loads(out)["counts"]["succeeded"] > 0
    assert (reports / "load.xlsx").is_file()
    code, out, _err = invoke("status", *common, "--json")
    assert code == 0 and json.loads(out)["counts"]["failed"] == 0
    code, out, _err = invoke("retry", *common)
    assert code == 0 and "nothing to do" in out
    (config).write_text(CONFIG + "\n# edited\n")
    code, _out, err = invoke("load", *common)
    assert code == 3 and "config changed" in err


def test_cli_load_refuses_a_plan_made_before_a_mapping_table_changed(
    workspace: Path, tmp_path: Path
) -> None:
    from migrate.mapping.tables import shipped_dir

    mine = tmp_path / "my-mappings"
    shutil.copytree(shipped_dir(), mine)
    ws = [
        "-w",
        str(workspace / "w"),
        "--reports",
        str(workspace / "r"),
        "--config",
        str(workspace / "migrate.toml"),
        "--mappings",
        str(mine),
        "--sandbox",
    ]
    assert invoke("plan", *ws)[0] == 0
    with (mine / "countries.csv").open("a", encoding="utf-8") as handle:
        handle.write("Freedonia,FD,made up\n")
    code, _out, err = invoke("load", *ws)
    assert code == 3
    assert "mappings/countries.csv changed" in err and err.count("\n") == 1
    assert not (workspace / "w" / "journal.sqlite").exists()  # refused before anything
    assert invoke("plan", *ws)[0] == 0
    code, _out, err = invoke("load", *ws, "--poll-interval", "0.001")
    assert code == 0, err


def test_select_and_batch_size_choose_the_customers(tmp_path: Path) -> None:
    (tmp_path / "migrate.toml").write_text(GROUP_CONFIG)
    ws = [
        "-w",
        str(tmp_path / "w"),
        "--reports",
        str(tmp_path / "r"),
        "--config",
        str(tmp_path / "migrate.toml"),
        "--sandbox",
    ]
    assert invoke("extract", *ws, str(SAMPLES / "metro-sp-group-mode"))[0] == 0
    assert invoke("map", *ws)[0] == 0
    assert invoke("plan", *ws)[0] == 0
    customers = sorted({a.customer for a in builder.read(tmp_path / "w").actions})
    code, out, err = invoke(
        "load", *ws, "--select", customers[1], "--json", "--poll-interval", "0.001"
    )
    assert code == 0, err
    assert json.loads(out)["customers"] == [customers[1]]
    code, out, _err = invoke("load", *ws, "--batch-size", "1", "--json", "--poll-interval", "0.001")
    first = json.loads(out)
    assert first["customers"] == [customers[0]] and first["batch"] == 2
    code, _out, err = invoke("load", *ws, "--select", "nobody")
    assert code == 2 and "no customer nobody" in err
