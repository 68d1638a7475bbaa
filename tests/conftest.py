"""What every test module shares: running the CLI as a user would, and the test markers.

Fixtures and helpers of one stage live beside its tests (``migration_helpers``,
``webex_helpers``, ``extract_helpers``); what any stage's tests need lives here.
"""

from __future__ import annotations

from click.testing import CliRunner

from migrate.cli.main import cli


def invoke(*args: str) -> tuple[int, str, str]:
    """``migrate ARGS`` through click's runner: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr
