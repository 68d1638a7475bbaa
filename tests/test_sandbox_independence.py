"""The sandbox shares no code with the client it tests, and the library never imports click."""

from __future__ import annotations

import ast
from pathlib import Path

import migrate

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
