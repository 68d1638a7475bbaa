"""``migrate report``: every stage's workbook rebuilt from the workspace, then the summary.

Rebuilt: extract.xlsx (inventory), plan.xlsx (plan.json + journal states),
load.xlsx (journal), verify.xlsx and billing.xlsx (the results those commands
keep in the workspace). Left as they are, and said so: review.xlsx, because
it is the engineer's editing form for ``map --overrides`` (rebuilding it
could overwrite edits in progress), and precheck.xlsx, which ``migrate
precheck`` writes (the summary reads the result it keeps).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.load.journal import PENDING, Journal
from migrate.reports.billing_report import write_billing_report
from migrate.reports.extract_report import write_extract_report
from migrate.reports.load_report import write_load_report
from migrate.reports.plan_report import Done, write_plan_file_report
from migrate.reports.saved import read_saved
from migrate.reports.summary import SUMMARY_FILE, gather, render
from migrate.reports.verify_report import write_verify_report
from migrate.workspace import Workspace

KEPT = {
    "review.xlsx": "the engineer's editing form for `map --overrides`; `migrate map` writes it",
    "precheck.xlsx": "`migrate precheck` writes it (with Webex's validate answers)",
}


@dataclass
class ReportResult:
    summary: Path
    rebuilt: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (workbook, why)
    key_counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": str(self.summary),
            "rebuilt": [str(p) for p in self.rebuilt],
            "not_rebuilt": dict(self.skipped),
            "counts": self.key_counts,
        }


def done_states(journal: Journal) -> Done:
    """Each planned action's journal state, asked of sqlite one key at a time: a
    platform's plan names millions. Pending is not done."""

    def state(key: str) -> str | None:
        found = journal.state_of(key)
        return None if found == PENDING else found

    return state


def rebuild(ws: Workspace, reports: Path, split_rows: int | None = None) -> ReportResult:
    """``split_rows``: above it, plan.xlsx, load.xlsx and verify.xlsx are each an index of
    one workbook per customer."""
    workspace = ws.root
    rebuilt: list[Path] = []
    skipped: list[tuple[str, str]] = []
    if ws.has_inventory():
        rebuilt.append(write_extract_report(workspace, reports / "extract.xlsx"))
    else:
        skipped.append(("extract.xlsx", "no inventory: `migrate extract` has not run"))
    saved = read_saved(ws)
    plan, runs = saved.plan, saved.runs
    last_run = runs[-1] if runs else {}
    if plan is not None:
        with ExitStack() as stack:
            done = None
            if saved.journal:
                journal = stack.enter_context(Journal(workspace, check_every_page=False))
                done = done_states(journal)
            rebuilt.append(write_plan_file_report(plan, reports / "plan.xlsx", done, split_rows))
    else:
        skipped.append(("plan.xlsx", "no plan: `migrate plan` has not run"))
    if saved.journal:
        rebuilt.append(
            write_load_report(
                workspace,
                reports / "load.xlsx",
                [
                    ("Rebuilt by", "migrate report"),
                    ("Last run", last_run.get("run_id")),
                    ("Last command", last_run.get("command")),
                    ("Last run status", last_run.get("status")),
                    ("Plan fingerprint", last_run.get("plan_fingerprint")),
                ],
                split_rows,
            )
        )
    else:
        skipped.append(("load.xlsx", "no journal: nothing was loaded yet"))
    verified = saved.verified
    if verified is not None:
        rebuilt.append(
            write_verify_report(
                verified, reports / "verify.xlsx", [("Rebuilt by", "migrate report")], split_rows
            )
        )
    else:
        skipped.append(("verify.xlsx", "`migrate verify` has not run"))
    billed = saved.billed
    if billed is not None:
        rebuilt.append(
            write_billing_report(
                billed, reports / "billing.xlsx", [("Rebuilt by", "migrate report")]
            )
        )
    else:
        skipped.append(("billing.xlsx", "`migrate billing` has not run"))
    skipped += sorted(KEPT.items())
    summary = gather(ws, reports, saved)
    path = render(summary, reports / SUMMARY_FILE)
    return ReportResult(path, rebuilt, skipped, summary.key_counts)
