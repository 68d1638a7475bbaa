"""Extract benchmark: one JSON line of figures.

Generates (or reuses) synthetic exports of 100,000 and 50,000 users, reads
every file of the large one once so the page cache is warm for everything
timed, then runs ``--pairs`` rounds (default 3), each in separate processes
so each peak RSS is its own, in this order:

* the floor: a single-process bare lxml ``iterparse`` pass over the same
  files, clearing every element;
* ``extract`` of the large export (parse workers: one per core);
* ``extract`` with one worker (the figure when the other core is busy);
* the whole ``migrate extract`` command, extract.xlsx included.

Every figure is the median over the rounds, and each ratio is the median of
the rounds' ratios, so a neighbour's burst spoils one round, not the result.
CPU seconds (user + system, workers included) are reported beside wall
seconds: on a shared machine they say what the work costs when the wall
clock says what the neighbours did. The load average before and after is
part of the answer. ``cpu_share_of_floor`` is extract's CPU seconds over
what the floor's CPU seconds on every core would be. On an idle machine the
wall ratio is no lower than it, so at most 1.0 is what the wall target
needs; it says how far off the work is when the wall clock cannot be
trusted. ``--small 0`` skips the small export (no growth figure).

Targets: extract ≤ 1.0 × the floor, the command ≤ 1.5 ×, peak RSS ≤ 300 MB,
and peak-RSS growth from the small to the large export ≤ 20 %.

    python bench/extract.py [--users 100000] [--small 50000] [--pairs 3] [--out bench/out]

``--live`` measures ``extract --from-oci`` instead: the BroadWorks emulator
(its own process) replays a synthetic export with ``--latency-ms`` added to
every answer; each service provider is pulled with the default concurrency
and no rate cap, then extracted. Reported as inventory records per second,
beside ``extract`` of the same export from disk.

    python bench/extract.py --live [--users 2000] [--latency-ms 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _cpu() -> float:
    """CPU seconds of this process and its finished children (parse workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _child_iterparse(export: Path) -> dict[str, float]:
    from lxml import etree

    cpu = _cpu()
    started = time.perf_counter()
    elements = 0
    for path in sorted(export.rglob("*.xml")):
        with path.open("rb") as handle:
            for _event, element in etree.iterparse(handle, events=("end",)):
                elements += 1
                element.clear()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "elements": elements}


def _child_extract(export: Path, workspace: Path, workers: int | None) -> dict[str, float]:
    from migrate.extract import extract

    shutil.rmtree(workspace, ignore_errors=True)
    cpu = _cpu()
    started = time.perf_counter()
    result = extract(export, workspace, workers=workers)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu() - cpu,
        "users": result.counts["users"],
        "numbers": result.counts["numbers"],
        "devices": result.counts["devices"],
        "warnings": result.counts["warnings"],
    }


def _warm(export: Path) -> int:
    """Read every file once, so no timed run pays for the disk."""
    size = 0
    for path in export.rglob("*"):
        if path.is_file():
            size += len(path.read_bytes())
    return size


def _command(export: Path, workspace: Path) -> dict[str, float]:
    """``migrate extract`` as an engineer runs it, timed from outside, workbook included."""
    shutil.rmtree(workspace, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "migrate",
            "extract",
            str(export),
            "-w",
            str(workspace),
            "--reports",
            str(workspace / "reports"),
            "--no-progress",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"seconds": seconds, "cpu_seconds": cpu}


def _records(workspace: Path) -> int:
    """Customer records; system lookups (languages, time zones) come with every provider."""
    inventory = workspace / "inventory"
    return sum(
        sum(1 for _line in path.open("rb"))
        for path in inventory.glob("*.jsonl")
        if path.stem not in ("warnings", "languages", "time_zones")
    )


def _child_disk(export: Path, workspace: Path) -> dict[str, float]:
    from migrate.extract import extract

    shutil.rmtree(workspace, ignore_errors=True)
    started = time.perf_counter()
    result = extract(export, workspace)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "users": result.counts["users"], "records": _records(workspace)}


def _child_live(export: Path, workspace: Path, address: str, ids: str) -> dict[str, float]:
    from migrate.extract import extract
    from migrate.extract.oci import Login, Scope, connection, pull

    providers = ids.split(",")
    login = Login("bench", "bench-password")  # the emulator is started accepting any password
    figures = {"seconds": 0.0, "users": 0.0, "records": 0.0, "requests": 0.0}
    for provider in providers:
        folder = workspace / provider
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        pulled = pull(connection(address, login, max_rps=0), Scope(provider), folder / "oci")
        result = extract(folder / "oci", folder)
        figures["seconds"] += time.perf_counter() - started
        figures["users"] += result.counts["users"]
        figures["records"] += _records(folder)
        figures["requests"] += pulled.stats.asked
    return figures


def _live(args: argparse.Namespace) -> None:
    from migrate.extract.oci import DEFAULT_CONCURRENCY

    args.out.mkdir(parents=True, exist_ok=True)
    export = _export(args.out, args.users, args.seed)
    env = {k: v for k, v in os.environ.items() if k != "MIGRATE_OCI_PASSWORD"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migrate",
            "sandbox",
            "broadworks",
            "serve",
            str(export),
            "--port",
            "0",
            "--latency-ms",
            str(args.latency_ms),
            "--user",
            "bench",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    disk = _run_child("disk", str(export), str(args.out / "ws-disk"))
    providers = ",".join(
        json.loads(line)["sp_id"]
        for line in (args.out / "ws-disk" / "inventory" / "service_providers.jsonl").open()
    )
    try:
        assert server.stdout is not None
        address = server.stdout.readline().strip()
        live = _run_child("live", str(export), str(args.out / "ws-live"), address, providers)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        json.dumps(
            {
                "bench": "extract-live",
                "users": args.users,
                "latency_ms": args.latency_ms,
                "concurrency": DEFAULT_CONCURRENCY,
                "max_rps": 0,
                "live_users": live["users"],
                "disk_users": disk["users"],
                "live_records": live["records"],
                "disk_records": disk["records"],
                "live_requests": live["requests"],
                "live_seconds": round(live["seconds"], 2),
                "disk_seconds": round(disk["seconds"], 2),
                "live_records_per_second": round(live["records"] / live["seconds"]),
                "disk_records_per_second": round(disk["records"] / disk["seconds"]),
                "live_requests_per_second": round(live["requests"] / live["seconds"]),
                "live_peak_rss_mb": round(live["peak_rss_mb"], 1),
            }
        )
    )


def _run_child(*args: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def _export(out: Path, users: int, seed: int) -> Path:
    export = out / f"synthetic-{users}-seed{seed}"
    manifest = export / "synthetic-manifest.json"
    if not manifest.exists():
        shutil.rmtree(export, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "migrate",
                "synthetic",
                str(export),
                "--users",
                str(users),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return export


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=3, help="rounds of floor and extract")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--child", nargs="+")
    parser.add_argument("--live", action="store_true", help="extract --from-oci vs disk")
    parser.add_argument("--latency-ms", type=float, default=5.0)
    args = parser.parse_args()
    if args.live and not args.child:
        if args.users == parser.get_default("users"):
            args.users = 2000
        _live(args)
        return
    if args.child:
        mode, *paths = args.child
        if mode == "iterparse":
            figures = _child_iterparse(Path(paths[0]))
        elif mode == "live":
            figures = _child_live(Path(paths[0]), Path(paths[1]), paths[2], paths[3])
        elif mode == "disk":
            figures = _child_disk(Path(paths[0]), Path(paths[1]))
        else:
            workers = int(paths[2]) if len(paths) > 2 else None
            figures = _child_extract(Path(paths[0]), Path(paths[1]), workers)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Parse workers are separate processes: their peak is reported too, not hidden.
        figures["worker_peak_rss_mb"] = (
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        )
        print(json.dumps(figures))
        return

    args.out.mkdir(parents=True, exist_ok=True)
    large = _export(args.out, args.users, args.seed)
    small = _export(args.out, args.small, args.seed) if args.small else None
    expected = json.loads((large / "synthetic-manifest.json").read_text())
    load_before = os.getloadavg()
    warmed = _warm(large)
    rounds: list[dict[str, dict[str, float]]] = []
    for _round in range(args.pairs):
        rounds.append(
            {
                "floor": _run_child("iterparse", str(large)),
                "extract": _run_child("extract", str(large), str(args.out / "ws-large")),
                "single": _run_child("extract", str(large), str(args.out / "ws-large"), "1"),
                "command": _command(large, args.out / "ws-command"),
            }
        )
    little = _run_child("extract", str(small), str(args.out / "ws-small")) if small else None
    load_after = os.getloadavg()
    big = rounds[-1]["extract"]
    counts = expected.get("counts", expected)

    def median(run: str, figure: str = "seconds") -> float:
        return round(statistics.median(r[run][figure] for r in rounds), 2)

    def ratio(run: str, figure: str = "seconds") -> float:
        return round(statistics.median(r[run][figure] / r["floor"][figure] for r in rounds), 2)

    cores = len(os.sched_getaffinity(0))

    def cpu_share(run: str) -> float:
        return round(
            statistics.median(
                r[run]["cpu_seconds"] / (cores * r["floor"]["cpu_seconds"]) for r in rounds
            ),
            2,
        )

    peak = max(r["extract"]["peak_rss_mb"] for r in rounds)
    summary: dict[str, Any] = {
        "bench": "extract",
        "users": args.users,
        "users_extracted": big["users"],
        "users_expected": counts.get("users"),
        "files": sum(1 for _path in large.rglob("*.xml")),
        "megabytes_warmed": round(warmed / 1e6),
        "rounds": args.pairs,
        "workers": cores,
        "iterparse_seconds": median("floor"),
        "extract_seconds": median("extract"),
        "extract_single_worker_seconds": median("single"),
        "command_seconds": median("command"),
        "ratio_to_iterparse": ratio("extract"),
        "single_worker_ratio_to_iterparse": ratio("single"),
        "command_ratio_to_iterparse": ratio("command"),
        "iterparse_cpu_seconds": median("floor", "cpu_seconds"),
        "extract_cpu_seconds": median("extract", "cpu_seconds"),
        "single_worker_cpu_seconds": median("single", "cpu_seconds"),
        "command_cpu_seconds": median("command", "cpu_seconds"),
        "cpu_share_of_floor": cpu_share("extract"),
        "command_cpu_share_of_floor": cpu_share("command"),
        "seconds_by_round": [{run: round(r[run]["seconds"], 2) for run in r} for r in rounds],
        "users_per_second": round(big["users"] / median("extract")),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_mb_small": round(little["peak_rss_mb"], 1) if little else None,
        "small_users": args.small,
        "rss_growth_small_to_large": (
            round(peak / little["peak_rss_mb"] - 1, 3) if little else None
        ),
        "worker_peak_rss_mb": round(max(r["extract"]["worker_peak_rss_mb"] for r in rounds), 1),
        "iterparse_peak_rss_mb": round(max(r["floor"]["peak_rss_mb"] for r in rounds), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "targets": {
            "ratio_to_iterparse": 1.0,
            "command_ratio_to_iterparse": 1.5,
            "peak_rss_mb": 300,
            "rss_growth_small_to_large": 0.2,
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
