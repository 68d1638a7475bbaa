"""``verify``: read the loaded customers back from Webex and compare them with the plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.load import verify as checks
from migrate.plan import builder
from migrate.reports.verify_report import write_verify_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.workspace import VERIFY_RESULT

REPORT = "verify.xlsx"


@dataclass
class VerifyOutcome:
    result: checks.VerifyResult
    report: Path
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.result.ok else ExitCode.ITEMS_FAILED

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "report": str(self.report)}


def verify(
    settings: Settings, *, select: tuple[str, ...] = (), concurrency: int = 8
) -> VerifyOutcome:
    """Compare Webex with the plan (read-only); the result is kept for ``report``."""
    preflight(settings, journal=True)
    plan = builder.read(settings.workspace)

    async def compare() -> checks.VerifyResult:
        async with open_webex(settings) as webex:
            return await checks.verify(
                settings.workspace, webex, plan, select=select, concurrency=concurrency
            )

    result = run_async(compare())
    settings.ws.save_result(VERIFY_RESULT, result.to_dict())
    report = write_verify_report(
        result,
        settings.reports / REPORT,
        [("Plan fingerprint", plan.fingerprint)],
        load_config(settings.config).workbook_split_rows,
    )
    return VerifyOutcome(result, report)
