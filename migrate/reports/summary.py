"""``reports/summary.html``: one self-contained page over every stage of a workspace.

Failures and blockers come first, with their messages; then counts per
stage, per customer status, and charts drawn as inline SVG. The page has no
external URL (CSS, SVG and its few lines of script are inline), so it opens
from disk, from a mail attachment, or on a machine with no network. The
data is gathered by :func:`gather` (a plain object, tested without a
browser) and rendered by :func:`render` with the jinja2 template shipped in
``migrate/data/templates``.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from migrate import __version__
from migrate.load import journal as jr
from migrate.load.holds import holds
from migrate.plan import model as wm
from migrate.plan.actions import CREATE_SUBSCRIBER
from migrate.precheck.rules import Finding, from_map_issues
from migrate.reports.saved import UNFINISHED, SavedResults, read_saved
from migrate.reports.summary_charts import Chart, chart
from migrate.reports.summary_customers import CustomerStatus, customer_rows
from migrate.workspace import Workspace, publish_mode

SUMMARY_FILE = "summary.html"
TEMPLATE = "summary.html.j2"

# Severity order of the "needs attention" list: what stops a migration first. What is
# not migrated comes last: nothing failed, but someone must rebuild it by hand.
_ATTENTION_ORDER = (
    "blocker",
    "failed",
    "skipped",
    "started",
    "parked",
    "verify",
    "billing",
    "not_migrated",
)


@dataclass(frozen=True)
class Attention:
    kind: str  # blocker | failed | skipped | started | parked | verify | billing | not_migrated
    stage: str
    customer: str
    subject: str
    code: str
    message: str
    since: str = ""  # a customer or subscriber Webex holds: since when (and if overdue)


@dataclass(frozen=True)
class Stage:
    name: str
    status: str  # done | attention | not run
    counts: list[tuple[str, int | str]]
    report: str | None  # workbook file name in the reports folder


# A page a browser opens quickly: the workbooks hold every row.
MAX_ROWS = 2000


@dataclass
class Summary:
    workspace: str
    generated_at: str
    tool: str
    key_counts: dict[str, int]
    attention: list[Attention] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    customers: list[CustomerStatus] = field(default_factory=list)
    customer_statuses: dict[str, int] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What stays behind, by kind ("hunt group", "subscriber left alone"…): each is listed
    # under attention too, since it is rebuilt by hand or fixed and loaded again.
    not_migrated: dict[str, int] = field(default_factory=dict)


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _report_name(reports: Path, name: str) -> str | None:
    """The workbook's name when it is in the reports folder, for the stage to link to it."""
    return name if (reports / name).is_file() else None


def _not_run(summary: Summary, *stages: str) -> None:
    summary.stages += [Stage(name, "not run", [], None) for name in stages]


def _count_not_migrated(summary: Summary, kind: str) -> None:
    summary.not_migrated[kind] = summary.not_migrated.get(kind, 0) + 1


def _gather_extract(summary: Summary, ws: Workspace, reports: Path) -> None:
    inv_counts = {p.stem: _count_lines(p) for p in sorted(ws.inventory_dir.glob("*.jsonl"))}
    summary.key_counts["users"] = inv_counts.get("users", 0)
    if not inv_counts:
        _not_run(summary, "extract")
        return
    warnings = inv_counts.pop("warnings", 0)
    summary.stages.append(
        Stage(
            "extract",
            "attention" if warnings else "done",
            [
                *[(name.replace("_", " "), n) for name, n in inv_counts.items()],
                ("warnings", warnings),
            ],
            _report_name(reports, "extract.xlsx"),
        )
    )


def _gather_map_and_precheck(
    summary: Summary, ws: Workspace, reports: Path, saved: SavedResults
) -> list[Finding]:
    """The map and precheck stages; the blockers (precheck's, or map's issues when it has
    not run), which are listed under attention."""
    keys = summary.key_counts
    manifest = wm.read_manifest(ws.root)
    findings = (
        saved.precheck
        if saved.precheck is not None
        else from_map_issues(list(wm.read(ws.root, "issues")))
    )
    blockers = [f for f in findings if f.severity == "blocker"]
    keys["blockers"] = len(blockers)
    keys["warnings"] = len(findings) - len(blockers)
    model_counts = manifest.get("counts", {})
    keys["customers"] = int(model_counts.get("customers", 0))
    keys["subscribers_mapped"] = int(model_counts.get("subscribers", 0))
    if manifest:
        summary.stages.append(_map_stage(manifest, reports))
        _precheck_stage(summary, reports, saved, findings, blockers)
    else:
        _not_run(summary, "map", "precheck")
    for f in blockers:
        summary.attention.append(
            Attention(
                "blocker", f.source, f.customer or "", f"{f.entity} {f.key}", f.rule, f.message
            )
        )
    return blockers


def _map_stage(manifest: dict[str, Any], reports: Path) -> Stage:
    model_counts = manifest.get("counts", {})
    issues = manifest.get("issues", {})
    return Stage(
        "map",
        "done",
        [
            *[
                (name.replace("_", " "), int(n))
                for name, n in model_counts.items()
                if name != "issues"
            ],
            ("blockers", int(issues.get("blocker", 0))),
            ("warnings", int(issues.get("warning", 0))),
        ],
        _report_name(reports, "review.xlsx"),
    )


def _precheck_stage(
    summary: Summary,
    reports: Path,
    saved: SavedResults,
    findings: list[Finding],
    blockers: list[Finding],
) -> None:
    """The precheck stage once map has run, with a note when its findings may be old or
    absent."""
    if saved.precheck is None:
        _not_run(summary, "precheck")
        summary.notes.append(
            "`migrate precheck` has not run: the blockers shown are map's issues only."
        )
        return
    summary.stages.append(
        Stage(
            "precheck",
            "attention" if blockers else "done",
            [
                ("blockers (map issues, rules, Webex)", len(blockers)),
                ("warnings", len(findings) - len(blockers)),
            ],
            _report_name(reports, "precheck.xlsx"),
        )
    )
    if saved.precheck_stale:
        summary.notes.append(
            "`migrate map` ran after the last `migrate precheck`: its findings "
            "may be out of date; run precheck again."
        )


def _gather_not_migrated(summary: Summary, ws: Workspace) -> None:
    """What map leaves behind, to be rebuilt by hand."""
    for item in wm.read(ws.root, "not_migrated"):
        kind = item.kind.replace("_", " ")
        _count_not_migrated(summary, kind)
        summary.attention.append(
            Attention(
                "not_migrated",
                "map",
                item.customer_id,
                f"{kind} {item.name or item.id.split(':', 1)[-1]}",
                item.kind,
                f"{item.reason}; rebuild: {item.rebuild}" if item.rebuild else item.reason,
            )
        )


def _gather_plan(
    summary: Summary, reports: Path, saved: SavedResults, blockers: list[Finding]
) -> tuple[dict[str, str], Counter[str]]:
    """The plan stage; the customers it leaves alone (with why) and the subscribers it
    plans per customer."""
    plan = saved.plan
    if plan is None:
        _not_run(summary, "plan")
        summary.key_counts["subscribers_planned"] = 0
        return {}, Counter()
    keys = summary.key_counts
    per_type: Counter[str] = Counter()
    planned_subs: Counter[str] = Counter()
    for action in plan.actions():  # one at a time: a platform's plan is millions
        per_type[action.type] += 1
        if action.type == CREATE_SUBSCRIBER:
            planned_subs[action.customer] += 1
    planned = sum(per_type.values())
    left_alone_items = list(plan.left_alone())
    keys["actions_planned"] = planned
    keys["left_alone"] = len(left_alone_items)
    summary.stages.append(
        Stage(
            "plan",
            "done",
            [
                ("actions", planned),
                *sorted(per_type.items()),
                ("left alone", len(left_alone_items)),
            ],
            _report_name(reports, "plan.xlsx"),
        )
    )
    # A blocker is listed already; what is left alone for another reason (its
    # location or primary location is blocked) is not, yet it will not be migrated.
    listed = {f"{f.entity} {f.key}" for f in blockers}
    for item in left_alone_items:
        subject = f"{item.entity} {item.key}"
        if subject in listed:
            continue
        _count_not_migrated(summary, f"{item.entity} left alone")
        summary.attention.append(
            Attention("not_migrated", "plan", item.customer, subject, "left_alone", item.reason)
        )
    keys["subscribers_planned"] = sum(planned_subs.values())
    left_alone = {i.key: i.reason for i in left_alone_items if i.entity == "customer"}
    return left_alone, planned_subs


def _gather_load(
    summary: Summary, reports: Path, saved: SavedResults
) -> tuple[Counter[str], Counter[str]]:
    """The load stage and its unfinished actions; the actions per state and the subscribers
    loaded per customer."""
    keys = summary.key_counts
    states: Counter[str] = Counter()
    loaded_subs: Counter[str] = Counter()
    for customer, _batch, kind, state, count, _at in saved.tally:
        states[state] += count
        if kind == CREATE_SUBSCRIBER and state == jr.SUCCEEDED:
            loaded_subs[customer] += count
    for state in jr.STATES:
        keys[f"actions_{state}"] = states.get(state, 0)
    keys["subscribers_loaded"] = sum(loaded_subs.values())
    if saved.tally:
        bad = any(states.get(s) for s in UNFINISHED)
        summary.stages.append(
            Stage(
                "load",
                "attention" if bad else "done",
                [*[(s, states.get(s, 0)) for s in jr.STATES], ("runs", len(saved.runs))],
                _report_name(reports, "load.xlsx"),
            )
        )
    else:
        _not_run(summary, "load")
    summary.attention += _unfinished_actions(saved)
    return states, loaded_subs


def _unfinished_actions(saved: SavedResults) -> list[Attention]:
    """Failed, skipped, started and parked actions, with since when Webex holds them."""
    held = {h.key: h for h in holds(saved.unfinished, saved.parked_since)}
    found = []
    # Stable: within a state, the journal's order (customer, then the plan's order).
    for a in sorted(
        saved.unfinished,
        key=lambda a: _ATTENTION_ORDER.index(a.state) if a.state in _ATTENTION_ORDER else 99,
    ):
        hold = held.get(a.key)
        found.append(
            Attention(
                a.state,
                "load",
                a.customer,
                a.key,
                a.error_code or "",
                a.error_message
                or (
                    "in flight when the run stopped; `migrate retry` reconciles it"
                    if a.state == jr.STARTED
                    else ""
                ),
                ""
                if hold is None or hold.since is None
                else f"{hold.since[:16].replace('T', ' ')} UTC"
                + (" — OVERDUE (over 72 h): ask Cisco Ops" if hold.overdue else ""),
            )
        )
    return found


def _gather_verify(summary: Summary, reports: Path, saved: SavedResults) -> Counter[str]:
    """The verify stage and its differences; the differences per customer."""
    verified = saved.verified
    if verified is None:
        summary.key_counts["differences"] = 0
        _not_run(summary, "verify")
        return Counter()
    summary.key_counts["differences"] = len(verified.differences)
    summary.stages.append(
        Stage(
            "verify",
            "done" if verified.ok else "attention",
            [
                ("customers verified", len(verified.customers)),
                *[(f"{k}s compared", n) for k, n in verified.checked.items()],
                *verified.counts().items(),
                ("not compared", len(verified.not_compared)),
            ],
            _report_name(reports, "verify.xlsx"),
        )
    )
    for d in verified.differences:
        summary.attention.append(
            Attention("verify", "verify", d.customer, f"{d.kind} {d.key}", d.problem, d.message)
        )
    summary.notes += [
        f"Not compared by verify: {what}: {why}" for what, why in verified.not_compared
    ]
    return Counter(d.customer for d in verified.differences)


def _gather_billing(summary: Summary, reports: Path, saved: SavedResults) -> None:
    billed = saved.billed
    if billed is None:
        summary.key_counts["billing_differences"] = 0
        _not_run(summary, "billing")
        return
    summary.key_counts["billing_differences"] = len(billed.differences)
    summary.stages.append(
        Stage(
            "billing",
            "done" if billed.ok else "attention",
            [
                ("period", f"{billed.start} – {billed.end}"),
                ("report type", billed.report_type),
                ("rows compared", len(billed.rows)),
                ("differences", len(billed.differences)),
            ],
            _report_name(reports, "billing.xlsx"),
        )
    )
    for row in billed.differences:
        summary.attention.append(
            Attention(
                "billing",
                "billing",
                row.customer,
                f"{row.level} {row.subject} {row.service}",
                row.status,
                f"Webex billed {row.billed:g}, the journal gives {row.expected:g}",
            )
        )


def _finish(summary: Summary) -> None:
    """The totals, attention in severity order, and both lists cut to what a browser opens
    quickly (the workbooks hold every row)."""
    keys = summary.key_counts
    summary.customer_statuses = dict(Counter(r.status for r in summary.customers).most_common())
    keys["customers_loaded"] = sum(
        1 for r in summary.customers if r.status in ("loaded", "differs")
    )
    keys["attention"] = len(summary.attention)
    keys["not_migrated"] = sum(summary.not_migrated.values())
    summary.not_migrated = dict(sorted(summary.not_migrated.items()))
    summary.attention.sort(key=lambda a: (_ATTENTION_ORDER.index(a.kind), a.customer, a.subject))
    if len(summary.attention) > MAX_ROWS:
        summary.notes.insert(
            0,
            f"Needs attention shows the first {MAX_ROWS} of "
            f"{len(summary.attention)} items; the workbooks list all.",
        )
        summary.attention = summary.attention[:MAX_ROWS]
    if len(summary.customers) > MAX_ROWS:
        summary.notes.insert(
            0,
            f"Customers shows the first {MAX_ROWS} of "
            f"{len(summary.customers)}, those needing attention first.",
        )
        summary.customers = summary.customers[:MAX_ROWS]


def _charts(summary: Summary, states: Counter[str]) -> list[Chart]:
    keys = summary.key_counts
    return [
        chart(
            "chart-actions",
            "Load actions by state",
            [(s, states.get(s, 0)) for s in jr.STATES if states.get(s)],
        ),
        chart("chart-customers", "Customers by status", list(summary.customer_statuses.items())),
        chart(
            "chart-funnel",
            "Subscribers through the stages",
            [
                ("BroadWorks users", keys["users"]),
                ("mapped", keys["subscribers_mapped"]),
                ("planned", keys["subscribers_planned"]),
                ("loaded", keys["subscribers_loaded"]),
            ],
        ),
    ]


def gather(ws: Workspace, reports: Path, saved: SavedResults | None = None) -> Summary:
    """Everything the page shows, from the results the stages kept in the workspace
    (``saved``, read here when the caller does not hold them) and nothing from Webex."""
    if saved is None:
        saved = read_saved(ws)
    summary = Summary(
        workspace=str(ws.root),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tool=f"bw2wholesale {__version__}",
        key_counts={},
    )
    _gather_extract(summary, ws, reports)
    blockers = _gather_map_and_precheck(summary, ws, reports, saved)
    _gather_not_migrated(summary, ws)
    left_alone, planned_subs = _gather_plan(summary, reports, saved, blockers)
    states, loaded_subs = _gather_load(summary, reports, saved)
    diffs = _gather_verify(summary, reports, saved)
    _gather_billing(summary, reports, saved)
    summary.customers = customer_rows(ws, saved, left_alone, planned_subs, loaded_subs, diffs)
    _finish(summary)
    summary.charts = _charts(summary, states)
    return summary


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("migrate", "data/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(summary: Summary, path: Path) -> Path:
    """Write the page atomically: a browser never opens half of it."""
    html = _environment().get_template(TEMPLATE).render(s=summary)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".html", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(html)
    publish_mode(Path(name))
    os.replace(name, path)
    return path
