"""``migrate sandbox serve``: a real server process, state saved on exit and reloaded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from migrate.cli.main import cli
from tests.webex_helpers import TOKEN, customer_body

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrate", "sandbox", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), url
    return proc, url


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    return err


def test_serve_saves_state_on_exit_and_reloads_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    proc, url = start("--state", str(state), "--latency-ms", "1", "--faults", "seed=3")
    try:
        created = httpx.post(
            f"{url}/wholesale/customers", json=customer_body("kept"), headers=AUTH, timeout=5
        )
        assert created.status_code == 202
    finally:
        err = stop(proc)
    assert "state saved" in err and state.is_file()
    proc, url = start("--state", str(state))
    try:
        found = httpx.get(
            f"{url}/wholesale/customers", params={"externalId": "kept"}, headers=AUTH, timeout=5
        )
        assert [c["externalId"] for c in found.json()["items"]] == ["kept"]
    finally:
        stop(proc)


def test_serve_rate_limit_option_is_applied() -> None:
    proc, url = start("--rate-limit", "60", "--faults", "burst=1")
    try:
        with httpx.Client(headers=AUTH, timeout=5) as client:
            statuses = [client.get(f"{url}/wholesale/customers").status_code for _ in range(3)]
        assert statuses[0] == 200 and 429 in statuses
    finally:
        stop(proc)


def test_bad_fault_spec_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "serve", "--faults", "chaos=1"])
    assert result.exit_code == 2
    assert "--faults" in result.output


def test_open_webex_embeds_the_sandbox_and_keeps_its_state(tmp_path: Path) -> None:
    import asyncio

    from migrate.stages.session import open_webex
    from migrate.stages.settings import Settings

    settings = Settings(
        workspace=tmp_path / "work",
        reports=tmp_path / "reports",
        config=None,
        mappings=None,
        sandbox=True,
        api_url="https://webexapis.com/v1",
        json=False,
        verbose=0,
    )

    async def create() -> str:
        async with open_webex(settings) as webex:
            return await webex.wholesale.provision_customer(customer_body("emb"))  # type: ignore[arg-type]

    async def find() -> str | None:
        async with open_webex(settings) as webex:
            found = await webex.wholesale.find_customer("emb")
            return found.id if found else None

    created = asyncio.run(create())
    assert (tmp_path / "work" / "sandbox-state.json").is_file()
    assert asyncio.run(find()) == created
