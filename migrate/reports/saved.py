"""What the stages left in a workspace, read once for ``migrate report``.

The summary and the rebuilt workbooks show these results; they never redo a
stage's work (precheck's findings are the ones precheck kept, Webex's
validate answers included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate.load.billing import BillingResult
from migrate.load.journal import FAILED, PARKED, SKIPPED, STARTED, Attention, Journal, Tally
from migrate.load.verify import VerifyResult
from migrate.plan.actions import ACTIVATE_NUMBERS
from migrate.plan.planfile import PlanFile, open_plan
from migrate.precheck.rules import Finding
from migrate.precheck.runner import saved_findings
from migrate.workspace import (
    BILLING_RESULT,
    CUTOVER_RESULT,
    PRECHECK_RESULT,
    VERIFY_RESULT,
    Workspace,
)

# The states of the actions the summary lists under attention.
UNFINISHED = (FAILED, PARKED, SKIPPED, STARTED)


@dataclass
class SavedResults:
    plan: PlanFile | None = None  # its lists are read when they are used, item by item
    # The journal's actions counted per customer, batch, type and state (Journal.tally),
    # and the ones that did not finish: never every action, which a platform has millions of.
    tally: list[Tally] = field(default_factory=list)
    unfinished: list[Attention] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    parked_since: dict[str, str] = field(default_factory=dict)  # Journal.parked_since()
    journal: bool = False
    precheck: list[Finding] | None = None  # None: precheck has not run here
    precheck_stale: bool = False  # the model changed after precheck ran
    verified: VerifyResult | None = None
    billed: BillingResult | None = None
    cutover: dict[str, dict[str, Any]] = field(default_factory=dict)  # customer → its record


def read_saved(ws: Workspace) -> SavedResults:
    saved = SavedResults(plan=open_plan(ws.plan_file) if ws.has_plan() else None)
    if ws.has_journal():
        saved.journal = True
        # One snapshot; each row is read, so damage is found as status finds it.
        with Journal(ws.root, check_every_page=False) as journal, journal.reading():
            saved.tally = journal.tally(dated=ACTIVATE_NUMBERS)
            saved.unfinished = journal.attention(UNFINISHED)
            saved.runs, saved.parked_since = journal.runs(), journal.parked_since()
    precheck = ws.load_result(PRECHECK_RESULT)
    if precheck is not None:
        saved.precheck = saved_findings(precheck)
        manifest = ws.model_manifest
        saved.precheck_stale = manifest.is_file() and (
            manifest.stat().st_mtime > ws.result_file(PRECHECK_RESULT).stat().st_mtime
        )
    verified = ws.load_result(VERIFY_RESULT)
    saved.verified = None if verified is None else VerifyResult.from_dict(verified)
    billed = ws.load_result(BILLING_RESULT)
    saved.billed = None if billed is None else BillingResult.from_dict(billed)
    saved.cutover = dict((ws.load_result(CUTOVER_RESULT) or {}).get("customers") or {})
    return saved
