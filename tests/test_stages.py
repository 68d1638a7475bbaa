"""The stage layer and the Workspace: library calls that print nothing, return a result with
its report written, and one place that knows the workspace's file names."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from migrate import workspace as layout
from migrate.errors import ExitCode, PreconditionError
from migrate.precheck.rules import Finding
from migrate.reports.summary import gather
from migrate.stages.extract import extract
from migrate.stages.map import map_inventory
from migrate.stages.plan import plan
from migrate.stages.precheck import precheck
from migrate.stages.result import StageResult
from migrate.stages.run import PIPELINE, run
from migrate.stages.settings import Settings
from migrate.workspace import PRECHECK_RESULT, Workspace

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "migrate"
SAMPLE = ROOT / "samples" / "acme-enterprise"
CONFIG = ROOT / "samples" / "sandbox.toml"


def settings_for(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "w", tmp_path / "r", CONFIG, sandbox=True)


def test_workspace_names_every_file_under_its_root(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    paths = [
        ws.inventory_dir,
        ws.model_dir,
        ws.inventory_manifest,
        ws.model_manifest,
        ws.overrides_log,
        ws.plan_file,
        ws.journal_file,
        ws.lock_file,
        ws.sandbox_state,
        ws.result_file("verify"),
    ]
    assert all(p.is_relative_to(tmp_path) for p in paths)
    assert len(set(paths)) == len(paths)
    assert ws.journal_file.name == "journal.sqlite" and ws.plan_file.name == "plan.json"
    assert ws.result_file("billing").name == "billing.json"


def test_saved_results_round_trip_and_are_absent_until_saved(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "w")
    assert ws.load_result("verify") is None
    ws.ensure()
    path = ws.save_result("verify", {"b": [1, 2], "a": {"x": None}})
    assert path == ws.result_file("verify")
    assert ws.load_result("verify") == {"a": {"x": None}, "b": [1, 2]}
    ws.save_result("verify", {"again": True})
    assert ws.load_result("verify") == {"again": True}
    assert sorted(p.name for p in ws.root.iterdir()) == ["verify.json"]  # no temp left


def test_a_command_needing_the_journal_refuses_naming_it(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    with pytest.raises(PreconditionError, match=r"journal\.sqlite: no journal; nothing yet"):
        ws.require_journal("nothing yet")
    ws.journal_file.write_bytes(b"")
    ws.require_journal("nothing yet")
    assert ws.has_journal()


def test_stages_print_nothing_and_return_results_with_reports_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path)
    extracted = extract(settings, SAMPLE)
    mapped = map_inventory(settings)
    checked = precheck(settings, local_only=True)
    planned = plan(settings)
    assert capsys.readouterr() == ("", "")
    results: list[StageResult] = [extracted, mapped, checked, planned]
    assert [r.exit_code for r in results] == [ExitCode.OK] * 4
    assert extracted.to_dict()["report"] == str(tmp_path / "r" / "extract.xlsx")
    for report in ("extract", "review", "precheck", "plan"):
        assert (tmp_path / "r" / f"{report}.xlsx").is_file(), report
    kept = settings.ws.load_result(PRECHECK_RESULT)
    assert kept is not None and kept["blockers"] == len(checked.result.blockers) >= 1
    assert planned.to_dict()["fingerprint"] == planned.plan.fingerprint


def test_strict_precheck_refuses_after_writing_its_report(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    extract(settings, SAMPLE)
    map_inventory(settings)
    checked = precheck(settings, strict=True, local_only=True)
    assert checked.exit_code == ExitCode.PRECONDITION
    assert checked.error is not None and "blockers remain" in checked.error
    assert checked.report.is_file()


def test_run_calls_the_stages_in_order_and_stops_at_the_first_not_ok(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    outcome = run(
        settings_for(tmp_path),
        SAMPLE,
        strict=True,
        starting=lambda stage: seen.append(("start", stage)),
        finished=lambda stage, result: seen.append((stage, result.exit_code.name)),
    )
    assert outcome.stopped_at == "precheck" and outcome.exit_code == ExitCode.PRECONDITION
    assert seen == [
        ("start", "extract"),
        ("extract", "OK"),
        ("start", "map"),
        ("map", "OK"),
        ("start", "precheck"),
        ("precheck", "PRECONDITION"),
    ]
    assert list(outcome.to_dict()["stages"]) == list(PIPELINE[:3])
    assert not Workspace(tmp_path / "w").has_plan()


def test_a_stage_that_raises_stops_run_with_its_exit_code(tmp_path: Path) -> None:
    outcome = run(settings_for(tmp_path), tmp_path / "no-such-export")
    assert outcome.stopped_at == "extract"
    assert outcome.exit_code == ExitCode.USAGE
    refused = outcome.results["extract"]
    assert refused.error and "no-such-export" in refused.error


def test_the_summary_shows_precheck_s_kept_findings_without_recomputing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    extract(settings, SAMPLE)
    map_inventory(settings)
    checked = precheck(settings, local_only=True)
    planted = Finding("blocker", "planted_rule", "customer", "acme-ent", "acme-ent", "kept", "")
    kept = checked.result.to_dict()
    kept["findings"] = [vars(planted)]
    settings.ws.save_result(PRECHECK_RESULT, kept)
    summary = gather(settings.ws, settings.reports)
    blockers = [a for a in summary.attention if a.kind == "blocker"]
    assert [(b.code, b.message) for b in blockers] == [("planted_rule", "kept")]
    assert summary.key_counts["blockers"] == 1 and summary.key_counts["warnings"] == 0


# ------------------------------------------------------------------ the layering rules


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _strings(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_only_the_workspace_module_spells_workspace_file_names() -> None:
    # The folder names ("inventory", "model") are everyday words in payloads; left out.
    names = {
        layout.PLAN_FILE,
        layout.JOURNAL_FILE,
        layout.LOCK_FILE,
        layout.SANDBOX_STATE,
        layout.OVERRIDES_LOG,
        *(f"{n}.json" for n in ("verify", "billing", "precheck")),
    }
    spelled = {
        (str(path.relative_to(ROOT)), name)
        for path in PACKAGE.rglob("*.py")
        if path.name != "workspace.py"
        for name in _strings(path) & names
    }
    assert spelled == set()


def test_stages_never_import_click_and_the_cli_holds_no_journal_lock_or_report() -> None:
    for path in (PACKAGE / "stages").glob("*.py"):
        imports = _imports(path)
        assert not any(i == "click" or i.startswith("migrate.cli") for i in imports), path
    for path in (PACKAGE / "cli").glob("*.py"):
        imports = _imports(path)
        forbidden = [
            i
            for i in imports
            if i.startswith(("migrate.load.journal", "migrate.load.lock", "migrate.reports."))
            or i in ("migrate.workspace", "importlib", "asyncio")
        ]
        assert forbidden == [], path
    for path in (PACKAGE / "mapping").glob("*.py"):
        assert not any(i.startswith("migrate.reports") for i in _imports(path)), path


def test_the_summary_says_when_map_ran_after_precheck(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    extract(settings, SAMPLE)
    map_inventory(settings)
    precheck(settings, local_only=True)
    assert not any("after the last" in n for n in gather(settings.ws, settings.reports).notes)
    kept = settings.ws.result_file(PRECHECK_RESULT).stat().st_mtime
    os.utime(settings.ws.model_manifest, (kept + 60, kept + 60))
    notes = gather(settings.ws, settings.reports).notes
    assert any("`migrate map` ran after the last `migrate precheck`" in n for n in notes)
