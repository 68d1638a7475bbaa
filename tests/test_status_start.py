"""``migrate status`` starts with what it reads: the journal, not the loader, the Webex
client, the sandbox or the workbooks the other commands import (a second of start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from migrate.load.journal import Journal, JournalAction

# Imported by other commands only; any of them costs status a good part of its 2 s.
NOT_FOR_STATUS = (
    "httpx",
    "migrate.webex",
    "migrate.sandbox",
    "migrate.load.executor",
    "migrate.load.cutover",
    "migrate.load.handlers.base",
    "openpyxl",
)


def test_status_runs_without_the_modules_of_other_commands(tmp_path: Path) -> None:
    workspace = tmp_path / "w"
    with Journal(workspace) as journal:
        journal.record_plan(
            [
                JournalAction(
                    f"create_customer:c{n}", "create_customer", f"c{n}", 0, 0, {}, (), None
                )
                for n in range(3)
            ]
        )
    args = ["status", "-w", str(workspace), "--reports", str(tmp_path / "r"), "--json"]
    probe = (
        "import json, sys\n"
        "from migrate.cli.main import cli\n"
        "try:\n"
        f"    cli.main(args={args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "ran = [n for n, m in sys.modules.items() if type(m).__name__ != '_LazyModule']\n"
        "print(json.dumps(sorted(ran)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    *shown, last = done.stdout.strip().splitlines()
    ran = set(json.loads(last))
    assert json.loads("\n".join(shown))["counts"]["pending"] == 3
    assert "migrate.stages.status" in ran
    assert [m for m in NOT_FOR_STATUS if m in ran] == []
