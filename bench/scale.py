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
                          [--stages extract,map,plan,journal,status]

Peak RSS is the larger of the stage's own process and its worker processes'
(each reported too).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

STAGES = ("extract", "map", "plan", "status")
STEPS = ("extract", "map", "plan", "journal", "status")
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
        from migrate.plan.jsonfile import iter_items

        recorded = 0
        # Streamed: builder.read holds the whole plan, some 17 GB for a million users.
        actions = iter_items(Path(args[0]) / "plan.json", "actions")
        with Journal(Path(args[0])) as journal:
            while chunk := list(itertools.islice(actions, 5_000)):
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
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes (extract's parse workers, map's workbook writers) peak on their own.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["main_peak_rss_mb"] = round(own, 1)
    figures["worker_peak_rss_mb"] = round(workers, 1)
    figures["peak_rss_mb"] = round(max(own, workers), 1)
    return figures


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


def _size(
    out: Path, users: int, seed: int, split_rows: int, stages: tuple[str, ...] = STEPS
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    export = out / f"synthetic-{users}-seed{seed}.zip"
    if not export.exists():  # an export of that size and seed is reused: it is the same
        figures["synthetic"] = _run_child("synthetic", str(export), str(users), str(seed))
    workspace, reports = out / f"scale-ws-{users}", out / f"scale-reports-{users}"
    if "extract" in stages:  # a later step alone runs on the workspace an earlier run left
        shutil.rmtree(workspace, ignore_errors=True)
    # Every size below the split size maps and reviews by customer, as a platform does.
    config = out / f"scale-{users}.toml"
    config.write_text(
        f'provisioning_id = "SCALE"\nreview_split_rows = {split_rows}\n', encoding="utf-8"
    )
    common = ["-w", str(workspace), "--reports", str(reports), "--config", str(config)]
    step_args = {
        "extract": [*common, str(export)],
        "map": common,
        "plan": common,
        "journal": [str(workspace)],
        "status": [*common, "--json"],
    }
    for step in STEPS:
        if step in stages:
            figures[step] = _run_child(step, *step_args[step])
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
    parser.add_argument(
        "--stages",
        default=",".join(STEPS),
        help="steps to run (a later step alone reuses the workspace an earlier run left)",
    )
    args = parser.parse_args()
    stages = tuple(s for s in STEPS if s in args.stages.split(","))

    args.out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(n) for n in args.users.split(","))
    split_rows = max(1, sizes[0] // 2)
    runs = {users: _size(args.out, users, args.seed, split_rows, stages) for users in sizes}
    small, large = runs[sizes[0]], runs[sizes[-1]]
    measured = [s for s in STAGES if s in stages]
    growth = {
        stage: round(large[stage]["peak_rss_mb"] / small[stage]["peak_rss_mb"] - 1, 3)
        for stage in measured
    }
    map_budget = MAP_SECONDS_PER_MILLION * sizes[-1] / 1_000_000
    met = {
        "peak_rss": all(large[s]["peak_rss_mb"] <= RSS_LIMIT_MB for s in measured),
        "rss_growth": all(g <= GROWTH_LIMIT for g in growth.values()),
    }
    if "map" in stages:
        met["map_seconds"] = large["map"]["seconds"] <= map_budget
    if "status" in stages:
        met["status_seconds"] = large["status"]["process_seconds"] <= STATUS_SECONDS
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
