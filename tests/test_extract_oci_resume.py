"""``extract --from-oci`` killed mid-walk resumes asking only what is missing; no password leaks."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.sandbox.broadworks import BroadWorksEmulator, Credentials, EmulatorConfig, load
from tests.oci_helpers import (
    PASSWORD,
    ROOT,
    USER,
    asked,
    emulator,
    entities,
    folder_inventory,
    saved_requests,
)


def cli(
    emu: BroadWorksEmulator, workspace: Path, *extra: str, password: str = PASSWORD
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            "extract",
            "--from-oci",
            f"127.0.0.1:{emu.port}",
            "-w",
            str(workspace),
            "--reports",
            str(workspace / "reports"),
            "--max-rps",
            "0",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MIGRATE_OCI_USER": USER, "MIGRATE_OCI_PASSWORD": password},
    )


@pytest.mark.parametrize("kill_after", [7, 60])
def test_a_killed_walk_resumes_asking_only_what_is_missing(kill_after: int, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    export = workspace / "oci-export"
    with emulator("acme-enterprise", hold_after=kill_after) as emu:
        proc = cli(emu, workspace, "--enterprise", "acme-ent")
        try:
            # Aimed by progress: the emulator stops answering after kill_after answers.
            assert emu.wait_answered(kill_after, timeout=60), proc.communicate(timeout=5)
        finally:
            proc.kill()
            proc.communicate(timeout=30)
        assert proc.returncode != 0
    saved = saved_requests(export)
    assert 0 < len(saved) <= kill_after
    assert not (workspace / "inventory").exists()

    replay = load(ROOT / "samples" / "acme-enterprise")
    resumed = BroadWorksEmulator(replay, EmulatorConfig(credentials=Credentials(USER, PASSWORD)))
    resumed.start()
    try:
        proc = cli(resumed, workspace, "--enterprise", "acme-ent", "--json")
        _out, err = proc.communicate(timeout=120)
    finally:
        resumed.close()
    assert proc.returncode == 0, err
    second = asked(resumed)
    assert second, "the rest was asked"
    assert not set(second) & saved, "nothing saved before the kill is asked again"
    assert not list(export.rglob("*.part")), "half-written files of the killed run are gone"
    assert entities(workspace) == entities(folder_inventory("acme-enterprise", tmp_path / "f"))


def test_the_password_is_written_nowhere(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    secrets = [PASSWORD, hashlib.sha1(PASSWORD.encode()).hexdigest()]  # noqa: S324
    outputs: list[str] = []
    with emulator("metro-sp-group-mode", drop_every=9) as emu:
        proc = cli(emu, workspace, "--service-provider", "metro-voip", "--json")
        outputs.extend(proc.communicate(timeout=120))
        assert proc.returncode == 0, outputs[1]
        assert '"reconnects"' in outputs[0]
        refused = cli(
            emu,
            tmp_path / "refused",
            "--service-provider",
            "metro-voip",
            password=PASSWORD + "x",
        )
        outputs.extend(refused.communicate(timeout=60))
        assert refused.returncode == 3 and "refused" in outputs[-1]
        outputs.append(repr(emu.log))
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 60  # the export, the inventory, the report, the walk state
    for path in written:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, path
    for text in outputs:
        for secret in secrets:
            assert secret not in text


def test_missing_credentials_and_scope_are_refused_in_one_line(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "migrate", "extract", "-w", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIGRATE_OCI")}
    no_env = subprocess.run(
        [*base, "--from-oci", "127.0.0.1:9", "--enterprise", "e"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert no_env.returncode == 3
    assert "MIGRATE_OCI_USER and MIGRATE_OCI_PASSWORD must be set" in no_env.stderr
    assert "Traceback" not in no_env.stderr
    no_scope = subprocess.run(
        [*base, "--from-oci", "127.0.0.1:9"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert no_scope.returncode == 2 and "--enterprise ID or --service-provider ID" in (
        no_scope.stderr
    )
