"""``migrate billing``: ask Webex for a billing report and reconcile it with the journal.

The Solution Guide's rule: Webex records each day's usage; a subscriber
active a full day counts 1, half a day 0.5; the days of the period are summed
per user, and customer and partner rows sum their users. The expected
quantity of a subscriber comes from the journal: active from the time its
``create_subscriber`` succeeded until the time it was rolled back, if it was.
Days are UTC calendar days.

A report covers any period in the last five years that does not include
today (checked here, before anything is sent). It is generated in the
background (polled), downloaded from a ``tempDownloadURL`` that works for 30
minutes (a link that expired is fetched anew once), and deleted afterwards
unless the caller keeps it.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate.deferred import deferred
from migrate.errors import ExitCode, InputError, MigrateError
from migrate.load import journal as jr
from migrate.load.journal import Journal
from migrate.plan.actions import (
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
)
from migrate.plan.builder import Plan
from migrate.webex import Webex, WebexConflict, WebexError
from migrate.webex.models import BillingReport
from migrate.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # only billing needs it: the other commands start without it

REPORT_TYPES = ("USER", "CUSTOMER", "PARTNER")
# The CSV prints 4 decimals; 0.001 of a day is 86 seconds, far below any real discrepancy.
TOLERANCE = 0.001
OK, DIFFERS, MISSING, UNEXPECTED = "ok", "differs", "missing", "unexpected"


class BillingReportFailed(MigrateError):
    """Webex could not generate the report: the command ran, the reconciliation did not."""

    exit_code = ExitCode.ITEMS_FAILED


@dataclass(frozen=True)
class Stretch:
    package: str
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Activity:
    """One subscriber's (or workspace's) billable life as the journal knows it."""

    subscriber_id: str  # or the workspace id
    email: str  # or "workspace NAME"
    customer: str  # the plan's customer id
    customer_external_id: str
    sub_partner: str | None
    stretches: tuple[Stretch, ...]
    adopted: bool = False  # existed before the load: Webex may bill days the journal lacks


@dataclass(frozen=True)
class Row:
    level: str  # user | customer | partner
    customer: str
    subject: str  # email (user), external id (customer), "partner"
    service: str
    billed: float
    expected: float
    status: str  # ok | differs | missing | unexpected
    subscriber_id: str = ""
    note: str = ""


@dataclass
class BillingResult:
    start: str
    end: str
    report_type: str
    report_id: str
    kept: bool
    rows: list[Row]
    csv_rows: list[dict[str, str]] = field(default_factory=list)
    ignored_rows: int = 0  # rows of customers this workspace did not migrate
    notes: list[str] = field(default_factory=list)
    reconciled_at: str = ""

    @property
    def differences(self) -> list[Row]:
        return [r for r in self.rows if r.status != OK]

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "report_type": self.report_type,
            "report_id": self.report_id,
            "kept": self.kept,
            "rows": [asdict(r) for r in self.rows],
            "csv_rows": self.csv_rows,
            "ignored_rows": self.ignored_rows,
            "notes": self.notes,
            "reconciled_at": self.reconciled_at,
            "ok": self.ok,
            "differences": len(self.differences),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BillingResult:
        return cls(
            start=data["start"],
            end=data["end"],
            report_type=data["report_type"],
            report_id=data["report_id"],
            kept=bool(data["kept"]),
            rows=[Row(**r) for r in data["rows"]],
            csv_rows=list(data["csv_rows"]),
            ignored_rows=int(data.get("ignored_rows", 0)),
            notes=list(data.get("notes", [])),
            reconciled_at=str(data.get("reconciled_at", "")),
        )


# ---------------------------------------------------------------- the period


def check_period(start: date, end: date, today: date) -> None:
    """The Guide's limits, checked before anything is sent (exit 2 with one line)."""
    if start > end:
        raise InputError(f"--start {start} is after --end {end}")
    if end >= today:
        raise InputError(
            f"--end {end}: a billing report cannot include today ({today}) or a "
            "later day; end at yesterday at the latest"
        )
    try:
        earliest = today.replace(year=today.year - 5)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - 5, day=28)
    if start < earliest:
        raise InputError(
            f"--start {start}: Webex keeps billing data for the last five years "
            f"only; start on {earliest} or later"
        )


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def quantity(
    stretches: Iterable[Stretch], package: str, start: date, end: date, now: datetime
) -> float:
    """Sum over the days of the period of the fraction of each day the package was held."""
    total = 0.0
    spans = [
        (s.start.timestamp(), (s.end or now).timestamp()) for s in stretches if s.package == package
    ]
    for day in days(start, end):
        first = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
        last = first + 86400.0
        for begin, until in spans:
            overlap = min(last, until) - max(first, begin)
            if overlap > 0:
                total += overlap / 86400.0
    return total


def service_name(package: str) -> str:
    """SERVICE_NAME of a package (Guide: WEBEX_CALLING, WEBEX_SUITE, COMMON_AREA_CALLING...)."""
    return package.upper()


# ---------------------------------------------------------------- the journal


def _parse(at: str) -> datetime:
    when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# What Webex bills per user-level row: action type → (result field holding the id the
# report's SUBSCRIBER_ID or WORKSPACE_ID shows, its package, its name in the workbook).
BILLABLE: dict[
    str, tuple[str, Callable[[dict[str, Any]], str], Callable[[dict[str, Any]], str]]
] = {
    CREATE_SUBSCRIBER: (
        "subscriberId",
        lambda p: str(p["body"]["packages"][0]),
        lambda p: str(p["body"]["email"]),
    ),
    CREATE_WORKSPACE: (
        "workspaceId",
        lambda p: str(p.get("licensePackage") or "common_area_calling"),
        lambda p: f"workspace {p['body']['displayName']}",
    ),
}


def activities_from_journal(workspace: Path, plan: Plan) -> list[Activity]:
    """Each provisioned subscriber's active stretches, from the journal's event times."""
    Workspace(workspace).require_journal("nothing was loaded yet, so there is nothing to reconcile")
    externals: dict[str, tuple[str, str | None]] = {}
    for action in plan.actions:
        if action.type == CREATE_CUSTOMER:
            externals[action.customer] = (
                str(action.payload["body"]["externalId"]),
                action.payload.get("params", {}).get("onBehalfOfSubPartnerOrgId"),
            )
    out: list[Activity] = []
    with Journal(workspace) as journal:
        # All events in one read: a query per subscriber would scan the table each time.
        events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in journal.events():
            events[event["key"]].append(event)
        ours = journal.created_keys()
        for done in journal.actions():
            billable = BILLABLE.get(done.type)
            if billable is None or not done.result:
                continue
            id_field, package_of, name_of = billable
            subscriber_id = done.result.get(id_field)
            if not subscriber_id or done.customer not in externals:
                continue
            package = package_of(done.payload)
            stretches: list[Stretch] = []
            active_since: datetime | None = None
            for event in events.get(done.key, []):
                if event["state"] == jr.SUCCEEDED and active_since is None:
                    active_since = _parse(event["at"])
                elif event["state"] == jr.ROLLED_BACK and active_since is not None:
                    stretches.append(Stretch(package, active_since, _parse(event["at"])))
                    active_since = None
            if active_since is not None:
                stretches.append(Stretch(package, active_since))
            if not stretches:
                continue
            external, sub_partner = externals[done.customer]
            out.append(
                Activity(
                    str(subscriber_id),
                    name_of(done.payload),
                    done.customer,
                    external,
                    sub_partner,
                    tuple(stretches),
                    # Ours when a create was sent for it, even if a lookup found it.
                    done.adopted and done.key not in ours,
                )
            )
    return out


def _org_ids(workspace: Path) -> dict[str, str]:
    with Journal(workspace) as journal:
        return {
            a.customer: str(a.result["orgId"])
            for a in journal.actions()
            if a.type == AWAIT_CUSTOMER and a.result and a.result.get("orgId")
        }


# ---------------------------------------------------------------- reconciling


# Columns the reconciliation reads; a report type without one (PARTNER has no
# CUSTOMER_EXTERNAL_ID) reads it as empty.
_READ = ("CUSTOMER_EXTERNAL_ID", "SERVICE_NAME", "QUANTITY", "SUBSCRIBER_ID", "WORKSPACE_ID")


def read_report(text: str) -> pd.DataFrame:
    """The report's rows as text columns, plus ``_qty`` (QUANTITY as a number, NaN when it
    is not one, so that it never equals anything) and ``_id`` (SUBSCRIBER_ID, or
    WORKSPACE_ID on a workspace's row)."""
    if not text.strip():
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in _READ})
    else:
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, na_filter=False, index_col=False)
        except (pd.errors.ParserError, ValueError) as err:
            raise BillingReportFailed(f"the billing report's CSV cannot be read: {err}") from None
    frame.attrs["report_columns"] = list(frame.columns)
    for column in (*_READ, "USER_ID"):
        if column not in frame.columns:
            frame[column] = ""
    quantity_text = frame["QUANTITY"].str.strip().replace("", "0")
    frame["_qty"] = pd.to_numeric(quantity_text, errors="coerce").astype(float)
    frame["_id"] = frame["SUBSCRIBER_ID"].where(frame["SUBSCRIBER_ID"] != "", frame["WORKSPACE_ID"])
    return frame


def report_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The rows as the report has them (its own columns only), kept for billing.xlsx."""
    columns = frame.attrs["report_columns"]
    # zip over plain tuples: ~10x faster than to_dict("records") on 100,000 rows.
    return [
        dict(zip(columns, values, strict=True))
        for values in frame[columns].itertuples(index=False, name=None)
    ]


def _status(billed: float | None, expected: float | None) -> str:
    if billed is None:
        return MISSING
    if expected is None:
        return UNEXPECTED
    return OK if abs(billed - expected) <= TOLERANCE else DIFFERS


def _billed(frame: pd.DataFrame, keys: list[str], **last: str) -> pd.DataFrame:
    """QUANTITY summed per ``keys`` (NaN if any row's is not a number), with the last
    row's value of each column in ``last``."""
    grouped = frame.assign(_bad=frame["_qty"].isna()).groupby(keys, sort=False)
    out = grouped.agg(
        billed=("_qty", "sum"),
        bad=("_bad", "any"),
        **{name: (column, "last") for name, column in last.items()},
    )
    out.loc[out["bad"], "billed"] = float("nan")
    return out.drop(columns="bad")


def _joined(billed: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Billed and expected side by side, one row per key either side has, in key order."""
    if expected.empty:
        expected = pd.DataFrame(columns=[*keys, "expected"]).set_index(keys)
    joined = billed.join(expected, how="outer")
    joined["has_billed"] = joined.index.isin(billed.index)
    joined["has_expected"] = joined.index.isin(expected.index)
    return joined.sort_index()


def _pairs(row: Any) -> tuple[float | None, float | None]:
    return (
        float(row.billed) if row.has_billed else None,
        float(row.expected) if row.has_expected else None,
    )


def reconcile(
    csv_text: str,
    report_type: str,
    start: date,
    end: date,
    activities: list[Activity],
    now: datetime,
    *,
    report_id: str = "",
    kept: bool = False,
    sub_partner: str | None = None,
) -> BillingResult:
    """Compare a downloaded report with the expected quantities. Pure: no I/O.

    The report can hold a row per user per day: the sums per user, customer and
    service are pandas group-bys, and each level is an outer join of billed and
    expected, so that what only one side has shows as missing or unexpected.
    """
    if sub_partner is not None:
        activities = [a for a in activities if a.sub_partner == sub_partner]
    ours = {a.customer_external_id: a.customer for a in activities}
    by_sub = {a.subscriber_id: a for a in activities}
    expected_rows = [
        (a.subscriber_id, service_name(package), a.customer_external_id, amount)
        for a in activities
        for package in sorted({s.package for s in a.stretches})
        if (amount := quantity(a.stretches, package, start, end, now)) > 0
    ]
    expected_user = pd.DataFrame(
        expected_rows, columns=["_id", "SERVICE_NAME", "CUSTOMER_EXTERNAL_ID", "expected"]
    )

    frame = read_report(csv_text)
    csv_rows = report_rows(frame)
    notes: list[str] = []
    ignored = 0
    rows: list[Row] = []
    if report_type == "PARTNER":
        joined = _joined(
            _billed(frame, ["SERVICE_NAME"]),
            expected_user.groupby("SERVICE_NAME")[["expected"]].sum(),
            ["SERVICE_NAME"],
        )
        for service, row in zip(joined.index, joined.itertuples(), strict=True):
            billed, expected = _pairs(row)
            rows.append(
                Row(
                    "partner",
                    "",
                    "partner",
                    str(service),
                    0.0 if billed is None else billed,
                    expected or 0.0,
                    _status(billed, expected),
                )
            )
        notes.append(
            "A PARTNER report sums every customer of the partner, including those "
            "this workspace did not migrate: use USER or CUSTOMER to reconcile a "
            "migration."
        )
    else:
        mine = frame["CUSTOMER_EXTERNAL_ID"].isin(list(ours))
        ignored = int((~mine).sum())
        frame = frame[mine]
        if report_type == "USER":
            joined = _joined(
                _billed(frame, ["_id", "SERVICE_NAME"], user="USER_ID", ext="CUSTOMER_EXTERNAL_ID"),
                expected_user.set_index(["_id", "SERVICE_NAME"])[["expected"]],
                ["_id", "SERVICE_NAME"],
            )
            for (sub_id, service), row in zip(joined.index, joined.itertuples(), strict=True):
                billed, expected = _pairs(row)
                activity = by_sub.get(sub_id)
                if activity is None:
                    subject = row.user or sub_id
                    customer = ours.get(row.ext, row.ext)
                else:
                    subject, customer = activity.email, activity.customer
                note = (
                    "adopted: it existed before the load, so Webex may bill days the "
                    "journal does not know"
                    if activity is not None and activity.adopted
                    else ""
                )
                rows.append(
                    Row(
                        "user",
                        customer,
                        subject,
                        str(service),
                        0.0 if billed is None else billed,
                        expected or 0.0,
                        _status(billed, expected),
                        str(sub_id),
                        note,
                    )
                )
        joined = _joined(
            _billed(frame, ["CUSTOMER_EXTERNAL_ID", "SERVICE_NAME"]),
            expected_user.groupby(["CUSTOMER_EXTERNAL_ID", "SERVICE_NAME"])[["expected"]].sum(),
            ["CUSTOMER_EXTERNAL_ID", "SERVICE_NAME"],
        )
        for (external, service), row in zip(joined.index, joined.itertuples(), strict=True):
            billed, expected = _pairs(row)
            rows.append(
                Row(
                    "customer",
                    ours.get(external, external),
                    str(external),
                    str(service),
                    0.0 if billed is None else billed,
                    expected or 0.0,
                    _status(billed, expected),
                )
            )
    order = {MISSING: 0, UNEXPECTED: 1, DIFFERS: 2, OK: 3}
    levels = {"customer": 0, "user": 1, "partner": 2}
    rows.sort(key=lambda r: (order[r.status], levels[r.level], r.customer, r.subject, r.service))
    if ignored:
        notes.append(f"{ignored} rows of customers this workspace did not migrate were left out.")
    return BillingResult(
        start.isoformat(),
        end.isoformat(),
        report_type,
        report_id,
        kept,
        rows,
        csv_rows,
        ignored,
        notes,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )


# ---------------------------------------------------------------- the whole round trip


async def _download(webex: Webex, report: BillingReport) -> str:
    try:
        return await webex.wholesale.download_billing_report(report)
    except WebexError as err:
        if err.status != 403:
            raise
        # The tempDownloadURL lives 30 minutes: a fresh GET signs a new one.
        return await webex.wholesale.download_billing_report(report.id)


async def _existing_report(
    webex: Webex, start: date, end: date, report_type: str, sub_partner: str | None
) -> BillingReport | None:
    async for report in webex.wholesale.list_billing_reports(
        start=start, end=end, type=report_type, status="COMPLETED", sub_partner_org_id=sub_partner
    ):
        return report
    return None


async def run_billing(
    webex: Webex,
    workspace: Path,
    plan: Plan,
    start: date,
    end: date,
    *,
    report_type: str = "USER",
    sub_partner: str | None = None,
    keep: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    activities: list[Activity] | None = None,
    poll_interval: float = 2.0,
    timeout: float = 600.0,
) -> BillingResult:
    """Create, poll, download, (delete) and reconcile one billing report.

    ``activities`` replaces the journal's (what a test that controls time passes);
    ``today`` and ``now`` default to the real clock.
    """
    if report_type not in REPORT_TYPES:
        raise InputError(f"--type {report_type}: one of {', '.join(REPORT_TYPES)}")
    now = now or datetime.now(UTC)
    check_period(start, end, today or now.date())
    if activities is None:
        activities = activities_from_journal(workspace, plan)
    notes: list[str] = []
    try:
        created = await webex.wholesale.create_billing_report(
            start, end, type=report_type, sub_partner_org_id=sub_partner
        )
    except WebexConflict:
        # Webex keeps one report per period and type: the one that exists holds the same
        # figures. Use it, and leave it in place: it is not ours to delete.
        existing = await _existing_report(webex, start, end, report_type, sub_partner)
        if existing is None:
            raise
        created, keep = existing, True
        notes.append(f"Webex already had this report ({existing.id}); it was used and kept.")
    except WebexError as err:
        raise BillingReportFailed(f"Webex refused the billing report: {err}") from err
    try:
        report = await webex.wholesale.wait_for_billing_report(
            created.id, interval=poll_interval, timeout=timeout
        )
        if report.status != "COMPLETED":
            errors = "; ".join(
                f"{e.get('code', '')} {e.get('description', '')}".strip()
                for e in report.raw.get("errors") or []
                if isinstance(e, dict)
            )
            raise BillingReportFailed(
                f"billing report {report.id} ended {report.status}"
                + (f": {errors}" if errors else "")
            )
        text = await _download(webex, report)
    finally:
        if not keep:
            await webex.wholesale.delete_billing_report(created.id)
    result = reconcile(
        text,
        report_type,
        start,
        end,
        activities,
        now,
        report_id=created.id,
        kept=keep,
        sub_partner=sub_partner,
    )
    result.notes[:0] = notes
    orgs = _org_ids(workspace) if Workspace(workspace).has_journal() else {}
    if orgs:
        known = set(orgs.values())
        foreign = (
            {
                r.get("CUSTOMER_ORG_ID")
                for r in result.csv_rows
                if r.get("CUSTOMER_EXTERNAL_ID") in {a.customer_external_id for a in activities}
            }
            - known
            - {None}
        )
        if foreign:
            result.notes.append(
                f"{len(foreign)} customer org ids in the report differ from "
                "the journal's: a customer was recreated outside this load?"
            )
    return result
