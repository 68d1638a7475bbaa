"""Scale benchmark: a synthetic platform through extract, map, plan and status.

For each size (default 100,000 and 1,000,000 users; ``migrate synthetic`` puts
about a thousand users in a service provider), runs each step in a process of
its own so each peak RSS is that step's:

* ``synthetic``: generates the export (a zip, kept in ``--out`` and reused by
  later runs of the same size and seed; about 5,000 users a second, 4.9 KB a
  user, constant memory);
* ``extract``, ``map``, ``plan``: the CLI commands, timed;
* ``journal``: records every action of that plan, as ``load`` does before its
  first request (setup for status, streamed from plan.json in bounded memory);
* ``status``: on that journal, the CLI command including its imports.

Every size maps above ``review_split_rows`` (half the smallest size, in a
``migrate.toml`` written beside the export), so each takes the path a platform
takes: map by service provider, one review workbook per customer. Each step
also reports ``process_seconds``, the interpreter's start included; status's
target is checked on that.

Prints one JSON line: seconds and peak RSS per stage and size, and each
stage's RSS growth from the smallest size to the largest, against the targets
(peak RSS ≤ 1 GB at the largest size and ≤ 20 % above the smallest size's;
map of 1,000,000 users ≤ 10 minutes; status ≤ 2 s).

    python bench/scale.py [--users 100000,1000000] [--seed 1] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STAGES = ("extract", "map", "plan", "status")
RSS_LIMIT_MB = 1024
GROWTH_LIMIT = 0.20
MAP_SECONDS_PER_MILLION = 600
STATUS_SECONDS = 2.0


def _child(stage: str, args: list[str]) -> dict[str, Any]:
    """Run one stage in this process; its figures as a dict."""
    started = time.perf_counter()
    if stage == "synthetic":
        from migrate.synthetic.generator import generate

        export = Path(args[0])
        partial = export.with_name("partial-" + export.name)
        partial.unlink(missing_ok=True)
        result = generate(partial, int(args[1]), int(args[2]))
        partial.replace(export)  # only a complete export is reused by the next run
        figures: dict[str, Any] = {
            "users": result.users,
            "mb": round(export.stat().st_size / 2**20, 1),
        }
    elif stage == "journal":
        from migrate.load.executor import journal_actions
        from migrate.load.journal import Journal
        from migrate.plan.actions import Action

        recorded = 0
        with Journal(Path(args[0])) as journal:
            for chunk in _plan_actions(Path(args[0]) / "plan.json", 5_000):
                recorded += journal.record_plan(journal_actions(list(map(Action.from_dict, chunk))))
        figures = {"actions": recorded, "mb": round(journal.path.stat().st_size / 2**20, 1)}
    else:
        from migrate.cli.main import cli

        code = 0
        try:
            cli.main(args=[stage, *args], prog_name="migrate", standalone_mode=False)
        except SystemExit as done:  # blockers and the like end with their exit code
            code = int(done.code or 0)
        figures = {"exit_code": code}
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # Worker processes (extract's, map's) are the stage's too: the largest of them.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["worker_peak_rss_mb"] = round(workers / 1024, 1)
    return figures


def _plan_actions(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    """The plan's actions, ``size`` at a time, read as a stream: ``builder.read`` holds
    the whole plan, about five times plan.json (some 17 GB for a million users)."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8") as handle:
        text, at = handle.read(1 << 20), 0
        opening = re.match(r'\s*\{\s*"actions"\s*:\s*\[', text)
        if opening is None:
            raise SystemExit(f"{path}: does not begin with its actions")
        at = opening.end()
        chunk: list[dict[str, Any]] = []
        while True:
            while at < len(text) and text[at] in " \t\r\n,":
                at += 1
            if at < len(text) and text[at] == "]":
                break
            try:
                action, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                more = handle.read(1 << 20)
                if not more:
                    raise
                text, at = text[at:] + more, 0
                continue
            chunk.append(action)
            at = end
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _run_child(stage: str, *args: str) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # What the engineer waits for, the interpreter's start and imports included.
    figures["process_seconds"] = round(time.perf_counter() - started, 2)
    # A run of a million users takes hours: what completed shows as it completes.
    print(json.dumps({"stage": stage, **figures}), file=sys.stderr, flush=True)
    return figures


def _size(out: Path, users: int, seed: int, split_rows: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    export = out / f"synthetic-{users}-seed{seed}.zip"
    if not export.exists():  # an export of that size and seed is reused: it is the same
        figures["synthetic"] = _run_child("synthetic", str(export), str(users), str(seed))
    workspace, reports = out / f"scale-ws-{users}", out / f"scale-reports-{users}"
    shutil.rmtree(workspace, ignore_errors=True)
    # Every size below the split size maps and reviews by customer, as a platform does.
    config = out / f"scale-{users}.toml"
    config.write_text(
        f'provisioning_id = "SCALE"\nreview_split_rows = {split_rows}\n', encoding="utf-8"
    )
    common = ["-w", str(workspace), "--reports", str(reports), "--config", str(config)]
    figures["extract"] = _run_child("extract", *common, str(export))
    figures["map"] = _run_child("map", *common)
    figures["plan"] = _run_child("plan", *common)
    figures["journal"] = _run_child("journal", str(workspace))
    figures["status"] = _run_child("status", *common, "--json")
    return figures


def main() -> None:
    if sys.argv[1:2] == ["--child"]:  # the stage's own options follow: not for argparse
        stage, *rest = sys.argv[2:]
        print(json.dumps(_child(stage, rest)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(n) for n in args.users.split(","))
    split_rows = max(1, sizes[0] // 2)
    runs = {users: _size(args.out, users, args.seed, split_rows) for users in sizes}
    small, large = runs[sizes[0]], runs[sizes[-1]]
    growth = {
        stage: round(large[stage]["peak_rss_mb"] / small[stage]["peak_rss_mb"] - 1, 3)
        for stage in STAGES
    }
    map_budget = MAP_SECONDS_PER_MILLION * sizes[-1] / 1_000_000
    met = {
        "peak_rss": all(large[s]["peak_rss_mb"] <= RSS_LIMIT_MB for s in STAGES),
        "rss_growth": all(g <= GROWTH_LIMIT for g in growth.values()),
        "map_seconds": large["map"]["seconds"] <= map_budget,
        "status_seconds": large["status"]["process_seconds"] <= STATUS_SECONDS,
    }
    print(
        json.dumps(
            {
                "bench": "scale",
                "input": "migrate synthetic + extract + map + plan + status",
                "sizes": {str(users): figures for users, figures in runs.items()},
                "rss_growth": growth,
                "targets": {
                    "peak_rss_mb": RSS_LIMIT_MB,
                    "rss_growth": GROWTH_LIMIT,
                    "map_seconds": map_budget,
                    "status_seconds": STATUS_SECONDS,
                },
                "met": met,
            }
        )
    )


if __name__ == "__main__":
    main()
