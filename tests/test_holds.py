"""Customers Webex holds for Cisco's Restricted Persons review have a clock (72 h), and
subscribers waiting for their user's consent can be mailed again, journaled."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from migrate.load import journal as jr
from migrate.load.consent import CONSENT_RESEND_FAILED
from migrate.load.holds import RPL_REVIEW_LIMIT
from migrate.load.journal import CONSENT_RESENT, PARKED, Journal
from migrate.reports.load_report import write_load_report
from migrate.reports.summary import gather
from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from migrate.stages.settings import Settings
from migrate.stages.status import status
from migrate.workspace import Workspace
from tests.migration_helpers import SAMPLES, common, invoke, load, stage

REVIEWED = "acme-ent"
AWAIT = f"await_customer:{REVIEWED}"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage(tmp_path_factory.mktemp("holds"), SAMPLES / "acme-enterprise")


@pytest.fixture
def case(staged: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(staged, tmp_path / "case"))


class Clock:
    """The journal's clock, moved by the test: 72 hours pass without a sleep."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def stamp(self) -> str:
        return jr.stamp(self.at)


def settings(case: Path) -> Settings:
    return Settings(case / "w", case / "r", case / "migrate.toml")


def test_a_customer_held_for_review_shows_since_when_and_is_overdue_after_72_hours(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_now = datetime.now(UTC)
    first = real_now - timedelta(hours=80)
    clock = Clock(first)
    monkeypatch.setattr(jr, "_now", clock.stamp)
    sandbox = Sandbox(SandboxConfig())
    sandbox.faults.customer_state_by_external_id[REVIEWED] = "pending_rpl_review"
    load(case, sandbox)

    clock.at = first + timedelta(hours=10)
    polls_before = sum(m == "GET" and "/customers/" in p for m, p, _s in sandbox.app.request_log)
    still = load(case, sandbox, command="retry")
    polls = sum(m == "GET" and "/customers/" in p for m, p, _s in sandbox.app.request_log)
    assert polls > polls_before  # retry asked Webex again
    assert still.counts[PARKED] and still.outcomes[AWAIT] == PARKED
    with Journal(case / "w") as journal:
        parked_events = [e for e in journal.events(AWAIT) if e["state"] == PARKED]
        since = journal.parked_since()
    assert len(parked_events) == 2  # parked by the load, parked again by the retry...
    assert since[AWAIT] == jr.stamp(first)  # ...and held since the first time
    monkeypatch.setattr(jr, "_now", lambda: jr.stamp(datetime.now(UTC)))

    early = status(settings(case), now=first + RPL_REVIEW_LIMIT - timedelta(minutes=1))
    late = status(settings(case), now=first + RPL_REVIEW_LIMIT + timedelta(minutes=1))
    assert [(h.customer, h.key, h.reason) for h in late.holds] == [
        (REVIEWED, AWAIT, "pending_rpl_review")
    ]
    assert [h.overdue for h in early.holds] == [False]
    assert [h.overdue for h in late.holds] == [True]
    assert late.holds[0].since == jr.stamp(first)
    assert late.to_dict()["holds"][0]["overdue"] is True

    code, out, err = invoke("status", *common(case))  # measured now: 80 hours on
    assert code == 0, err
    assert f"{REVIEWED} {AWAIT}: pending_rpl_review since {jr.stamp(first)} (80 h), OVERDUE" in out
    assert "held by Webex: 1 (1 overdue)" in out

    report = write_load_report(case / "w", case / "r" / "load.xlsx", [("Run", 2)])
    book = openpyxl.load_workbook(report, read_only=True)
    rows = list(book["Held"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Customer", "Reason", "Parked since (UTC)", "Hours", "Overdue (72 h)")
    assert rows[1][:5] == (REVIEWED, "pending_rpl_review", jr.stamp(first), 80, True)
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["Held over 72 h (Cisco review overdue)"] == 1

    shown = gather(Workspace(case / "w"), case / "r")
    held = [a for a in shown.attention if a.subject == AWAIT]
    assert len(held) == 1 and "OVERDUE" in held[0].since
    assert held[0].since.startswith(first.strftime("%Y-%m-%d %H:%M"))

    sandbox.resolve_rpl_review(next(iter(sandbox.state.customers)))
    done = load(case, sandbox, command="retry")
    assert done.ok and not done.counts[PARKED]
    assert status(settings(case)).holds == []


def test_a_hold_that_ended_and_came_back_starts_its_clock_again(tmp_path: Path) -> None:
    times = iter(datetime(2026, 1, day, tzinfo=UTC) for day in range(1, 10))  # a day a write
    with Journal(tmp_path, clock=lambda: next(times)) as journal:
        journal.record_plan(  # day 1
            [jr.JournalAction("await_customer:c", "await_customer", "c", 1, 0, {}, (), None)]
        )
        run = journal.begin_run("load", None)  # 2
        journal.start("await_customer:c", run)  # 3
        journal.park("await_customer:c", run, "pending_rpl_review")  # 4
        journal.start("await_customer:c", run)  # 5
        journal.park("await_customer:c", run, "pending_rpl_review")  # 6: still day 4's hold
        assert journal.parked_since() == {"await_customer:c": "2026-01-04T00:00:00.000+00:00"}
        journal.fail("await_customer:c", run, "terminal", "error", "refused")  # 7
        journal.park("await_customer:c", run, "pending_rpl_review")  # 8: a new hold
        assert journal.parked_since() == {"await_customer:c": "2026-01-08T00:00:00.000+00:00"}
        journal.succeed("await_customer:c", run, {})  # 9
        assert journal.parked_since() == {}


def _migrate(command: str, case: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrate", command, *common(case), "--api-url", url, *extra],
        env={**os.environ, "WEBEX_ACCESS_TOKEN": "holds-test-token"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_retry_resend_consent_mails_every_waiting_user_again_and_journals_it(
    case: Path,
) -> None:
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("pending_user_migration=1")))
    with sandbox.serve(0) as server:
        loaded = _migrate("load", case, server.url, "--poll-interval", "0.01")
        with Journal(case / "w") as journal:
            waiting = [
                a
                for a in journal.actions(states=[PARKED])
                if a.error_code == "pending_user_migration"
            ]
        assert waiting, loaded.stderr
        posts_before = [r for r in sandbox.app.request_log if r[1].endswith("/consentMove")]
        assert posts_before == []  # a plain retry or load never mails anyone again

        retried = _migrate(
            "retry", case, server.url, "--poll-interval", "0.01", "--resend-consent", "--json"
        )
        consent_calls = [r for r in sandbox.app.request_log if r[1].endswith("/consentMove")]
    # Still parked after the retry: not done, so exit 1 (the consent mail went out all the same).
    assert retried.returncode == 1, retried.stderr
    sent = json.loads(retried.stdout)["consent"]
    assert sorted(sent["resent"]) == sorted(a.key for a in waiting) and sent["failed"] == {}
    ids = {(a.result or {})["subscriberId"] for a in waiting}
    assert sorted(p.split("/")[-3] for _m, p, _s in consent_calls) == sorted(ids)
    assert {(m, s) for m, _p, s in consent_calls} == {("POST", 204)}
    with Journal(case / "w") as journal:
        every = journal.events()
        still = {a.key for a in journal.actions(states=[PARKED])}
    events = [e for e in every if e["state"] == CONSENT_RESENT]
    assert sorted(e["key"] for e in events) == sorted(a.key for a in waiting)
    assert {e["detail"] for e in events} == ids
    assert {a.key for a in waiting} <= still  # mailed again, still waiting for the user
    assert CONSENT_RESEND_FAILED not in {e["state"] for e in every}


def test_resend_consent_has_no_dry_run(case: Path) -> None:
    code, _out, err = invoke("retry", *common(case), "--resend-consent", "--dry-run")
    assert code == 2
    assert "--resend-consent sends mail: it has no --dry-run" in err
