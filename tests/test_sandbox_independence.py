"""The sandbox shares no code with the client it tests, and the library never imports click."""

from __future__ import annotations

import ast
from pathlib import Path

import migrate
import migrate.sandbox.billing as sandbox_billing
import migrate.sandbox.devices as sandbox_devices

ROOT = Path(migrate.__file__).parent


def imports_of(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_sandbox_does_not_import_the_client_and_vice_versa() -> None:
    sandbox = imports_of(ROOT / "sandbox")
    client = imports_of(ROOT / "webex")
    assert len(sandbox) >= 8 and len(client) >= 6
    for path, names in sandbox.items():
        assert not any(n.startswith("migrate.webex") for n in names), path
    for path, names in client.items():
        assert not any(n.startswith("migrate.sandbox") for n in names), path


def test_neither_imports_click() -> None:
    for folder in ("sandbox", "webex"):
        for path, names in imports_of(ROOT / folder).items():
            assert "click" not in names, path


def sandbox_graph() -> dict[str, set[str]]:
    """Module → sandbox modules it imports (``from pkg import sub`` counts as ``pkg.sub``)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "sandbox").rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "migrate.sandbox"
            ):
                for alias in node.names:
                    sub = ROOT.parent.joinpath(*f"{node.module}.{alias.name}".split("."))
                    is_module = sub.with_suffix(".py").exists() or sub.is_dir()
                    deps.add(f"{node.module}.{alias.name}" if is_module else str(node.module))
        graph[name] = deps
    return graph


def test_sandbox_modules_import_each_other_one_way() -> None:
    graph = sandbox_graph()
    assert "migrate.sandbox.app" in graph and "migrate.sandbox.routes.customers" in graph
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for dep in graph.get(name, set()):
            assert dep not in path, " -> ".join([*path, dep])
            if dep not in done:
                visit(dep, [*path, dep])
        done.add(name)

    for name in graph:
        visit(name, [name])


def test_sandbox_imports_at_module_level_only_and_nothing_of_the_migration() -> None:
    forbidden = ("migrate.webex", "migrate.load", "migrate.plan", "migrate.mapping")
    for path in (ROOT / "sandbox").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [n for n in ast.walk(func) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not inner, f"{path.name}: import inside {func.name}()"
    for path, names in imports_of(ROOT / "sandbox").items():
        assert not any(n.startswith(forbidden) for n in names), path


def test_route_modules_do_not_shadow_the_sandbox_modules_of_the_same_name() -> None:
    # ``import a.b as c`` reads attribute ``b`` of package ``a``: a route module bound to
    # that name in the package would come back instead.
    assert sandbox_billing.__name__ == "migrate.sandbox.billing"
    assert sandbox_devices.__name__ == "migrate.sandbox.devices"
    assert "DMS Cisco 8851" in sandbox_devices.MODELS
