"""``setup-assist``: the Wholesale Setup Assist requests of the customers that want it.

Who wants it is the Setup Assist column of review.xlsx (or ``setup_assist`` per
customer in ``migrate.toml``); the planned cutover the Cutover date column (or
``cutover_date``). Everything else is read from Webex, so it runs after a load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load.setup_assist import SetupAssistResult, Wanted, gather
from migrate.plan import model as wm
from migrate.reports.setup_assist_report import write_setup_assist_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.webex import Webex
from migrate.workspace import SETUP_ASSIST_REPORT, SETUP_ASSIST_RESULT


@dataclass
class SetupAssistOutcome:
    result: SetupAssistResult
    report: Path
    wanted: int
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        # A customer that wants the service but is not in Webex yet has no row: that is
        # an item left out, like any other stage's.
        return ExitCode.ITEMS_FAILED if self.result.not_ready else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "wanted": self.wanted, "report": str(self.report)}


def wanted_customers(settings: Settings) -> list[Wanted]:
    """The mapped customers that want Setup Assist, with their planned cutover."""
    return [
        Wanted(
            c.id,
            c.external_id or c.id,
            dt.date.fromisoformat(c.cutover_date) if c.cutover_date else None,
            c.sub_partner_org_id,
        )
        for c in wm.read(settings.workspace, "customers")
        if c.setup_assist
    ]


async def requests_of(
    settings: Settings, webex: Webex, wanted: list[Wanted], today: dt.date | None = None
) -> SetupAssistOutcome:
    """Read the rows from ``webex`` and write the workbook (``load`` calls this too)."""
    holidays = load_config(settings.config).setup_assist.holidays
    result = await gather(webex, wanted, holidays=holidays, today=today)
    settings.ws.save_result(SETUP_ASSIST_RESULT, result.to_dict())
    report = write_setup_assist_report(
        result,
        settings.reports / SETUP_ASSIST_REPORT,
        [("Stage", "migrate setup-assist"), ("Customers wanting it", len(wanted))],
    )
    return SetupAssistOutcome(result, report, len(wanted))


def setup_assist(settings: Settings, *, today: dt.date | None = None) -> SetupAssistOutcome:
    """Write ``setup-assist.xlsx`` (read-only towards Webex)."""
    preflight(settings)
    wanted = wanted_customers(settings)

    async def read() -> SetupAssistOutcome:
        async with open_webex(settings) as webex:
            return await requests_of(settings, webex, wanted, today)

    return run_async(read())
