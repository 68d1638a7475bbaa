"""The handler table: one entry per action type, the executor dispatches from it alone,
and the modules of load and plan import each other one way only."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

from migrate.load import journal as jr
from migrate.load.executor import Executor, journal_actions
from migrate.load.handlers.base import Context, Handler, Result
from migrate.load.handlers.registry import HANDLERS
from migrate.load.journal import Journal
from migrate.plan.actions import INVERSES, TYPES, Action, ref
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex

PACKAGE = Path(__file__).resolve().parents[1] / "migrate"


def test_every_action_type_and_its_inverse_has_one_handler() -> None:
    for action_type in TYPES:
        handler = HANDLERS[action_type]
        assert handler.type == action_type
        assert handler.inverse == INVERSES[action_type]
        if handler.inverse is not None:
            assert HANDLERS[handler.inverse].type == handler.inverse
    inverses = {t for t in INVERSES.values() if t is not None}
    assert set(HANDLERS) == set(TYPES) | inverses
    assert [t for t in inverses if HANDLERS[t].left_in_place] == ["delete_location"]


def test_a_new_action_type_is_one_registration(tmp_path: Path) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    async def hello(ctx: Context, payload: dict[str, Any]) -> Result:
        seen.append((ctx.key, payload))
        return {"greeting": f"hello {payload['name']}"}, False

    table = {**HANDLERS, "say_hello": Handler("say_hello", hello)}
    actions = [
        Action("say_hello:a", "say_hello", "c", 0, {"name": "a"}),
        Action(
            "say_hello:b",
            "say_hello",
            "c",
            1,
            {"name": ref("say_hello:a", "greeting")},
            depends_on=("say_hello:a",),
        ),
    ]

    async def go() -> bool:
        with Journal(tmp_path) as journal:
            journal.record_plan(journal_actions(actions))
            async with Webex(
                IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=Sandbox().transport()
            ) as webex:
                executor = Executor(webex, journal, journal.begin_run("load", None), handlers=table)
                return await executor.run(actions)

    assert asyncio.run(go())
    assert seen == [("say_hello:a", {"name": "a"}), ("say_hello:b", {"name": "hello a"})]
    with Journal(tmp_path) as journal:
        assert {a.state for a in journal.actions()} == {jr.SUCCEEDED}


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """The migrate modules a file imports, and those imported inside a function."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    nested: list[str] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inside = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        names = [n for n in names if n.startswith("migrate.")]
        found.update(names)
        if names and id(node) in inside:
            nested.extend(names)
    return found, nested


def test_load_and_plan_import_one_way_with_no_import_inside_a_function() -> None:
    modules: dict[str, Path] = {}
    for package in ("load", "plan"):
        for path in (PACKAGE / package).rglob("*.py"):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found, nested = _imports(path)
        ours = [n for n in nested if n.startswith(("migrate.load", "migrate.plan"))]
        assert ours == [], f"{name} imports {ours} inside a function"
        graph[name] = {m for m in found if m in modules and m != name}
    assert "migrate.load.handlers.registry" in graph  # the walk saw the handlers

    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            assert state.get(target) != 1, "import cycle: " + " → ".join([*path, target])
            if target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
