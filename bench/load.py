"""Load benchmark: one JSON line with two runs on the served sandbox.

(a) 50 ms latency, no rate limit, 2,000 subscribers in 100 customers: the
    loader's request throughput as a fraction of the ideal
    ``concurrency / latency`` (target ≥ 0.9, call settings included), and its speed-up over
    ``--concurrency 1`` measured in the same run (on the first customers).
(b) a rate limit of 6,000 requests per minute: the sustained request rate as
    a fraction of the limit (target ≥ 0.9), 429 answers as a share of all
    requests (target ≤ 2 %), and failed actions (target 0).
(c) the same plan with 5 % of answers 429s at random (``--faults 429=0.05``)
    against none, same latency as (a): runs alternate (clean, faulted, clean,
    ...) so that the machine's drift hits both alike, and the medians' ratio is
    printed (target ≤ 1.5). With ``--faulted-rate-limit`` both sides also have
    (b)'s rate limit, which is where pacing and random 429s meet.

The loader runs as the real command (`migrate load`) in its own process; the
sandbox is `migrate sandbox serve` in another. The model is written directly
(100 customers of 20 users each, each user with three person features:
forwarding, do not disturb, call waiting; ``--settings 0`` for none), so the
figures measure the loader alone.

    python bench/load.py [--customers 100] [--users 20] [--concurrency 20] [--faulted-runs 3]
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
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from sandbox import start_server  # bench helpers beside this file

from migrate import inventory
from migrate.plan import model as wm

TOKEN = "bench-token"  # noqa: S105 - the sandbox accepts any token


# Person features a bench user carries (BroadWorks forwarding, DND, call waiting).
SETTINGS: list[tuple[str, dict[str, Any]]] = [
    (
        "callForwarding",
        {"callForwarding": {"always": {"enabled": True, "destination": "+14085550100"}}},
    ),
    ("doNotDisturb", {"enabled": False, "ringSplashEnabled": True}),
    ("callWaiting", {"enabled": False}),
]


def write_model(workspace: Path, customers: int, users: int, settings: int = 0) -> None:
    """A model of ``customers`` single-site customers with ``users`` subscribers each,
    each with its first ``settings`` person features."""
    folder = wm.model_dir(workspace)
    folder.mkdir(parents=True)
    rows: dict[str, list[dict[str, Any]]] = {e: [] for e in wm.ENTITIES}
    for c in range(customers):
        cid = f"bench{c:03d}"
        address = wm.Address("1 Bench Road", None, "Milpitas", "CA", "95035", "US")
        location = f"{cid}/site"
        rows["customers"].append(
            wm.to_record(
                wm.Customer(
                    id=cid,
                    bw_key={"sp_id": cid},
                    level="enterprise",
                    name=f"Bench {c}",
                    external_id=cid,
                    primary_email=f"u0@{cid}.example",
                    administrator=f"u0@{cid}",
                    language="en_US",
                    address=address,
                    packages=["webex_calling"],
                    primary_location=location,
                    provisioning_id="YmVuY2g",
                )
            )
        )
        rows["locations"].append(
            wm.to_record(
                wm.Location(
                    id=location,
                    customer_id=cid,
                    bw_key={"sp_id": cid, "group_id": "site"},
                    name=f"Bench {c} HQ",
                    is_primary=True,
                    address=address,
                    time_zone="America/Los_Angeles",
                    language="en_US",
                )
            )
        )
        for u in range(users):
            number = f"+1408{c:03d}{u:04d}"
            rows["subscribers"].append(
                wm.to_record(
                    wm.Subscriber(
                        id=f"u{u}@{cid}",
                        customer_id=cid,
                        location_id=location,
                        bw_key={"user_id": f"u{u}@{cid}"},
                        first_name="Bench",
                        last_name=f"User{u}",
                        email=f"u{u}@{cid}.example",
                        package="webex_calling",
                        phone_number=number,
                        extension=f"{1000 + u}",
                        is_admin=u == 0,
                    )
                )
            )
            for feature, body in SETTINGS[:settings]:
                rows["person_settings"].append(
                    wm.to_record(
                        wm.PersonSetting(
                            id=f"u{u}@{cid}/{feature}",
                            subscriber_id=f"u{u}@{cid}",
                            customer_id=cid,
                            feature=feature,
                            decision="migrate",
                            webex=body,
                        )
                    )
                )
            rows["numbers"].append(
                wm.to_record(
                    wm.Number(
                        id=number,
                        customer_id=cid,
                        location_id=location,
                        bw_key={"dn": number},
                        phone_number=number,
                        assigned_to=f"u{u}@{cid}",
                        assignment="subscriber",
                    )
                )
            )
    for entity, records in rows.items():
        inventory.write_jsonl(folder / f"{entity}.jsonl", records)


def serve(*extra: str) -> tuple[subprocess.Popen[str], str]:
    return start_server(*extra)


def migrate(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "migrate", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "WEBEX_ACCESS_TOKEN": TOKEN},
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"migrate {args[0]} failed: {out.stderr.strip()}")
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"migrate {args[0]} printed nothing: {out.stderr.strip()}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def one_load(
    base: Path, name: str, url: str, concurrency: int, batch: int | None = None
) -> dict[str, Any]:
    workspace = base / name
    shutil.copytree(base / "template", workspace)
    args = [
        "load",
        "-w",
        str(workspace),
        "--reports",
        str(base / f"{name}-reports"),
        "--api-url",
        url,
        "--concurrency",
        str(concurrency),
        "--poll-interval",
        "0.05",
    ]
    if batch:
        args += ["--batch-size", str(batch)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = migrate(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The loader's whole process (start-up and reports included), user + system.
    result["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def faulted_vs_clean(
    base: Path, runs: int, concurrency: int, server_args: list[str]
) -> dict[str, Any]:
    """Alternating clean and faulted loads of the same plan; medians of their times."""
    seconds: dict[str, list[float]] = {"clean": [], "faulted": []}
    throttled: list[int] = []
    failed = 0
    for i in range(runs):
        for kind in ("clean", "faulted"):
            faults = f"429=0.05,seed={i + 1}" if kind == "faulted" else f"seed={i + 1}"
            server, url = serve(*server_args, "--faults", faults)
            try:
                result = one_load(base, f"c-{kind}-{i}", url, concurrency)
            finally:
                server.terminate()
                server.wait(timeout=30)
            seconds[kind].append(result["seconds"])
            failed += result["counts"]["failed"]
            if kind == "faulted":
                throttled.append(result.get("throttled", 0))
    clean = statistics.median(seconds["clean"])
    faulted = statistics.median(seconds["faulted"])
    return {
        "c_runs_each": runs,
        "c_clean_seconds": [round(x, 2) for x in seconds["clean"]],
        "c_faulted_seconds": [round(x, 2) for x in seconds["faulted"]],
        "c_faulted_429s": throttled,
        "c_clean_median_s": round(clean, 2),
        "c_faulted_median_s": round(faulted, 2),
        "c_ratio": round(faulted / clean, 3),
        "c_failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate-per-min", type=float, default=6000.0)
    parser.add_argument("--faulted-runs", type=int, default=3, help="(c) runs of each kind")
    parser.add_argument(
        "--faulted-rate-limit", action="store_true", help="(c) with (b)'s rate limit too"
    )
    parser.add_argument("--only", choices=("a", "b", "c"), default=None)
    parser.add_argument(
        "--settings", type=int, default=len(SETTINGS), help="person features per user (0-3)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        base = Path(scratch)
        write_model(base / "template", args.customers, args.users, args.settings)
        plan = migrate(
            "plan", "-w", str(base / "template"), "--reports", str(base / "plan-reports")
        )
        latency = args.latency_ms / 1000.0
        out: dict[str, Any] = {
            "bench": "load",
            "actions": sum(v for k, v in plan["counts"].items() if k != "left_alone"),
            "settings_actions": plan["counts"].get("apply_person_settings", 0),
        }
        targets: dict[str, float] = {}

        if args.only in (None, "a"):
            server, url = serve("--latency-ms", str(args.latency_ms))
            try:
                fast = one_load(base, "a", url, args.concurrency)
                slow = one_load(base, "a1", url, 1, batch=max(1, args.customers // 20))
            finally:
                server.terminate()
                server.wait(timeout=30)
            rate_a = fast["requests"] / fast["seconds"]
            rate_1 = slow["requests"] / slow["seconds"]
            out |= {
                "a_concurrency": args.concurrency,
                "a_latency_ms": args.latency_ms,
                "a_requests": fast["requests"],
                "a_requests_per_user": round(fast["requests"] / (args.customers * args.users), 2),
                "a_seconds": round(fast["seconds"], 2),
                "a_req_per_s": round(rate_a, 1),
                "a_ideal_req_per_s": round(args.concurrency / latency, 1),
                "a_fraction_of_ideal": round(rate_a / (args.concurrency / latency), 3),
                "a_failed": fast["counts"]["failed"],
                "a_loader_cpu_s": round(fast["cpu_s"], 2),
                "a_loader_cpu_ms_per_request": round(1000 * fast["cpu_s"] / fast["requests"], 3),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "a_concurrency1_req_per_s": round(rate_1, 1),
                "a_speedup_over_concurrency1": round(rate_a / rate_1, 1),
            }
            targets["a_fraction_of_ideal"] = 0.9

        if args.only in (None, "b"):
            server, url = serve("--rate-limit", str(args.rate_per_min), "--faults", "seed=1")
            try:
                limited = one_load(base, "b", url, args.concurrency)
            finally:
                server.terminate()
                server.wait(timeout=30)
            sent = limited["requests"]
            throttled = limited.get("throttled", 0)
            rate_b = (sent - throttled) / limited["seconds"]
            out |= {
                "b_limit_req_per_s": round(args.rate_per_min / 60, 1),
                "b_requests": sent,
                "b_throttled_429": throttled,
                "b_429_share": round(throttled / sent, 4) if sent else None,
                "b_seconds": round(limited["seconds"], 2),
                "b_req_per_s": round(rate_b, 1),
                "b_fraction_of_limit": round(rate_b / (args.rate_per_min / 60), 3),
                "b_failed": limited["counts"]["failed"],
            }
            targets |= {"b_fraction_of_limit": 0.9, "b_429_share": 0.02, "b_failed": 0}

        if args.only in (None, "c"):
            server_args = ["--latency-ms", str(args.latency_ms)]
            if args.faulted_rate_limit:
                server_args += ["--rate-limit", str(args.rate_per_min)]
            out |= {"c_latency_ms": args.latency_ms, "c_rate_limited": args.faulted_rate_limit}
            out |= faulted_vs_clean(base, args.faulted_runs, args.concurrency, server_args)
            targets |= {"c_ratio": 1.5, "c_failed": 0}

        out["targets"] = targets
        print(json.dumps(out))


if __name__ == "__main__":
    main()
