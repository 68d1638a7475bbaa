"""``migrate report``: workbooks rebuilt from the workspace and a self-contained summary.html,
checked as data, as HTML and, where Chromium is installed, in a headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from migrate import inventory as inv
from migrate.load.verify import verify
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.reports.summary import Attention, Summary, gather, render
from migrate.sandbox import Sandbox
from migrate.stages.run import PIPELINE
from migrate.workspace import VERIFY_RESULT, Workspace
from tests.migration_helpers import (
    CONFIG,
    SAMPLES,
    common,
    copy_case,
    invoke,
    load,
    prepare,
    with_webex,
)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("summary"))


@pytest.fixture
def case(prepared: Path, tmp_path: Path) -> Path:
    return copy_case(prepared, tmp_path / "case")


@pytest.fixture
def troubled(case: Path) -> Path:
    """A load whose administrator failed (so the other subscribers were skipped), then
    verified: every subscriber is missing."""
    sandbox = Sandbox()
    sandbox.script_fault("POST", "/wholesale/subscribers", 400, times=1)
    result = load(case, sandbox)
    assert result.counts["failed"] == 1
    plan = builder.read(case / "w")
    verified = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    Workspace(case / "w").save_result(VERIFY_RESULT, verified.to_dict())
    return case


def test_gather_puts_blockers_then_failures_first_with_their_messages(troubled: Path) -> None:
    summary = gather(Workspace(troubled / "w"), troubled / "r")
    kinds = [a.kind for a in summary.attention]
    assert kinds[0] == "blocker" and {"failed", "skipped", "verify"} <= set(kinds)
    order = ["blocker", "failed", "skipped", "started", "parked", "verify", "billing"]
    assert kinds == sorted(kinds, key=[*order, "not_migrated"].index)
    failed = next(a for a in summary.attention if a.kind == "failed")
    assert failed.message  # the Webex error text is there
    assert failed.subject.startswith("create_subscriber:")
    keys = summary.key_counts
    assert keys["actions_failed"] == 1 and keys["subscribers_planned"] == 12
    assert keys["subscribers_loaded"] == 0 and keys["actions_skipped"] == 11
    assert keys["differences"] == 12
    assert summary.customers[0].status == "failed"
    assert summary.customer_statuses == {"failed": 1}
    assert {c.id for c in summary.charts} == {"chart-actions", "chart-customers", "chart-funnel"}


def test_the_page_is_self_contained_and_escapes_what_it_shows(tmp_path: Path) -> None:
    summary = Summary(
        "w",
        "now",
        "test",
        {
            k: 0
            for k in (
                "attention",
                "blockers",
                "actions_failed",
                "actions_succeeded",
                "customers",
                "customers_loaded",
                "subscribers_planned",
                "subscribers_loaded",
                "differences",
                "billing_differences",
                "not_migrated",
            )
        },
    )
    summary.attention = [
        Attention(
            "failed", "load", "c1", "create_subscriber:x", "400", '<img src=x onerror="alert(1)">'
        )
    ]
    html = render(summary, tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert not re.search(r"https?://|<link\b|<[^>]*\bsrc=|@import|url\(", html)


def test_migrate_report_rebuilds_workbooks_and_names_the_summary(troubled: Path) -> None:
    for name in ("plan.xlsx", "extract.xlsx"):
        (troubled / "r" / name).unlink(missing_ok=True)
    code, out, err = invoke("report", *common(troubled))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == f"summary: {troubled / 'r' / 'summary.html'}"
    for name in ("extract.xlsx", "plan.xlsx", "load.xlsx", "verify.xlsx", "summary.html"):
        assert (troubled / "r" / name).is_file(), name
    assert "not rebuilt: review.xlsx" in out and "not rebuilt: precheck.xlsx" in out
    assert PIPELINE[-1] == "report"  # so `migrate run` ends with the summary's path
    html = (troubled / "r" / "summary.html").read_text(encoding="utf-8")
    assert re.search(r'id="count-actions-failed">1<', html)


def test_migrate_run_ends_by_printing_the_summary_path(tmp_path: Path) -> None:
    (tmp_path / "migrate.toml").write_text(CONFIG)
    code, out, err = invoke("run", str(SAMPLES / "acme-enterprise"), *common(tmp_path), "--sandbox")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == f"summary: {tmp_path / 'r' / 'summary.html'}"


# ------------------------------------------------------------------ in a real browser


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def open_in_chromium(page: Path) -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the console messages the page produced."""
    binary = _chromium()
    assert binary is not None
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.fixture
def browser() -> None:
    if _chromium() is None:
        reason = (
            "Chromium is not installed (Debian package `chromium`; .ci/run installs it "
            "with apt-get): the browser check of summary.html did not run"
        )
        print(reason)
        pytest.skip(reason)


def test_the_browser_check_catches_console_errors(browser: None, tmp_path: Path) -> None:
    # The check itself must be able to fail: a page with a script error is caught.
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><p>x</p><script>noSuchFunction();</script></body></html>",
        encoding="utf-8",
    )
    _dom, console = open_in_chromium(page)
    assert any("noSuchFunction" in line for line in console)


def test_summary_renders_in_chromium_without_console_errors(browser: None, troubled: Path) -> None:
    code, _out, err = invoke("report", *common(troubled))
    assert code == 0, err
    dom, console = open_in_chromium(troubled / "r" / "summary.html")
    assert console == []
    assert 'data-ready="yes"' in dom  # the inline script ran to its end
    counts = dict(re.findall(r'id="(count-[a-z-]+)">(\d+)<', dom))
    assert counts["count-actions-failed"] == "1"
    assert counts["count-subscribers-loaded"] == "0"
    assert counts["count-subscribers-planned"] == "12"
    assert counts["count-differences"] == "12"
    assert int(counts["count-blockers"]) >= 1
    assert dom.index('id="attention-table"') < dom.index('id="stages"')
    assert dom.count("<svg") == 3


def test_report_on_an_empty_workspace_says_what_has_not_run(tmp_path: Path) -> None:
    code, out, err = invoke("report", "-w", str(tmp_path / "w"), "--reports", str(tmp_path / "r"))
    assert code == 0, err
    assert "rebuilt 0 workbooks" in out
    html = (tmp_path / "r" / "summary.html").read_text(encoding="utf-8")
    assert html.count(">not run</span>") == 7  # every stage
    assert 'id="attention-none"' in html


def test_long_lists_are_capped_on_the_page_and_said_so(
    troubled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrate.reports.summary as summary_module

    monkeypatch.setattr(summary_module, "MAX_ROWS", 3)
    summary = gather(Workspace(troubled / "w"), troubled / "r")
    assert len(summary.attention) == 3 and summary.key_counts["attention"] > 3
    assert summary.notes[0].startswith(
        f"Needs attention shows the first 3 of {summary.key_counts['attention']}"
    )


# ------------------------------------------------------------------ not migrated


def test_what_is_not_migrated_needs_attention_counted_by_kind(troubled: Path) -> None:
    summary = gather(Workspace(troubled / "w"), troubled / "r")
    records = list(wm.read(troubled / "w", "not_migrated"))
    kinds = {r.kind.replace("_", " ") for r in records}
    # Hunt groups, call centers and auto attendants are built; the options Webex lacks
    # stay listed.
    assert "call queue options" in kinds
    assert not {"hunt group", "call center", "auto attendant"} & kinds
    for kind in kinds:
        assert summary.not_migrated[kind] == sum(
            1 for r in records if r.kind.replace("_", " ") == kind
        )
    listed = [a for a in summary.attention if a.kind == "not_migrated"]
    assert len(listed) == summary.key_counts["not_migrated"] == sum(summary.not_migrated.values())
    assert summary.key_counts["attention"] >= len(listed) + summary.key_counts["blockers"]
    hunt = next(a for a in listed if a.code == "call_queue_options")
    assert hunt.stage == "map" and "rebuild:" in hunt.message


def _only_not_migrated(root: Path) -> Path:
    """A workspace whose model lists three services left behind and nothing else wrong."""
    workspace = root / "w"
    folder = wm.model_dir(workspace)
    folder.mkdir(parents=True)
    items = [
        wm.NotMigrated(
            "hunt_group:hg",
            "hunt_group",
            "c1",
            "c1/l",
            {},
            "Sales",
            [],
            "hunt group",
            "rebuild as a hunt group",
        ),
        wm.NotMigrated(
            "call_center:cc",
            "call_center",
            "c1",
            "c1/l",
            {},
            "Support",
            [],
            "queue",
            "rebuild as a call queue",
        ),
        wm.NotMigrated(
            "auto_attendant:aa",
            "auto_attendant",
            "c1",
            "c1/l",
            {},
            "Main menu",
            [],
            "auto attendant",
            "rebuild as an auto attendant",
        ),
    ]
    inv.write_jsonl(folder / "not_migrated.jsonl", (wm.to_record(i) for i in items))
    return workspace


def test_the_page_never_says_nothing_needs_attention_while_items_stay_behind(
    tmp_path: Path,
) -> None:
    workspace = _only_not_migrated(tmp_path)
    summary = gather(Workspace(workspace), tmp_path / "r")
    assert summary.key_counts["blockers"] == 0 and summary.key_counts["not_migrated"] == 3
    html = render(summary, tmp_path / "r" / "summary.html").read_text(encoding="utf-8")
    assert 'id="attention-none"' not in html and "Nothing needs attention" not in html
    assert re.search(r'id="count-not-migrated">3<', html)
    assert re.search(r'id="count-attention">3<', html)
    for kind in ("hunt-group", "call-center", "auto-attendant"):
        assert re.search(rf'id="not-migrated-{kind}">[a-z ]+: <b>1</b>', html), kind
    rows = re.findall(r'<span class="tag not-migrated">not migrated</span>', html)
    assert len(rows) == 3


def test_not_migrated_items_show_in_chromium(browser: None, tmp_path: Path) -> None:
    workspace = _only_not_migrated(tmp_path)
    page = render(gather(Workspace(workspace), tmp_path / "r"), tmp_path / "r" / "summary.html")
    dom, console = open_in_chromium(page)
    assert console == []
    assert 'data-ready="yes"' in dom
    assert 'id="attention-none"' not in dom
    counts = dict(re.findall(r'id="(count-[a-z-]+)">(\d+)<', dom))
    assert counts["count-not-migrated"] == "3" and counts["count-attention"] == "3"
    assert dom.count('class="tag not-migrated"') == 3
    assert re.search(r'id="not-migrated-call-center">call center: <b>1</b>', dom)
