"""``load --dry-run``: reads go out, writes stay home, and they are the writes a load sends."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from migrate.cli.main import cli
from migrate.load.dryrun import dry_run
from migrate.load.executor import LoadOptions
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex
from tests.migration_helpers import SAMPLES, stage

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_ID = re.compile(r"^[A-Za-z0-9+/=_-]{24,}$")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return stage(tmp_path, SAMPLES / "acme-enterprise")


class Recorder(httpx.AsyncBaseTransport):
    """Passes everything through and remembers the writes, as a real load sends them."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[tuple[str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in WRITES:
            body = json.loads(request.content) if request.content else None
            self.writes.append((request.method, request.url.path, body))
        return await self.inner.handle_async_request(request)


def mask(value: Any) -> Any:
    """Ids differ between a dry-run (made up) and a load (Webex's); everything else may not."""
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, str) and ("dryrun-" in value or _ID.match(value)):
        return "<id>"
    return value


def normal_path(path: str) -> str:
    path = path.split("/v1", 1)[-1]
    return "/".join(
        "{id}" if "dryrun-" in part or _ID.match(part) else part for part in path.split("/")
    )


def opener(sandbox: Sandbox) -> Callable[[Any], AbstractAsyncContextManager[Webex]]:
    return lambda wrap: Webex(
        IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=wrap(sandbox.transport())
    )


def test_dry_run_sends_no_write_and_lists_the_writes_a_load_sends(workspace: Path) -> None:
    sandbox = Sandbox()
    plan = builder.read(workspace / "w")
    options = LoadOptions(poll_interval=0.001, concurrency=1)
    found = asyncio.run(dry_run(workspace / "w", plan, opener(sandbox), options=options))
    assert found.recorded, "a first load must have writes to send"
    assert [r for r in sandbox.app.request_log if r[0] in WRITES] == []
    assert not (workspace / "w" / "journal.sqlite").exists()  # the real journal is untouched
    assert {a.state for a in found.actions} == {"succeeded"}

    recorder = Recorder(sandbox.transport())

    async def real() -> None:
        async with Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=recorder) as webex:
            result = await run_load(workspace / "w", webex, plan, options=options)
            assert result.ok

    asyncio.run(real())
    dry = [(r.method, normal_path(r.path), mask(r.body)) for r in found.recorded]
    sent = [(method, normal_path(path), mask(body)) for method, path, body in recorder.writes]
    assert dry == sent


def test_dry_run_after_a_load_would_adopt_or_do_nothing(workspace: Path) -> None:
    sandbox = Sandbox()
    plan = builder.read(workspace / "w")
    options = LoadOptions(poll_interval=0.001)
    # Objects that already exist in Webex are adopted, not created: seed one customer.
    asyncio.run(dry_run(workspace / "w", plan, opener(sandbox), options=options))
    scratch = workspace / "other"
    shutil.copytree(workspace / "w", scratch)

    async def load_elsewhere() -> None:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()
        ) as webex:
            assert (await run_load(scratch, webex, plan, options=options)).ok

    asyncio.run(load_elsewhere())
    found = asyncio.run(dry_run(workspace / "w", plan, opener(sandbox), options=options))
    assert found.recorded == []  # everything exists: nothing would be written
    assert {a.key.split(":")[0] for a in found.actions if a.adopted} >= {
        "create_customer",
        "create_subscriber",
        "create_location",
        "add_numbers",
    }


def test_cli_dry_run_writes_the_report_and_never_the_token(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", "secret-token-should-never-show-0123456789")
    args = [
        "-w",
        str(workspace / "w"),
        "--reports",
        str(workspace / "r"),
        "--config",
        str(workspace / "migrate.toml"),
        "--sandbox",
    ]
    result = CliRunner().invoke(
        cli, ["load", *args, "--dry-run", "--json", "--poll-interval", "0.001"]
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["writes"] == len(payload["requests"]) > 0
    report = workspace / "r" / "dry-run.xlsx"
    assert report.is_file()
    import zipfile

    with zipfile.ZipFile(report) as book:
        text = b"".join(book.read(name) for name in book.namelist())
    assert b"secret-token" not in text and b"secret-token" not in result.stdout.encode()
    assert b"/wholesale/customers" in text
