"""``precheck``: local rules, then Webex's validate endpoints; the result is kept."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.config import load_config
from migrate.errors import ExitCode
from migrate.precheck.runner import PrecheckResult, run_precheck
from migrate.reports.precheck_report import write_precheck_report
from migrate.stages.aio import run_async
from migrate.stages.preflight import preflight
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings
from migrate.webex import TOKEN_ENV
from migrate.workspace import PRECHECK_RESULT

REPORT = "precheck.xlsx"


@dataclass
class PrecheckOutcome:
    result: PrecheckResult
    report: Path
    strict: bool = False

    @property
    def error(self) -> str | None:
        blockers = len(self.result.blockers)
        if self.strict and blockers:
            return (
                f"{blockers} blockers remain (see {self.report}); fix them, re-run map, "
                "or drop --strict"
            )
        return None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.PRECONDITION if self.error else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {**self.result.to_dict(), "report": str(self.report)}


def precheck(
    settings: Settings, *, strict: bool = False, local_only: bool = False, concurrency: int = 50
) -> PrecheckOutcome:
    """Find what Webex would refuse, before anything is sent; ``strict`` refuses on blockers."""
    preflight(settings)
    token_present = bool(os.environ.get(TOKEN_ENV, "").strip())
    needs_token = not settings.sandbox

    async def check() -> PrecheckResult:
        if local_only or (needs_token and not token_present):
            return await run_precheck(
                settings.workspace,
                settings.config,
                settings.mappings,
                None,
                needs_token=needs_token,
                token_present=token_present,
            )
        async with open_webex(settings, max_concurrency=concurrency) as webex:
            return await run_precheck(
                settings.workspace,
                settings.config,
                settings.mappings,
                webex,
                needs_token=needs_token,
                token_present=token_present,
            )

    result = run_async(check())
    settings.ws.save_result(PRECHECK_RESULT, result.to_dict())
    split_rows = load_config(settings.config).workbook_split_rows
    report = write_precheck_report(result, settings.reports / REPORT, split_rows)
    return PrecheckOutcome(result, report, strict)
