"""Fault test: 5% 429, 5% 5xx, 2% timeouts and three objects Webex will not finish.

Everything else is created exactly once; the three are reported with their
reason; the report's counts add up to the plan.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from migrate.load import journal as jr
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.reports.load_report import write_load_report
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox, SandboxConfig
from migrate.sandbox import parse_fault_spec as faults
from migrate.webex import Webex
from tests.migration_helpers import GROUP_CONFIG, invoke, stage


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic export of several small businesses, one customer per group."""
    root = tmp_path_factory.mktemp("faults")
    code, _out, err = invoke("synthetic", str(root / "export"), "--users", "700", "--seed", "11")
    assert code == 0, err
    # Synthetic exports carry a few ErrorResponses: extract may exit 1.
    return stage(root, root / "export", GROUP_CONFIG, extract_codes=(0, 1))


async def _no_wait(seconds: float) -> None:
    return None


@pytest.mark.slow
def test_faults_are_survived_and_the_three_are_reported(prepared: Path, tmp_path: Path) -> None:
    shutil.copytree(prepared, tmp_path / "case")
    ws = tmp_path / "case" / "w"
    plan = builder.read(ws)
    customers = sorted({a.customer for a in plan.actions})
    assert len(customers) >= 4, customers
    broken, reviewed = customers[0], customers[1]
    # Not the administrator (the customer's first subscriber): the others wait for it.
    consent = [
        a.payload["body"]["email"]
        for a in plan.actions
        if a.type == "create_subscriber" and a.customer == customers[2]
    ][-1]
    sandbox = Sandbox(SandboxConfig(faults=faults("429=0.05,5xx=0.05,timeout=0.02,seed=3")))
    sandbox.faults.customer_state_by_external_id[broken] = "provisioned_with_errors"
    sandbox.faults.customer_state_by_external_id[reviewed] = "pending_rpl_review"
    sandbox.faults.pending_user_migration_emails.add(consent)

    async def go() -> LoadResult:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport(), sleep=_no_wait
        ) as webex:
            return await run_load(
                ws,
                webex,
                plan,
                options=LoadOptions(poll_interval=0.001, backoff_s=0.0, concurrency=4),
            )

    result = asyncio.run(go())
    log = Counter(status for _m, _p, status in sandbox.app.request_log)
    assert log[429] > 0 and log[0] > 0 and sum(log[s] for s in (500, 502, 503, 504)) > 0

    with Journal(ws) as journal:
        actions = {a.key: a for a in journal.actions()}
    failed = [a for a in actions.values() if a.state == jr.FAILED]
    assert [(a.key, a.error_code) for a in failed] == [
        (f"await_customer:{broken}", "provisioned_with_errors")
    ]
    assert {a.state for a in actions.values() if a.customer == broken} == {
        jr.SUCCEEDED,
        jr.FAILED,
        jr.SKIPPED,
    }
    assert actions[f"await_customer:{reviewed}"].state == jr.PARKED
    assert actions[f"await_customer:{reviewed}"].error_code == "pending_rpl_review"
    assert {
        a.state for a in actions.values() if a.customer == reviewed and a.type != "create_customer"
    } == {jr.PARKED}
    consent_key = next(
        k
        for k, a in actions.items()
        if a.type == "create_subscriber" and a.payload["body"]["email"] == consent
    )
    assert actions[consent_key].state == jr.PARKED
    assert actions[consent_key].error_code == "pending_user_migration"

    # Everything else exists, exactly once.
    emails = Counter(s.email for s in sandbox.state.subscribers.values() if not s.deleted)
    expected = {
        a.payload["body"]["email"]
        for a in plan.actions
        if a.type == "create_subscriber" and a.customer not in (broken, reviewed)
    }
    expected.add(consent)  # created in Webex, waiting for the user's consent
    assert set(emails) == expected and set(emails.values()) == {1}
    # Hunt groups and call queues too, with every agent the plan gave them.
    state = sandbox.state
    features = 0
    for action_type, table in (
        ("create_hunt_group", state.hunt_groups),
        ("create_call_queue", state.call_queues),
    ):
        planned = Counter(
            (
                state.customer_by_external_id(a.customer).org_id,  # type: ignore[union-attr]
                a.payload["name"],
                len(a.payload["body"]["agents"]),
            )
            for a in plan.actions
            if a.type == action_type and a.customer not in (broken, reviewed)
        )
        made = Counter((f.org_id, f.name, len(f.body["agents"])) for f in table.values())
        assert made == planned, action_type
        features += sum(planned.values())
    assert features > 0
    externals = Counter(c.external_id for c in sandbox.state.customers.values())
    assert set(externals) == set(customers) and set(externals.values()) == {1}
    succeeded = {k for k, a in actions.items() if a.state == jr.SUCCEEDED}
    for action in plan.actions:
        # A device of the consenting user waits (parked) with its owner.
        if action.customer not in (broken, reviewed) and consent_key not in (
            action.key,
            *action.depends_on,
        ):
            assert action.key in succeeded, action.key

    report = write_load_report(ws, tmp_path / "load.xlsx", [("Run", result.run_id)])
    rows = list(openpyxl.load_workbook(report)["Actions"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(plan.actions)
    assert Counter(row[5] for row in rows) == Counter(a.state for a in actions.values())
    assert sum(result.counts.values()) == len(plan.actions)
