"""Precheck benchmark: 10,000 subscribers validated against the served sandbox
with 50 ms latency; prints one JSON line (target: under 60 s).

    python bench/precheck.py [--customers 500] [--users 20] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from load import migrate, serve, write_model  # bench helpers beside this file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-precheck-") as scratch:
        workspace = Path(scratch) / "w"
        write_model(workspace, args.customers, args.users)
        config = Path(scratch) / "migrate.toml"
        config.write_text('provisioning_id = "YmVuY2g"\n')
        server, url = serve("--latency-ms", str(args.latency_ms))
        try:
            started = time.perf_counter()
            result = migrate(
                "precheck",
                "-w",
                str(workspace),
                "--reports",
                str(Path(scratch) / "r"),
                "--config",
                str(config),
                "--api-url",
                url,
                "--concurrency",
                str(args.concurrency),
            )
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        json.dumps(
            {
                "bench": "precheck",
                "subscribers": result["checked"]["subscribers"],
                "customers": result["checked"]["customers"],
                "latency_ms": args.latency_ms,
                "concurrency": args.concurrency,
                "validate_calls": result["remote_calls"],
                "validate_seconds": result["seconds"],
                "wall_seconds": round(wall, 2),
                "calls_per_second": round(result["remote_calls"] / result["seconds"], 1),
                "blockers": result["blockers"],
                "target_seconds": 60,
            }
        )
    )


if __name__ == "__main__":
    main()
