"""Map benchmark: one JSON line of figures.

Generates (or reuses) a synthetic export of 100,000 users with
``migrate.synthetic.generator.generate`` (what ``migrate synthetic`` runs),
extracts it once, then in separate processes, so each peak RSS is its own:

* ``map``: the whole stage (inventory → model/*.jsonl + review.xlsx), timed,
  with its peak RSS (target ≤ 1 GB);
* ``workbook``: the same model built again, then ``review.xlsx`` written by
  the project's writer and the very same rows dumped by a bare openpyxl
  write-only workbook, both timed in that one process (target ratio ≤ 2.0).

    python bench/map.py [--users 100000] [--seed 1] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child_map(workspace: Path, reports: Path) -> dict[str, float]:
    from migrate.stages.map import run_map

    started = time.perf_counter()
    result = run_map(workspace, reports)
    return {
        "seconds": time.perf_counter() - started,
        "subscribers": result.counts["subscribers"],
        "issues": result.counts["issues"],
        "review_mb": result.review.stat().st_size / 1e6,
    }


def _child_workbook(workspace: Path) -> dict[str, float]:
    import openpyxl

    from migrate.config import load_config
    from migrate.mapping.mapper import build, finalize
    from migrate.mapping.tables import load_tables
    from migrate.reports.review import review_sheets, write_review

    tables, config = load_tables(), load_config(None)
    model = build(workspace, tables, config)
    finalize(model, tables, config)
    summary = [("Stage", "bench")]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_review(Path(tmp) / "review.xlsx", model, summary, None)
        ours = time.perf_counter() - started

        started = time.perf_counter()
        book = openpyxl.Workbook(write_only=True)
        rows = 0
        for spec in review_sheets(model, summary, None):
            sheet = book.create_sheet(spec.name)
            sheet.append([c.header for c in spec.columns])
            for values in spec.rows():
                sheet.append(
                    [", ".join(map(str, v)) if isinstance(v, list | tuple) else v for v in values]
                )
                rows += 1
        book.save(Path(tmp) / "bare.xlsx")
        bare = time.perf_counter() - started
    return {"review_seconds": ours, "openpyxl_seconds": bare, "rows": rows}


def _run_child(*args: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def _export(out: Path, users: int, seed: int) -> Path:
    export = out / f"synthetic-{users}-seed{seed}"
    if not (export / "synthetic-manifest.json").exists():
        shutil.rmtree(export, ignore_errors=True)
        # The library call `migrate synthetic` wraps (the command may not be registered yet).
        from migrate.synthetic.generator import generate

        generate(export, users, seed)
    return export


def _inventory(out: Path, export: Path, users: int, seed: int) -> Path:
    workspace = out / f"map-ws-{users}-seed{seed}"
    if not (workspace / "inventory" / "users.jsonl").exists():
        shutil.rmtree(workspace, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "migrate",
                "extract",
                "-w",
                str(workspace),
                "--reports",
                str(out / "reports-extract"),
                str(export),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        mode, *paths = args.child
        if mode == "map":
            figures = _child_map(Path(paths[0]), Path(paths[1]))
        else:
            figures = _child_workbook(Path(paths[0]))
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return

    args.out.mkdir(parents=True, exist_ok=True)
    export = _export(args.out, args.users, args.seed)
    workspace = _inventory(args.out, export, args.users, args.seed)
    mapped = _run_child("map", str(workspace), str(args.out / "reports-map"))
    book = _run_child("workbook", str(workspace))
    ratio = book["review_seconds"] / book["openpyxl_seconds"]
    print(
        json.dumps(
            {
                "bench": "map",
                "users": args.users,
                "input": "migrate synthetic + migrate extract",
                "subscribers": mapped["subscribers"],
                "issues": mapped["issues"],
                "map_seconds": round(mapped["seconds"], 2),
                "peak_rss_mb": round(mapped["peak_rss_mb"], 1),
                "review_xlsx_mb": round(mapped["review_mb"], 1),
                "review_seconds": round(book["review_seconds"], 2),
                "openpyxl_write_only_seconds": round(book["openpyxl_seconds"], 2),
                "workbook_ratio": round(ratio, 3),
                "workbook_rows": book["rows"],
                "targets": {"peak_rss_mb": 1024, "workbook_ratio": 2.0},
                "met": mapped["peak_rss_mb"] <= 1024 and ratio <= 2.0,
            }
        )
    )


if __name__ == "__main__":
    main()
