"""The shape of the library: no two files import each other, no import hides in a function.

`lint-imports` (pyproject's contracts) checks the layers between packages;
these tests check what it does not: cycles between single files, and imports
tucked inside functions to dodge such a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "migrate"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_block(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name | ast.Attribute)
        and "TYPE_CHECKING" in ast.unparse(node.test)
    )


def _imports(tree: ast.Module, name: str, known: set[str]) -> set[str]:
    """Modules of ours that ``name`` imports at run time (TYPE_CHECKING blocks excluded)."""
    found: set[str] = set()
    package = name if (PACKAGE / "/".join(name.split(".")[1:]) / "__init__.py").exists() else ""
    base = package or name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                target = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), name, known)
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # A package's __init__ re-exporting its own modules is not a cycle of files.
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Drop the edges from a module up to the ``__init__`` of a package that contains it."""
    return {
        name: {t for t in targets if not name.startswith(t + ".")}
        for name, targets in graph.items()
    }


def test_no_two_files_import_each_other() -> None:
    cycles = _cycles(_without_package_inits(_graph()))
    assert cycles == [], f"import cycles between files: {cycles}"


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _nested_imports(tree: ast.Module) -> list[int]:
    lines: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if _type_checking_block(node):
            return
        if in_function and isinstance(node, ast.Import | ast.ImportFrom):
            lines.append(node.lineno)
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return lines


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_import_inside_a_function(name: str) -> None:
    path = _modules()[name]
    lines = _nested_imports(ast.parse(path.read_text(encoding="utf-8")))
    assert lines == [], f"{path.relative_to(PACKAGE.parent)}: import inside a function at {lines}"


def test_a_planted_nested_import_is_found() -> None:
    tree = ast.parse("import os\n\ndef f():\n    import json\n    return json\n")
    assert _nested_imports(tree) == [4]


def test_the_library_never_imports_click_outside_the_cli() -> None:
    offenders = [
        name
        for name, path in _modules().items()
        if not name.startswith("migrate.cli")
        and name != "migrate.__main__"
        and any(
            alias.name == "click" or (isinstance(node, ast.ImportFrom) and node.module == "click")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        )
    ]
    assert offenders == []


def test_the_cli_starts_without_running_pandas() -> None:
    """pandas (only billing's) costs every command about 0.4 s of start-up when run."""
    probe = (
        # Billing's module itself runs when its command is looked up: look it up.
        "import sys, migrate.cli.main as cli; cli.MigrateGroup().get_command(None, 'billing'); "
        "m = sys.modules.get('pandas'); "
        "print(type(m).__name__ if m is not None else 'absent', 'pandas.core' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["_LazyModule", "False"]
