"""``billing``: a Webex billing report, reconciled with the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.load.billing import BillingResult, check_period, run_billing
from migrate.plan import builder
from migrate.reports.billing_report import write_billing_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.workspace import BILLING_RESULT

REPORT = "billing.xlsx"


@dataclass
class BillingOutcome:
    result: BillingResult
    report: Path
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.result.ok else ExitCode.ITEMS_FAILED

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "report": str(self.report)}


def billing(
    settings: Settings,
    first: date,
    last: date,
    *,
    report_type: str = "USER",
    sub_partner: str | None = None,
    keep: bool = False,
    poll_interval: float = 2.0,
) -> BillingOutcome:
    """Create the period's billing report in Webex, download it and compare it with what the
    journal gives; the result is kept for ``report``."""
    check_period(first, last, datetime.now(UTC).date())  # exit 2 before anything is sent
    preflight(settings, journal=True)
    plan = builder.read(settings.workspace)

    async def reconcile() -> BillingResult:
        async with open_webex(settings) as webex:
            return await run_billing(
                webex,
                settings.workspace,
                plan,
                first,
                last,
                report_type=report_type.upper(),
                sub_partner=sub_partner,
                keep=keep,
                poll_interval=poll_interval,
            )

    result = run_async(reconcile())
    settings.ws.save_result(BILLING_RESULT, result.to_dict())
    report = write_billing_report(result, settings.reports / REPORT)
    return BillingOutcome(result, report)
