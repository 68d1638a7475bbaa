"""The reconciliation on reports the size Webex sends: a row per user per day."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from migrate.load.billing import (
    DIFFERS,
    MISSING,
    OK,
    UNEXPECTED,
    Activity,
    BillingReportFailed,
    Stretch,
    reconcile,
)

HEADER = (
    "PARTNER_NAME,PARTNER_ORG_ID,CUSTOMER_ORG_ID,CUSTOMER_EXTERNAL_ID,SUBSCRIBER_ID,USER_ID,"
    "WORKSPACE_ID,SUBSCRIPTION_ID,SERVICE_NAME,SKU,DESCRIPTION,CONSUMPTION_START_DATE,"
    "CONSUMPTION_END_DATE,QUANTITY\n"
)
START, END = date(2026, 1, 1), date(2026, 4, 10)  # 100 days
NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _activity(customer: int, user: int, since: datetime) -> Activity:
    ext = f"ent-{customer}"
    return Activity(
        f"s{customer}-{user}",
        f"u{user}@{ext}.example",
        ext,
        ext,
        None,
        (Stretch("webex_calling", since),),
    )


def _daily_rows(activity: Activity, quantity: str = "1") -> list[str]:
    ext = activity.customer_external_id
    return [
        f"P,p,org-{ext},{ext},{activity.subscriber_id},{activity.email},,sub,WEBEX_CALLING,"
        f"x,x,{day},{day},{quantity}\n"
        for day in (START + timedelta(days=d) for d in range((END - START).days + 1))
    ]


def test_a_hundred_thousand_daily_rows_add_up_per_user_customer_and_partner() -> None:
    # 10 customers x 100 users x 100 days; the last user of each customer joined at noon
    # on the 51st day, so Webex bills it 0.5 that day and nothing before.
    activities: list[Activity] = []
    lines: list[str] = [HEADER]
    late = datetime(2026, 2, 20, 12, tzinfo=UTC)
    for c in range(10):
        for u in range(100):
            activity = _activity(c, u, late if u == 99 else datetime(2025, 12, 1, tzinfo=UTC))
            activities.append(activity)
            daily = _daily_rows(activity)
            if u == 99:
                daily = [line.replace(",1\n", ",0\n") for line in daily[:50]] + [
                    daily[50].replace(",1\n", ",0.5\n"),
                    *daily[51:],
                ]
            lines.extend(daily)
    text = "".join(lines)
    assert len(lines) - 1 == 100_000

    result = reconcile(text, "USER", START, END, activities, NOW)
    assert result.ok, result.differences[:3]
    users = [r for r in result.rows if r.level == "user"]
    customers = [r for r in result.rows if r.level == "customer"]
    assert len(users) == 1000 and len(customers) == 10
    full = [r for r in users if not r.subject.startswith("u99@")]
    assert {r.billed for r in full} == {100.0} and {r.expected for r in full} == {100.0}
    assert {r.billed for r in users if r.subject.startswith("u99@")} == {49.5}
    assert {r.billed for r in customers} == {99 * 100 + 49.5}
    assert math.isclose(sum(r.expected for r in customers), 10 * (99 * 100 + 49.5))
    assert len(result.csv_rows) == 100_000 and result.ignored_rows == 0

    partner = reconcile(text, "PARTNER", START, END, activities, NOW)
    assert [(r.service, r.billed, r.status) for r in partner.rows] == [
        ("WEBEX_CALLING", 10 * (99 * 100 + 49.5), OK)
    ]

    # One day too many for one user, one user Webex does not bill, one it bills unasked.
    extra = _activity(0, 500, datetime(2025, 12, 1, tzinfo=UTC))
    changed = text.replace(
        f",s3-7,u7@ent-3.example,,sub,WEBEX_CALLING,x,x,{START},{START},1\n",
        f",s3-7,u7@ent-3.example,,sub,WEBEX_CALLING,x,x,{START},{START},2\n",
    )
    changed = "".join(line for line in changed.splitlines(True) if ",s5-5," not in line)
    changed += "".join(_daily_rows(extra))
    result = reconcile(changed, "USER", START, END, activities, NOW)
    found = {(r.level, r.subject, r.status, r.billed, r.expected) for r in result.differences}
    assert found == {
        ("user", "u7@ent-3.example", DIFFERS, 101.0, 100.0),
        ("customer", "ent-3", DIFFERS, 99 * 100 + 49.5 + 1, 99 * 100 + 49.5),
        ("user", "u5@ent-5.example", MISSING, 0.0, 100.0),
        ("customer", "ent-5", DIFFERS, 98 * 100 + 49.5, 99 * 100 + 49.5),
        ("user", "u500@ent-0.example", UNEXPECTED, 100.0, 0.0),
        ("customer", "ent-0", DIFFERS, 100 * 100 + 49.5, 99 * 100 + 49.5),
    }


def test_a_quantity_that_is_not_a_number_never_matches() -> None:
    activity = _activity(0, 0, datetime(2025, 12, 1, tzinfo=UTC))
    rows = _daily_rows(activity)
    rows[3] = rows[3].replace(",1\n", ",n/a\n")
    result = reconcile(HEADER + "".join(rows), "USER", START, END, [activity], NOW)
    assert {(r.level, r.status) for r in result.differences} == {
        ("user", DIFFERS),
        ("customer", DIFFERS),
    }
    assert all(math.isnan(r.billed) for r in result.differences)


def test_an_empty_report_shows_everything_missing_and_a_broken_one_is_one_error() -> None:
    activity = _activity(0, 0, datetime(2025, 12, 1, tzinfo=UTC))
    result = reconcile(HEADER, "CUSTOMER", START, END, [activity], NOW)
    assert [(r.level, r.status, r.expected) for r in result.rows] == [("customer", MISSING, 100.0)]
    with pytest.raises(BillingReportFailed) as caught:
        reconcile(HEADER + 'P,p,"unterminated\n', "USER", START, END, [activity], NOW)
    assert "\n" not in str(caught.value) and "cannot be read" in str(caught.value)
