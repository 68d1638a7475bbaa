"""``migrate run``: every stage in order on the embedded sandbox; stops at the first failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.stages import run as run_stages
from tests.oci_helpers import PASSWORD, USER, asked, emulator, entities, folder_inventory

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(ROOT / "samples" / "acme-enterprise"),
            "-w",
            str(tmp_path / "w"),
            "--reports",
            str(tmp_path / "r"),
            "--config",
            str(ROOT / "samples" / "sandbox.toml"),
            "--sandbox",
            *extra,
        ],
    )
    return result.exit_code, result.stdout, result.stderr


def test_run_goes_through_every_stage_on_the_sandbox(tmp_path: Path) -> None:
    code, out, err = run(tmp_path)
    assert code == 0, err
    for workbook in ("extract", "review", "precheck", "plan", "load", "devices"):
        assert (tmp_path / "r" / f"{workbook}.xlsx").is_file(), workbook
    # 19 for customer, locations, numbers and people; 1 workspace and 9 phones.
    # 29 objects, the one person setting of the sample (Alice's call forwarding),
    # Grace's shared line on Alice's phone, Montréal's auto attendant with the
    # business-hours schedule it needs, and the hunt group and call queue.
    assert "load: run 1" in out and "35 succeeded" in out
    assert out.rstrip().splitlines()[-1] == f"summary: {tmp_path / 'r' / 'summary.html'}"
    status = CliRunner().invoke(cli, ["status", "-w", str(tmp_path / "w"), "--json"])
    assert json.loads(status.stdout)["counts"]["failed"] == 0
    code, out, _err = run(tmp_path)  # again: nothing duplicated, nothing to do
    assert code == 0 and "load: nothing to do" in out


def test_run_stops_at_the_first_failing_stage(tmp_path: Path) -> None:
    code, _out, err = run(tmp_path, "--strict")
    assert code == 3
    assert "run: stopped at precheck (exit 3)" in err
    assert not (tmp_path / "w" / "plan.json").exists()


def test_a_bug_in_a_stage_stops_run_there_with_exit_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(settings: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(run_stages, "plan", broken)
    code, _out, err = run(tmp_path)
    assert code == 4
    assert "internal error: RuntimeError: boom" in err
    assert err.rstrip().splitlines()[-1] == "run: stopped at plan (exit 4)"


def test_run_pulls_the_export_over_oci_p(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATE_OCI_USER", USER)
    monkeypatch.setenv("MIGRATE_OCI_PASSWORD", PASSWORD)
    common = ["-w", str(tmp_path / "w"), "--reports", str(tmp_path / "r")]
    config = ["--config", str(ROOT / "samples" / "sandbox.toml"), "--sandbox"]
    with emulator("acme-enterprise") as emu:
        server = ["--from-oci", f"127.0.0.1:{emu.port}", "--enterprise", "acme-ent"]
        result = CliRunner().invoke(cli, ["run", *server, *common, *config])
        assert result.exit_code == 0, result.stderr
        assert asked(emu), "the export came from the server"
    assert (tmp_path / "w" / "oci-export").is_dir()
    assert "35 succeeded" in result.stdout  # the same load as from the folder export
    assert entities(tmp_path / "w") == entities(folder_inventory("acme-enterprise", tmp_path / "f"))

    both = CliRunner().invoke(cli, ["run", str(ROOT / "samples" / "acme-enterprise"), *server])
    assert both.exit_code == 2 and "run: give an EXPORT or --from-oci, not both" in both.stderr
    neither = CliRunner().invoke(cli, ["run", *common])
    assert neither.exit_code == 2 and "run: give an EXPORT folder or zip" in neither.stderr
