"""``migrate report``: every stage's workbook rebuilt from the workspace, then the summary.

Rebuilt: extract.xlsx (inventory), plan.xlsx (plan.json + journal states),
load.xlsx (journal), verify.xlsx and billing.xlsx (the results those commands
keep in the workspace). Left as they are, and said so: review.xlsx, because
it is the engineer's editing form for ``map --overrides`` (rebuilding it
could overwrite edits in progress), and precheck.xlsx, because Webex's
validate answers are not kept in the workspace (the summary recomputes the
local rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrate import inventory as inv
from migrate.load.billing import load_saved as load_billing
from migrate.load.journal import JOURNAL_FILE, Journal
from migrate.load.verify import load_saved as load_verify
from migrate.plan import builder
from migrate.reports.billing_report import write_billing_report
from migrate.reports.extract_report import write_extract_report
from migrate.reports.load_report import write_load_report
from migrate.reports.plan_report import write_plan_report
from migrate.reports.summary import SUMMARY_FILE, gather, render
from migrate.reports.verify_report import write_verify_report

KEPT = {
    "review.xlsx": "the engineer's editing form for `map --overrides`; `migrate map` writes it",
    "precheck.xlsx": "Webex's validate answers are not kept in the workspace; "
    "`migrate precheck` writes it",
}


@dataclass
class ReportResult:
    summary: Path
    rebuilt: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (workbook, why)
    key_counts: dict[str, int] = field(default_factory=dict)


def rebuild(workspace: Path, reports: Path, config: Path | None = None) -> ReportResult:
    rebuilt: list[Path] = []
    skipped: list[tuple[str, str]] = []
    if any(inv.inventory_dir(workspace).glob("*.jsonl")):
        rebuilt.append(write_extract_report(workspace, reports / "extract.xlsx"))
    else:
        skipped.append(("extract.xlsx", "no inventory: `migrate extract` has not run"))
    journal_exists = (workspace / JOURNAL_FILE).exists()
    done: dict[str, str] = {}
    last_run: dict[str, object] = {}
    if journal_exists:
        with Journal(workspace) as journal:
            done = {a.key: a.state for a in journal.actions() if a.state != "pending"}
            runs = journal.runs()
            last_run = runs[-1] if runs else {}
    if (workspace / builder.PLAN_FILE).is_file():
        plan = builder.read(workspace)
        rebuilt.append(write_plan_report(plan, reports / "plan.xlsx", done))
    else:
        skipped.append(("plan.xlsx", "no plan: `migrate plan` has not run"))
    if journal_exists:
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
            )
        )
    else:
        skipped.append(("load.xlsx", "no journal: nothing was loaded yet"))
    verified = load_verify(workspace)
    if verified is not None:
        rebuilt.append(
            write_verify_report(
                verified, reports / "verify.xlsx", [("Rebuilt by", "migrate report")]
            )
        )
    else:
        skipped.append(("verify.xlsx", "`migrate verify` has not run"))
    billed = load_billing(workspace)
    if billed is not None:
        rebuilt.append(
            write_billing_report(
                billed, reports / "billing.xlsx", [("Rebuilt by", "migrate report")]
            )
        )
    else:
        skipped.append(("billing.xlsx", "`migrate billing` has not run"))
    skipped += sorted(KEPT.items())
    summary = gather(workspace, reports, config)
    path = render(summary, reports / SUMMARY_FILE)
    return ReportResult(path, rebuilt, skipped, summary.key_counts)
