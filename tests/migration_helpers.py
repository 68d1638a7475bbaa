"""Helpers for the verify, billing and summary tests: a planned workspace of the acme
sample, loaded into an in-process sandbox (not a conftest: that file belongs to everyone)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex
from tests.conftest import invoke

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CONFIG = """provisioning_id = "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2"
[email]
missing = "{first}.{last}@{domain}"
"""
# One customer per group (the metro sample's businesses, synthetic exports' groups).
GROUP_CONFIG = """provisioning_id = "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2"
customer_level = "group"
[email]
missing = "{first}.{last}@{domain}"
"""
T = TypeVar("T")


# The subscriber-side objects. Devices and workspaces have their own loaders;
# tests that are not about them keep to these, so that work on those loaders never shows
# up here as a verify, billing or summary failure.
COMPARED_TYPES = (
    "create_customer",
    "await_customer",
    "create_location",
    "add_numbers",
    "create_subscriber",
)


def stage(
    root: Path, export: Path, config: str = CONFIG, extract_codes: tuple[int, ...] = (0,)
) -> Path:
    """extract → map → plan of ``export`` under ``root`` (w/, r/, migrate.toml)."""
    (root / "migrate.toml").write_text(config)
    for step in (["extract", str(export)], ["map"], ["plan"]):
        code, _out, err = invoke(step[0], *common(root), *step[1:])
        assert code in (extract_codes if step[0] == "extract" else (0,)), err
    return root


def prepare(root: Path, sample: str = "acme-enterprise", *, everything: bool = False) -> Path:
    """A staged sample; unless ``everything``, the plan keeps only :data:`COMPARED_TYPES`."""
    stage(root, SAMPLES / sample)
    if not everything:
        plan = builder.read(root / "w")
        plan.actions = [a for a in plan.actions if a.type in COMPARED_TYPES]
        builder.write(plan, root / "w")
    return root


def common(root: Path) -> list[str]:
    return [
        "-w",
        str(root / "w"),
        "--reports",
        str(root / "r"),
        "--config",
        str(root / "migrate.toml"),
    ]


def copy_case(prepared: Path, target: Path) -> Path:
    shutil.copytree(prepared, target)
    return target


def webex_for(sandbox: Sandbox, transport: Any = None) -> Webex:
    return Webex(
        IN_PROCESS_URL,
        token=SANDBOX_TOKEN,
        transport=transport if transport is not None else sandbox.transport(),
    )


def with_webex(sandbox: Sandbox, work: Callable[[Webex], Awaitable[T]], transport: Any = None) -> T:
    async def go() -> T:
        async with webex_for(sandbox, transport) as webex:
            return await work(webex)

    return asyncio.run(go())


def load(root: Path, sandbox: Sandbox, transport: Any = None, **kwargs: Any) -> LoadResult:
    plan = builder.read(root / "w")
    return with_webex(
        sandbox,
        lambda webex: run_load(
            root / "w", webex, plan, options=LoadOptions(poll_interval=0.001), **kwargs
        ),
        transport,
    )
