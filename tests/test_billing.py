"""``migrate billing``: a Webex billing report reconciled with the journal's activation times.

Real activations happen "now"; these tests move time instead. The sandbox runs on a
FakeClock, and the journal's clock (``migrate.load.journal._now``) is pointed at the same
FakeClock for the test, so every journal event and every sandbox activation carry times
the test chose. The production path is unchanged: it reads the journal's events.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.billing import (
    DIFFERS,
    OK,
    Activity,
    BillingReportFailed,
    BillingResult,
    Stretch,
    activities_from_journal,
    check_period,
    quantity,
    reconcile,
    run_billing,
)
from migrate.load.journal import Journal
from migrate.plan import builder
from migrate.sandbox import FakeClock, Sandbox
from migrate.webex import Webex
from tests.migration_helpers import common, copy_case, invoke, load, prepare, with_webex

ROLLED_BACK = "carol.nguyen@acme-corp.com"
PLANTED = "dave.okafor@acme-corp.com"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("billing"))


@pytest.fixture
def case(prepared: Path, tmp_path: Path) -> Path:
    return copy_case(prepared, tmp_path / "case")


class SpreadOverDays(httpx.AsyncBaseTransport):
    """Moves the clock 13 hours before each subscriber is provisioned: activations land on
    different days, at different times of day."""

    def __init__(self, inner: httpx.AsyncBaseTransport, clock: FakeClock) -> None:
        self.inner, self.clock = inner, clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/wholesale/subscribers"):
            self.clock.advance(13 * 3600)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def loaded(case: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Sandbox, FakeClock]:
    """Loaded from 1 March 2026 on, one subscriber rolled back on 10 March at 18:00."""
    clock = FakeClock(utc(2026, 3, 1, 9))
    monkeypatch.setattr(jr, "_now", lambda: clock.now().isoformat(timespec="milliseconds"))
    sandbox = Sandbox(clock=clock)
    assert load(case, sandbox, transport=SpreadOverDays(sandbox.transport(), clock)).ok
    clock.set(utc(2026, 3, 10, 18))
    key = f"create_subscriber:{ROLLED_BACK}"
    with Journal(case / "w") as journal:
        action = journal.get(key)
        assert action is not None and action.result is not None
        subscriber_id = action.result["subscriberId"]

    async def remove(webex: Webex) -> None:
        await webex.wholesale.remove_subscriber(subscriber_id)

    with_webex(sandbox, remove)
    with Journal(case / "w") as journal:
        journal.roll_back(key, journal.begin_run("rollback", None))
    clock.set(utc(2026, 3, 20, 8))
    return case, sandbox, clock


def reconcile_march(
    case: Path, sandbox: Sandbox, clock: FakeClock, report_type: str = "USER", keep: bool = False
) -> BillingResult:
    plan = builder.read(case / "w")
    return with_webex(
        sandbox,
        lambda webex: run_billing(
            webex,
            case / "w",
            plan,
            date(2026, 3, 1),
            date(2026, 3, 15),
            report_type=report_type,
            keep=keep,
            today=clock.now().date(),
            now=clock.now(),
            poll_interval=0.001,
        ),
    )


def test_activity_comes_from_the_journal_events(loaded: tuple[Path, Sandbox, FakeClock]) -> None:
    case, _sandbox, _clock = loaded
    activities = activities_from_journal(case / "w", builder.read(case / "w"))
    assert len(activities) == 12
    starts = sorted(a.stretches[0].start for a in activities)
    assert len({s.date() for s in starts}) >= 6  # spread over different days
    carol = next(a for a in activities if a.email == ROLLED_BACK)
    assert carol.stretches[0].end == utc(2026, 3, 10, 18)
    assert all(a.stretches[0].end is None for a in activities if a.email != ROLLED_BACK)


def test_a_load_with_a_mid_period_rollback_reconciles_to_zero(
    loaded: tuple[Path, Sandbox, FakeClock],
) -> None:
    case, sandbox, clock = loaded
    result = reconcile_march(case, sandbox, clock)
    assert result.ok, result.differences
    users = [r for r in result.rows if r.level == "user"]
    assert len(users) == 12 and {r.status for r in result.rows} == {OK}
    carol = next(r for r in users if r.subject == ROLLED_BACK)
    assert 0 < carol.billed < 10 and carol.billed != int(carol.billed)  # prorated, cut short
    customers = [r for r in result.rows if r.level == "customer"]
    # The sample's call-center agent and receptionist hold Customer Assist and Attendant Console.
    assert {r.service for r in customers} == {
        "ATTENDANT_CONSOLE",
        "CX_ESSENTIALS",
        "WEBEX_CALLING",
        "WEBEX_VOICE",
    }
    assert sandbox.state.reports == {}  # deleted afterwards
    assert reconcile_march(case, sandbox, clock, "CUSTOMER", keep=True).ok
    assert len(sandbox.state.reports) == 1  # --keep


def test_a_planted_discrepancy_is_found(loaded: tuple[Path, Sandbox, FakeClock]) -> None:
    case, sandbox, clock = loaded
    dave = next(s for s in sandbox.state.subscribers.values() if s.email == PLANTED)
    # Webex bills Dave from the start of the month, though he was provisioned later.
    sandbox.set_activity(dave.id, [(dave.packages[0], utc(2026, 3, 1), None)])
    result = reconcile_march(case, sandbox, clock)
    found = Counter((r.level, r.subject, r.status) for r in result.differences)
    assert found == Counter({("user", PLANTED, DIFFERS): 1, ("customer", "acme-ent", DIFFERS): 1})
    row = next(r for r in result.differences if r.level == "user")
    assert row.billed == 15 and row.expected < 15
    assert result.rows[0].status == DIFFERS  # differences first


def test_quantity_is_prorated_per_utc_day() -> None:
    half = [Stretch("webex_calling", utc(2026, 2, 10, 12), utc(2026, 2, 12))]
    assert (
        quantity(half, "webex_calling", date(2026, 2, 10), date(2026, 2, 19), utc(2026, 3, 1))
        == 1.5
    )
    open_ended = [Stretch("webex_calling", utc(2026, 2, 1), None)]
    assert (
        quantity(open_ended, "webex_calling", date(2026, 2, 10), date(2026, 2, 19), utc(2026, 3, 1))
        == 10
    )
    assert (
        quantity(open_ended, "webex_suite", date(2026, 2, 10), date(2026, 2, 19), utc(2026, 3, 1))
        == 0
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 3, 5), date(2026, 3, 1), "after --end"),
        (date(2026, 3, 1), date(2026, 3, 20), "cannot include today"),
        (date(2026, 3, 1), date(2026, 3, 25), "cannot include today"),
        (date(2021, 3, 19), date(2021, 3, 25), "last five years"),
    ],
)
def test_the_period_is_checked_before_anything_is_sent(
    start: date, end: date, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        check_period(start, end, date(2026, 3, 20))
    check_period(date(2021, 3, 20), date(2026, 3, 19), date(2026, 3, 20))


def test_cli_billing_rejects_today_with_one_line_and_exit_2(case: Path) -> None:
    today = date.today().isoformat()
    code, _out, err = invoke(
        "billing", *common(case), "--sandbox", "--start", today, "--end", today
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "cannot include today" in err


def test_cli_billing_writes_the_workbook_and_exits_1_on_a_difference(case: Path) -> None:
    args = [*common(case), "--sandbox"]
    code, _out, err = invoke("load", *args)
    assert code == 0, err
    yesterday = date.fromordinal(date.today().toordinal() - 1)
    period = [
        "--start",
        (yesterday.replace(day=1) if yesterday.day > 1 else yesterday).isoformat(),
        "--end",
        yesterday.isoformat(),
    ]
    code, out, err = invoke("billing", *args, *period)
    assert code == 0, err + out  # provisioned today: nothing billed, nothing expected
    assert (case / "r" / "billing.xlsx").is_file()
    sandbox = Sandbox(state_file=case / "w" / "sandbox-state.json")
    assert sandbox.state.reports == {}
    sub = next(s for s in sandbox.state.subscribers.values() if s.email == PLANTED)
    sandbox.set_activity(
        sub.id, [(sub.packages[0], datetime.combine(yesterday, datetime.min.time(), UTC), None)]
    )
    sandbox.save()
    code, out, err = invoke("billing", *args, *period)
    assert code == 1, err
    # Dave is the sample's call-center agent: Customer Assist.
    assert f"unexpected user {PLANTED} CX_ESSENTIALS: billed 1, expected 0" in out


def test_reconcile_reads_workspace_rows_and_leaves_other_customers_out() -> None:
    header = (
        "PARTNER_NAME,PARTNER_ORG_ID,CUSTOMER_ORG_ID,CUSTOMER_EXTERNAL_ID,SUBSCRIBER_ID,"
        "USER_ID,WORKSPACE_ID,SUBSCRIPTION_ID,SERVICE_NAME,SKU,DESCRIPTION,"
        "CONSUMPTION_START_DATE,CONSUMPTION_END_DATE,QUANTITY\n"
    )
    text = header + (
        "P,p,o1,ent-1,s1,u1,,sub,WEBEX_CALLING,x,x,2026-02-01,2026-02-10,10\n"
        "P,p,o1,ent-1,,,w1,sub,COMMON_AREA_CALLING,x,x,2026-02-06,2026-02-10,4.5\n"
        "P,p,o9,someone-else,s9,u9,,sub,WEBEX_CALLING,x,x,2026-02-01,2026-02-10,10\n"
    )
    activities = [
        Activity(
            "s1",
            "a@x.example",
            "ent-1",
            "ent-1",
            None,
            (Stretch("webex_calling", utc(2026, 1, 1)),),
        ),
        Activity(
            "w1",
            "workspace Lobby",
            "ent-1",
            "ent-1",
            None,
            (Stretch("common_area_calling", utc(2026, 2, 6, 12)),),
        ),
    ]
    result = reconcile(
        text, "USER", date(2026, 2, 1), date(2026, 2, 10), activities, utc(2026, 3, 1)
    )
    assert result.ok, result.differences
    assert {(r.level, r.subject, r.service) for r in result.rows} == {
        ("user", "a@x.example", "WEBEX_CALLING"),
        ("user", "workspace Lobby", "COMMON_AREA_CALLING"),
        ("customer", "ent-1", "WEBEX_CALLING"),
        ("customer", "ent-1", "COMMON_AREA_CALLING"),
    }
    assert result.ignored_rows == 1
    short = reconcile(
        text.replace(",4.5\n", ",3.5\n"),
        "USER",
        date(2026, 2, 1),
        date(2026, 2, 10),
        activities,
        utc(2026, 3, 1),
    )
    assert [(r.level, r.status) for r in short.differences] == [
        ("customer", DIFFERS),
        ("user", DIFFERS),
    ]


def test_an_existing_report_is_used_and_kept_and_a_refusal_is_one_clear_error(
    loaded: tuple[Path, Sandbox, FakeClock],
) -> None:
    case, sandbox, clock = loaded
    first = reconcile_march(case, sandbox, clock, keep=True)
    again = reconcile_march(case, sandbox, clock)  # Webex answers 409: the report exists
    assert again.ok and again.report_id == first.report_id and again.kept
    assert again.notes[0].startswith("Webex already had this report")
    assert list(sandbox.state.reports) == [first.report_id]
    plan = builder.read(case / "w")
    with pytest.raises(BillingReportFailed, match="Webex refused the billing report"):
        with_webex(
            sandbox,
            lambda webex: run_billing(
                webex,
                case / "w",
                plan,
                date(2026, 3, 1),
                date(2026, 3, 15),
                sub_partner="not-a-sub-partner",
                today=clock.now().date(),
                now=clock.now(),
            ),
        )
