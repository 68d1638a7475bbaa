"""``migrate precheck``: local rules, then Webex's validate endpoints."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.cli.session import open_webex
from migrate.errors import ExitCode, PreconditionError
from migrate.precheck.runner import PrecheckResult, run_precheck
from migrate.reports.precheck_report import write_precheck_report
from migrate.webex import TOKEN_ENV


@click.command("precheck")
@click.option("--strict", is_flag=True, help="Exit 3 when any blocker remains.")
@click.option(
    "--local", "local_only", is_flag=True, help="Only the local rules; send nothing to Webex."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Validate calls in flight at once.",
)
@common_options
def command(strict: bool, local_only: bool, concurrency: int, settings: Settings) -> None:
    """Find what Webex would refuse, before anything is sent.

    Writes <reports>/precheck.xlsx (Summary, Blockers, Warnings, Passed).
    """
    token_present = bool(os.environ.get(TOKEN_ENV, "").strip())
    needs_token = not settings.sandbox

    async def run() -> PrecheckResult:
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

    result = asyncio.run(run())
    report = write_precheck_report(result, settings.reports / "precheck.xlsx")
    blockers = len(result.blockers)
    lines = [
        f"precheck: {blockers} blockers, {len(result.findings) - blockers} warnings; "
        f"{len(result.passed)} objects passed"
        + (f"; {result.remote_calls} Webex validate calls" if result.remote_calls else ""),
        *[f"  blocker {f.rule}: {f.entity} {f.key}: {f.message}" for f in result.blockers[:20]],
        f"report: {report}",
    ]
    emit(settings, {**result.to_dict(), "report": str(report)}, lines)
    if strict and blockers:
        raise PreconditionError(
            f"{blockers} blockers remain (see {report}); fix them, re-run map, or drop --strict"
        )
    sys.exit(int(ExitCode.OK))
