"""``status`` and ``report`` on a journal of a million actions, after a load.

Builds (once, untimed, reused) a workspace whose journal holds ``--actions``
synthetic actions the way a finished load leaves them: most succeeded, a few
failed or parked by Webex, two events per action. Then runs ``migrate
status`` and ``migrate report`` each in a process of its own, ``--repeat``
times, and prints one JSON line: the median run's wall and CPU seconds and
peak RSS each (and every run's process seconds), against status's target
(≤ 2 s).

    python bench/status.py [--actions 1000000] [--repeat 3] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STATUS_SECONDS = 2.0
CUSTOMERS = 1000
# One customer's actions, in order; subscribers and their settings fill the rest.
HEAD = ("create_customer", "create_location", "add_numbers")
TAIL = ("activate_numbers",)


def _actions(total: int) -> Iterator[Any]:
    from migrate.load.journal import JournalAction

    per_customer = max(total // CUSTOMERS, len(HEAD) + len(TAIL) + 1)
    made = 0
    customer = 0
    while made < total:
        name = f"cust-{customer:05d}"
        body = per_customer - len(HEAD) - len(TAIL)
        kinds = [*HEAD]
        kinds += [
            "create_subscriber" if i % 2 == 0 else "apply_person_settings" for i in range(body)
        ]
        kinds += TAIL
        for ordinal, kind in enumerate(kinds[: total - made]):
            key = f"{kind}:{name}:{ordinal:06d}"
            payload = {
                "customerId": name,
                "email": f"user{ordinal}@{name}.example.com",
                "firstName": "Synthetic",
                "lastName": f"User {ordinal}",
                "primaryPhoneNumber": f"+1555{customer:03d}{ordinal:04d}",
                "extension": f"{ordinal:04d}",
                "package": "webex_calling",
                "locationKey": f"create_location:{name}:main",
                "settings": {"callForwarding": {"always": {"enabled": False}}},
            }
            yield JournalAction(
                key=key,
                type=kind,
                customer=name,
                batch=1,
                ordinal=ordinal,
                payload=payload,
                depends_on=(f"create_customer:{name}:000000",) if ordinal else (),
                inverse={"type": "delete", "key": key},
            )
            made += 1
        customer += 1


def build(workspace: Path, total: int) -> None:
    """A journal as a finished load leaves it (direct SQL: a load of a million is hours)."""
    from migrate.load.journal import Journal

    random.seed(1)
    workspace.mkdir(parents=True, exist_ok=True)
    with Journal(workspace) as journal:
        journal.record_plan(_actions(total))
        run = journal.begin_run("load", "f" * 64)
        db = journal._db
        db.execute("BEGIN")
        keys = [row[0] for row in db.execute("SELECT key FROM actions")]
        events = []
        for n, key in enumerate(keys):
            at = f"2026-01-01T00:{n // 60000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}+00:00"
            roll = random.random()
            state, code = ("succeeded", None)
            if roll < 0.002:
                state, code = ("parked", "pending_user_migration")
            elif roll < 0.007:
                state, code = ("failed", "400")
            events.append((run, key, "started", at, None))
            events.append((run, key, state, at, code))
            if state != "succeeded":
                db.execute(
                    "UPDATE actions SET state = ?, error_kind = ?, error_code = ?, "
                    "error_message = ?, updated_at = ?, run_id = ? WHERE key = ?",
                    (state, state, code, f"synthetic {state}", at, run, key),
                )
        db.execute(
            "UPDATE actions SET state = 'succeeded', run_id = ?, attempts = 1, "
            "result = '{\"personId\":\"x\"}' WHERE state = 'pending'",
            (run,),
        )
        db.executemany(
            "INSERT INTO events (run_id, key, state, at, detail) VALUES (?, ?, ?, ?, ?)", events
        )
        db.execute("COMMIT")
        journal.end_run(run, "completed")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _child(args: list[str]) -> dict[str, Any]:
    from migrate.cli.main import cli

    started, cpu = time.perf_counter(), time.process_time()
    code = 0
    try:
        cli.main(args=args, prog_name="migrate", standalone_mode=False)
    except SystemExit as done:
        code = int(done.code or 0)
    return {
        "exit_code": code,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _run(*args: str) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # What the engineer waits for: the interpreter and the imports too.
    figures["process_seconds"] = round(time.perf_counter() - started, 2)
    return figures


def _median(*args: str, repeat: int) -> dict[str, Any]:
    """The run of median process seconds, with every run's process seconds."""
    runs = sorted((_run(*args) for _ in range(repeat)), key=lambda r: r["process_seconds"])
    middle = runs[len(runs) // 2]
    return {**middle, "runs": [r["process_seconds"] for r in runs]}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(_child(sys.argv[2:])))
        return
    if sys.argv[1:2] == ["--build"]:
        build(Path(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--stages", default="status,report")
    args = parser.parse_args()
    workspace = args.out / f"status-ws-{args.actions}"
    reports = args.out / f"status-reports-{args.actions}"
    journal = workspace / "journal.sqlite"
    built = None
    if not journal.exists():
        started = time.perf_counter()
        # In a process of its own: a child started by a process that grew to build (the
        # plan of a million actions in memory) would report that growth as its peak RSS.
        build_args = [sys.executable, __file__, "--build", str(workspace), str(args.actions)]
        subprocess.run(build_args, check=True)
        built = round(time.perf_counter() - started, 1)
    figures = {
        stage: _median(stage, "-w", str(workspace), "--reports", str(reports), repeat=args.repeat)
        for stage in args.stages.split(",")
    }
    print(
        json.dumps(
            {
                "bench": "status",
                "actions": args.actions,
                "journal_mb": round(journal.stat().st_size / 2**20, 1),
                "build_seconds": built,
                **figures,
                "target_status_seconds": STATUS_SECONDS,
                "met": figures.get("status", {}).get("seconds", 0) <= STATUS_SECONDS,
            }
        )
    )


if __name__ == "__main__":
    main()
