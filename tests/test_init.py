"""``migrate init``: an editable project from the tables that ship inside the package."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.config import load_config
from migrate.mapping.tables import TABLES, load_tables, shipped_dir
from migrate.stages.init import config_template

ROOT = Path(__file__).resolve().parent.parent


def test_init_writes_the_tables_and_a_commented_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "acme")])
    assert result.exit_code == 0, result.output
    project = tmp_path / "acme"
    assert filecmp.cmp(project / "migrate.toml", config_template(), shallow=False)
    for name in TABLES:
        assert filecmp.cmp(project / "mappings" / name, shipped_dir() / name, shallow=False)
    assert (project / "mappings" / "README.md").is_file()
    # The copy is a complete set of tables: nothing falls back to the shipped ones.
    tables = load_tables(project / "mappings")
    assert all(Path(src).parent == project / "mappings" for src in tables.sources.values())


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "countries.csv").write_text("name,code\nMine,US\n")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 3
    assert "countries.csv: already exists" in result.output
    assert not (tmp_path / "migrate.toml").exists()
    assert (tmp_path / "mappings" / "countries.csv").read_text() == "name,code\nMine,US\n"
    forced = CliRunner().invoke(cli, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    assert filecmp.cmp(tmp_path / "mappings" / "countries.csv", shipped_dir() / "countries.csv")


def test_init_refuses_a_file_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_commented_config_is_a_valid_config(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    config = load_config(tmp_path / "migrate.toml")
    assert config.provisioning_id  # the example's template id, to be replaced
    assert config.customer_level == "enterprise"


@pytest.mark.slow
def test_a_built_wheel_inits_and_runs_a_sample_into_the_sandbox(tmp_path: Path) -> None:
    """Not editable: the tables and templates must come from the installed package."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Offline: the dependencies come from this environment's site-packages, as a plain path
    # (its .pth files, the editable install's among them, are not processed from there).
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(own, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("bw2wholesale-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--force-reinstall",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    project = tmp_path / "project"
    migrate_cli = env_dir / "bin" / "migrate"
    init = subprocess.run([str(migrate_cli), "init", str(project)], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    config = (ROOT / "samples" / "sandbox.toml").read_text()
    (project / "migrate.toml").write_text(config)
    run = subprocess.run(
        [
            str(migrate_cli),
            "run",
            str(ROOT / "samples" / "acme-enterprise"),
            "--sandbox",
            "--mappings",
            "mappings",
            "-w",
            "work",
            "--reports",
            "reports",
            "--json",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # The installed package, not this checkout, did the work.
    where = subprocess.run(
        [str(python), "-c", "import migrate; print(migrate.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert str(env_dir) in where.stdout
    assert (project / "reports" / "load.xlsx").is_file()
