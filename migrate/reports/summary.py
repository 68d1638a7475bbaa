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

import jinja2

from migrate import __version__
from migrate.load import journal as jr
from migrate.load.holds import holds
from migrate.plan import model as wm
from migrate.plan.actions import CREATE_CUSTOMER, CREATE_SUBSCRIBER
from migrate.precheck.rules import from_map_issues
from migrate.reports.saved import SavedResults, read_saved
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


@dataclass(frozen=True)
class CustomerStatus:
    id: str
    name: str
    status: str
    subscribers_planned: int
    subscribers_loaded: int
    actions: str
    verify: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int
    tone: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    height: int


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


_TONES = {
    "succeeded": "ok",
    "loaded": "ok",
    "failed": "bad",
    "skipped": "bad",
    "started": "bad",
    "blocked": "bad",
    "parked": "warn",
    "rolled_back": "muted",
    "rolled back": "muted",
    "pending": "muted",
    "not loaded": "muted",
    "partial": "warn",
    "differs": "bad",
}

MAX_ROWS = 2000
BAR_AREA = 320.0
ROW = 26


def chart(chart_id: str, title: str, values: list[tuple[str, int]]) -> Chart:
    """A horizontal bar chart; geometry computed here so the template only draws it."""
    top = max((v for _, v in values), default=0) or 1
    bars = [
        Bar(label, value, round(BAR_AREA * value / top, 1), i * ROW, _TONES.get(label, "info"))
        for i, (label, value) in enumerate(values)
    ]
    return Chart(chart_id, title, bars, max(len(bars), 1) * ROW + 4)


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def gather(ws: Workspace, reports: Path, saved: SavedResults | None = None) -> Summary:
    """Everything the page shows, from the results the stages kept in the workspace
    (``saved``, read here when the caller does not hold them) and nothing from Webex."""
    if saved is None:
        saved = read_saved(ws)
    workspace = ws.root
    summary = Summary(
        workspace=str(workspace),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tool=f"bw2wholesale {__version__}",
        key_counts={},
    )
    keys = summary.key_counts

    def report_name(name: str) -> str | None:
        return name if (reports / name).is_file() else None

    # -- extract
    inv_counts = {p.stem: _count_lines(p) for p in sorted(ws.inventory_dir.glob("*.jsonl"))}
    keys["users"] = inv_counts.get("users", 0)
    if inv_counts:
        warnings = inv_counts.pop("warnings", 0)
        summary.stages.append(
            Stage(
                "extract",
                "attention" if warnings else "done",
                [
                    *[(name.replace("_", " "), n) for name, n in inv_counts.items()],
                    ("warnings", warnings),
                ],
                report_name("extract.xlsx"),
            )
        )
    else:
        summary.stages.append(Stage("extract", "not run", [], None))

    # -- map + precheck (the findings precheck kept; map's issues when it has not run)
    manifest = wm.read_manifest(workspace)
    findings = (
        saved.precheck
        if saved.precheck is not None
        else from_map_issues(list(wm.read(workspace, "issues")))
    )
    blockers = [f for f in findings if f.severity == "blocker"]
    keys["blockers"] = len(blockers)
    keys["warnings"] = len(findings) - len(blockers)
    model_counts = manifest.get("counts", {})
    keys["customers"] = int(model_counts.get("customers", 0))
    keys["subscribers_mapped"] = int(model_counts.get("subscribers", 0))
    if manifest:
        summary.stages.append(
            Stage(
                "map",
                "done",
                [
                    *[
                        (name.replace("_", " "), int(n))
                        for name, n in model_counts.items()
                        if name != "issues"
                    ],
                    ("blockers", int(manifest.get("issues", {}).get("blocker", 0))),
                    ("warnings", int(manifest.get("issues", {}).get("warning", 0))),
                ],
                report_name("review.xlsx"),
            )
        )
        if saved.precheck is not None:
            summary.stages.append(
                Stage(
                    "precheck",
                    "attention" if blockers else "done",
                    [
                        ("blockers (map issues, rules, Webex)", len(blockers)),
                        ("warnings", len(findings) - len(blockers)),
                    ],
                    report_name("precheck.xlsx"),
                )
            )
            if saved.precheck_stale:
                summary.notes.append(
                    "`migrate map` ran after the last `migrate precheck`: its findings "
                    "may be out of date; run precheck again."
                )
        else:
            summary.stages.append(Stage("precheck", "not run", [], None))
            summary.notes.append(
                "`migrate precheck` has not run: the blockers shown are map's issues only."
            )
    else:
        summary.stages.append(Stage("map", "not run", [], None))
        summary.stages.append(Stage("precheck", "not run", [], None))
    for f in blockers:
        summary.attention.append(
            Attention(
                "blocker", f.source, f.customer or "", f"{f.entity} {f.key}", f.rule, f.message
            )
        )

    for item in wm.read(workspace, "not_migrated"):
        kind = item.kind.replace("_", " ")
        summary.not_migrated[kind] = summary.not_migrated.get(kind, 0) + 1
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

    # -- plan
    plan = saved.plan
    left_alone: dict[str, str] = {}
    planned_subs: Counter[str] = Counter()
    if plan is not None:
        per_type = Counter(a.type for a in plan.actions)
        planned_subs = Counter(a.customer for a in plan.actions if a.type == CREATE_SUBSCRIBER)
        keys["actions_planned"] = len(plan.actions)
        keys["left_alone"] = len(plan.left_alone)
        summary.stages.append(
            Stage(
                "plan",
                "done",
                [
                    ("actions", len(plan.actions)),
                    *sorted(per_type.items()),
                    ("left alone", len(plan.left_alone)),
                ],
                report_name("plan.xlsx"),
            )
        )
        left_alone = {i.key: i.reason for i in plan.left_alone if i.entity == "customer"}
        # A blocker is listed already; what is left alone for another reason (its
        # location or primary location is blocked) is not, yet it will not be migrated.
        listed = {f"{f.entity} {f.key}" for f in blockers}
        for item in plan.left_alone:
            subject = f"{item.entity} {item.key}"
            if subject in listed:
                continue
            kind = f"{item.entity} left alone"
            summary.not_migrated[kind] = summary.not_migrated.get(kind, 0) + 1
            summary.attention.append(
                Attention("not_migrated", "plan", item.customer, subject, "left_alone", item.reason)
            )
    else:
        summary.stages.append(Stage("plan", "not run", [], None))
    keys["subscribers_planned"] = sum(planned_subs.values())

    # -- load
    actions, runs = saved.actions, saved.runs
    held = {h.key: h for h in holds(actions, saved.parked_since)}
    states = Counter(a.state for a in actions)
    for state in jr.STATES:
        keys[f"actions_{state}"] = states.get(state, 0)
    loaded_subs = Counter(
        a.customer for a in actions if a.type == CREATE_SUBSCRIBER and a.state == jr.SUCCEEDED
    )
    keys["subscribers_loaded"] = sum(loaded_subs.values())
    if actions:
        bad = any(states.get(s) for s in (jr.FAILED, jr.SKIPPED, jr.STARTED, jr.PARKED))
        summary.stages.append(
            Stage(
                "load",
                "attention" if bad else "done",
                [*[(s, states.get(s, 0)) for s in jr.STATES], ("runs", len(runs))],
                report_name("load.xlsx"),
            )
        )
    else:
        summary.stages.append(Stage("load", "not run", [], None))
    for a in sorted(
        actions,
        key=lambda a: (
            _ATTENTION_ORDER.index(a.state) if a.state in _ATTENTION_ORDER else 99,
            a.customer,
            a.ordinal,
        ),
    ):
        if a.state in (jr.FAILED, jr.SKIPPED, jr.STARTED, jr.PARKED):
            hold = held.get(a.key)
            summary.attention.append(
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

    # -- verify
    verified = saved.verified
    per_customer_diffs: Counter[str] = Counter()
    if verified is not None:
        counts = verified.counts()
        keys["differences"] = len(verified.differences)
        per_customer_diffs = Counter(d.customer for d in verified.differences)
        summary.stages.append(
            Stage(
                "verify",
                "done" if verified.ok else "attention",
                [
                    ("customers verified", len(verified.customers)),
                    *[(f"{k}s compared", n) for k, n in verified.checked.items()],
                    *counts.items(),
                    ("not compared", len(verified.not_compared)),
                ],
                report_name("verify.xlsx"),
            )
        )
        for d in verified.differences:
            summary.attention.append(
                Attention("verify", "verify", d.customer, f"{d.kind} {d.key}", d.problem, d.message)
            )
        summary.notes += [
            f"Not compared by verify: {what}: {why}" for what, why in verified.not_compared
        ]
    else:
        keys["differences"] = 0
        summary.stages.append(Stage("verify", "not run", [], None))

    # -- billing
    billed = saved.billed
    if billed is not None:
        keys["billing_differences"] = len(billed.differences)
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
                report_name("billing.xlsx"),
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
    else:
        keys["billing_differences"] = 0
        summary.stages.append(Stage("billing", "not run", [], None))

    # -- customers
    by_customer: dict[str, Counter[str]] = {}
    for a in actions:
        by_customer.setdefault(a.customer, Counter())[a.state] += 1
    create_state = {a.customer: a.state for a in actions if a.type == CREATE_CUSTOMER}
    rows = []
    for customer in sorted(wm.read(workspace, "customers"), key=lambda c: c.id):
        found = by_customer.get(customer.id, Counter())
        if customer.id in left_alone:
            status = "blocked"
        elif not found or set(found) == {jr.PENDING}:
            status = "not loaded"
        elif found.get(jr.FAILED) or found.get(jr.SKIPPED) or found.get(jr.STARTED):
            status = "failed"
        elif found.get(jr.PARKED):
            status = "parked"
        elif create_state.get(customer.id) == jr.ROLLED_BACK:
            status = "rolled back"
        elif set(found) == {jr.SUCCEEDED}:
            status = "differs" if per_customer_diffs.get(customer.id) else "loaded"
        else:
            status = "partial"
        verify_text = (
            "not verified"
            if verified is None or customer.id not in verified.customers
            else f"{per_customer_diffs[customer.id]} differences"
            if per_customer_diffs.get(customer.id)
            else "no differences"
        )
        rows.append(
            CustomerStatus(
                customer.id,
                customer.name,
                status,
                planned_subs.get(customer.id, 0),
                loaded_subs.get(customer.id, 0),
                ", ".join(f"{n} {s}" for s, n in sorted(found.items()))
                or (left_alone.get(customer.id, "") if customer.id in left_alone else "none"),
                verify_text,
            )
        )
    urgent = ("blocked", "failed", "differs", "parked", "partial")
    rows.sort(
        key=lambda r: (
            r.status not in urgent,
            urgent.index(r.status) if r.status in urgent else 0,
            r.id,
        )
    )
    summary.customers = rows
    summary.customer_statuses = dict(Counter(r.status for r in rows).most_common())
    keys["customers_loaded"] = sum(1 for r in rows if r.status in ("loaded", "differs"))
    keys["attention"] = len(summary.attention)
    keys["not_migrated"] = sum(summary.not_migrated.values())
    summary.not_migrated = dict(sorted(summary.not_migrated.items()))
    summary.attention.sort(key=lambda a: (_ATTENTION_ORDER.index(a.kind), a.customer, a.subject))
    # A page a browser opens quickly: the workbooks hold every row.
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

    # -- charts
    summary.charts = [
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
