"""Rollback removes exactly what the journal created, newest first, and nothing else."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migrate.load import journal as jr
from migrate.load import rollback
from migrate.load.dryrun import dry_run_rollback
from migrate.load.executor import LoadOptions
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex
from tests.migration_helpers import GROUP_CONFIG, SAMPLES, common, invoke, stage


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage(tmp_path_factory.mktemp("rollback"), SAMPLES / "metro-sp-group-mode", GROUP_CONFIG)


@pytest.fixture
def workspace(prepared: Path, tmp_path: Path) -> Path:
    shutil.copytree(prepared, tmp_path / "case")
    return tmp_path / "case"


def webex_for(sandbox: Sandbox) -> Webex:
    return Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport())


def load(ws: Path, sandbox: Sandbox) -> None:
    async def go() -> None:
        async with webex_for(sandbox) as webex:
            result = await run_load(
                ws / "w", webex, builder.read(ws / "w"), options=LoadOptions(poll_interval=0.001)
            )
            assert result.ok, result.counts

    asyncio.run(go())


def snapshot(sandbox: Sandbox) -> dict[str, Any]:
    state = sandbox.state
    live_customers = {c.id: c.external_id for c in state.customers.values()}
    return {
        "customers": sorted(live_customers.values()),
        "subscribers": sorted(
            (live_customers.get(s.customer_id), s.email)
            for s in state.subscribers.values()
            if not s.deleted
        ),
        "numbers": sorted(state.numbers),
    }


def roll_back(ws: Path, sandbox: Sandbox, customer: str) -> rollback.RollbackResult:
    async def go() -> rollback.RollbackResult:
        with Journal(ws / "w") as journal:
            steps = rollback.choose(journal, customer=customer)
            async with webex_for(sandbox) as webex:
                return await rollback.execute(webex, journal, steps)

    return asyncio.run(go())


def test_rollback_removes_one_customer_and_leaves_the_other(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    before = snapshot(sandbox)
    customers = sorted(before["customers"])
    assert len(customers) == 2
    gone, kept = customers
    result = roll_back(workspace, sandbox, gone)
    assert not result.failed
    after = snapshot(sandbox)
    assert after["customers"] == [kept]
    assert after["subscribers"] == [s for s in before["subscribers"] if s[0] == kept]
    plan = builder.read(workspace / "w")
    gone_numbers = {
        n
        for a in plan.actions
        if a.customer == gone and a.type == "add_numbers"
        for n in a.payload["body"]["phoneNumbers"]
    }
    assert set(after["numbers"]) == set(before["numbers"]) - gone_numbers
    # Newest first: subscribers before numbers before the customer.
    order = [key.split(":")[0] for key in result.done]
    assert order.index("create_customer") == len(order) - 1
    assert max(i for i, t in enumerate(order) if t == "create_subscriber") < order.index(
        "add_numbers"
    )
    with Journal(workspace / "w") as journal:
        states = {a.key: a.state for a in journal.actions(customer=gone)}
    assert jr.ROLLED_BACK in states.values()
    # Nothing to undo there, but it went with its customer: a later load waits again.
    assert states[f"await_customer:{gone}"] == jr.ROLLED_BACK


def test_adopted_objects_are_never_rolled_back(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    customer = sorted(snapshot(sandbox)["customers"])[0]
    # Second workspace, same Webex: everything already exists and is adopted.
    shutil.copytree(workspace, workspace.parent / "again")
    again = workspace.parent / "again"
    (again / "w" / "journal.sqlite").unlink()
    for extra in ("journal.sqlite-wal", "journal.sqlite-shm"):
        (again / "w" / extra).unlink(missing_ok=True)
    before = snapshot(sandbox)
    load(again, sandbox)
    assert snapshot(sandbox) == before
    with Journal(again / "w") as journal:
        assert rollback.choose(journal, customer=customer) == []


def test_cli_lists_without_yes_and_acts_with_it(workspace: Path) -> None:
    ws = [
        "-w",
        str(workspace / "w"),
        "--reports",
        str(workspace / "r"),
        "--config",
        str(workspace / "migrate.toml"),
        "--sandbox",
    ]
    code, _out, err = invoke("load", *ws, "--poll-interval", "0.001")
    assert code == 0, err
    state_file = workspace / "w" / "sandbox-state.json"
    before = state_file.read_text()
    customer = sorted(json.loads(invoke("status", *ws, "--json")[1])["customers"])[0]
    code, out, _err = invoke("rollback", *ws, "--customer", customer)
    assert code == 0 and "add --yes" in out and "remove_subscriber" in out
    assert state_file.read_text() == before
    code, out, err = invoke("rollback", *ws, "--customer", customer, "--yes", "--json")
    assert code == 0, err
    assert f"create_customer:{customer}" in json.loads(out)["rolled_back"]
    code, _out, err = invoke("rollback", *ws, "--customer", "nobody", "--yes")
    assert code == 2 and "no customer nobody" in err
    code, _out, err = invoke("rollback", *ws)
    assert code == 2 and "exactly one of" in err


def test_fail_fast_stops_starting_work_after_the_first_failure(workspace: Path) -> None:
    sandbox = Sandbox()
    plan = builder.read(workspace / "w")
    first, second = sorted({a.customer for a in plan.actions})
    sandbox.faults.customer_state_by_external_id[first] = "error"

    async def go() -> Any:
        async with webex_for(sandbox) as webex:
            return await run_load(
                workspace / "w",
                webex,
                plan,
                options=LoadOptions(poll_interval=0.001, concurrency=1, fail_fast=True),
            )

    result = asyncio.run(go())
    assert result.stopped_early and not result.ok
    with Journal(workspace / "w") as journal:
        untouched = {a.state for a in journal.actions(customer=second)}
    assert untouched == {jr.PENDING}
    assert snapshot(sandbox)["customers"] == [first]


WRITES = ("POST", "PUT", "PATCH", "DELETE")


def opener(sandbox: Sandbox) -> Callable[[Any], AbstractAsyncContextManager[Webex]]:
    return lambda wrap: Webex(
        IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=wrap(sandbox.transport())
    )


def test_dry_run_of_a_rollback_records_exactly_what_the_rollback_sends(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    before = snapshot(sandbox)
    gone = sorted(before["customers"])[0]
    seen = len(sandbox.app.request_log)
    with Journal(workspace / "w") as journal:
        journaled = {a.key: a.state for a in journal.actions()}
    found = asyncio.run(dry_run_rollback(workspace / "w", opener(sandbox), customer=gone))
    # Nothing written to Webex or to the real journal...
    assert [r for r in list(sandbox.app.request_log)[seen:] if r[0] in WRITES] == []
    assert snapshot(sandbox) == before
    with Journal(workspace / "w") as journal:
        assert {a.key: a.state for a in journal.actions()} == journaled
    # ...while the copy went through the executor's journaling like a real rollback.
    assert not found.rollback.failed and found.rollback.done
    assert {a.key for a in found.actions if a.state == jr.ROLLED_BACK} == set(found.rollback.done)
    assert {r.method for r in found.recorded} == {"DELETE"}

    seen = len(sandbox.app.request_log)
    real = roll_back(workspace, sandbox, gone)
    assert not real.failed and real.done == found.rollback.done
    sent = [(m, p) for m, p, _s in list(sandbox.app.request_log)[seen:] if m in WRITES]
    dry = [(r.method, r.path) for r in found.recorded]
    assert dry == sent  # the same requests, in the same order, with the same ids
    assert snapshot(sandbox)["customers"] != before["customers"]


def test_cli_rollback_dry_run_writes_the_recorded_requests_then_the_real_one_sends_them(
    workspace: Path,
) -> None:
    """Through the command line: the workbook lists the writes, and a rollback with --yes
    then undoes exactly the steps the dry-run went through."""
    args = [*common(workspace), "--sandbox"]
    code, _out, err = invoke("load", *args, "--poll-interval", "0.001")
    assert code == 0, err
    with Journal(workspace / "w") as journal:
        customer = sorted(a.customer for a in journal.actions())[0]
    code, out, err = invoke("rollback", *args, "--customer", customer, "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["dry_run"] is True and dry["writes"] == len(dry["requests"]) > 0
    assert {r["method"] for r in dry["requests"]} == {"DELETE"}
    book = load_workbook(workspace / "r" / "rollback-dry-run.xlsx", read_only=True)
    rows = list(book["Requests"].iter_rows(values_only=True))
    assert len(rows) - 1 == dry["writes"]
    # Nothing was undone by the dry-run: the journal still says succeeded.
    with Journal(workspace / "w") as journal:
        assert not any(a.state == jr.ROLLED_BACK for a in journal.actions())
    code, out, err = invoke("rollback", *args, "--customer", customer, "--yes", "--json")
    assert code == 0, err
    real = json.loads(out)
    assert sorted(real["rolled_back"]) == sorted(s["key"] for s in dry["steps"] if not s["note"])
