"""How many requests a second the served sandbox sustains on loopback.

Starts ``migrate sandbox serve --port 0`` in a subprocess (so the load generator
does not share its interpreter) and runs one customer journey per customer: a
mix of creates (customer, numbers, subscribers) and reads (gets, filtered
lists), about half each. Three measurements:

* ``req_per_s``: the sandbox's capacity, driven by lean keep-alive
  ``http.client`` threads (no faults);
* ``client``: the same journey through the toolkit's async client;
* ``latency_50ms``: the client at concurrency 50 with 50 ms injected latency,
  to show latency is absorbed by concurrency rather than serialised.

Prints one JSON line.

    python bench/sandbox.py [--customers N] [--users U] [--threads T]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from migrate.webex import RetryPolicy, Webex

TOKEN = "bench-token"  # noqa: S105 - the sandbox accepts any token


def start_server(*extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrate", "sandbox", "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"sandbox did not start: {url!r}")
    return proc, url


def customer(ext: str) -> dict[str, Any]:
    address = {
        "addressLine1": "1 Bench Road",
        "city": "Milpitas",
        "stateOrProvince": "CA",
        "zipOrPostalCode": "95035",
        "country": "US",
    }
    return {
        "provisioningId": "bench",
        "packages": ["webex_calling"],
        "externalId": ext,
        "address": address,
        "customerInfo": {"name": ext, "primaryEmail": f"a@{ext}.example"},
        "provisioningParameters": {
            "calling": {
                "location": {
                    "name": "HQ",
                    "address": address,
                    "timezone": "America/Los_Angeles",
                    "language": "en_us",
                }
            }
        },
    }


async def one_customer(webex: Webex, index: int, users: int) -> int:
    """One customer's journey: 4 + 3*users requests, half of them reads."""
    ext = f"bench-{index:05d}"
    cid = await webex.wholesale.provision_customer(customer(ext))
    cust = await webex.wholesale.get_customer(cid)
    assert cust.org_id is not None
    locations = [loc async for loc in webex.calling.list_locations(cust.org_id)]
    numbers = [f"+1408{index:03d}{u:04d}" for u in range(users)]
    await webex.calling.add_numbers(cust.org_id, locations[0].id, numbers)
    for u, number in enumerate(numbers):
        sub = await webex.wholesale.provision_subscriber(
            {
                "customerId": cid,
                "email": f"u{u}@{ext}.example",
                "packages": ["webex_calling"],
                "provisioningParameters": {
                    "firstName": "U",
                    "lastName": str(u),
                    "primaryPhoneNumber": number,
                    "extension": f"{1000 + u}",
                    "locationId": locations[0].id,
                },
            }
        )
        await webex.wholesale.get_subscriber(sub.id)
        await webex.wholesale.find_subscriber(cid, f"u{u}@{ext}.example")
    return 4 + 3 * users


async def drive(url: str, customers: int, users: int, concurrency: int) -> dict[str, float]:
    gate = asyncio.Semaphore(concurrency)
    async with Webex(
        url, token=TOKEN, max_concurrency=concurrency, retry=RetryPolicy(max_attempts=1)
    ) as webex:

        async def run(i: int) -> int:
            async with gate:
                return await one_customer(webex, i, users)

        start = time.perf_counter()
        counts = await asyncio.gather(*(run(i) for i in range(customers)))
        elapsed = time.perf_counter() - start
    total = sum(counts)
    return {"requests": total, "seconds": round(elapsed, 3), "req_per_s": round(total / elapsed, 1)}


class Raw:
    """A keep-alive connection that speaks just enough of the API."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        self.count = 0

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, str]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, "/v1/" + path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        self.count += 1
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {raw[:200]!r}")
        return (
            response.status,
            json.loads(raw) if raw else None,
            (response.getheader("Location") or ""),
        )


def raw_journey(api: Raw, index: int, users: int) -> None:
    ext = f"raw-{index:05d}"
    _, _, location = api.call("POST", "wholesale/customers", customer(ext))
    cid = location.rsplit("/", 1)[1]
    _, cust, _ = api.call("GET", f"wholesale/customers/{cid}")
    org = cust["orgId"]
    _, locs, _ = api.call("GET", f"locations?orgId={org}")
    loc = locs["items"][0]["id"]
    numbers = [f"+1650{index:03d}{u:04d}" for u in range(users)]
    api.call(
        "POST", f"telephony/config/locations/{loc}/numbers?orgId={org}", {"phoneNumbers": numbers}
    )
    for u, number in enumerate(numbers):
        email = f"u{u}@{ext}.example"
        _, sub, _ = api.call(
            "POST",
            "wholesale/subscribers",
            {
                "customerId": cid,
                "email": email,
                "packages": ["webex_calling"],
                "provisioningParameters": {
                    "primaryPhoneNumber": number,
                    "extension": f"{1000 + u}",
                    "locationId": loc,
                },
            },
        )
        api.call("GET", f"wholesale/subscribers/{sub['id']}")
        api.call("GET", f"wholesale/subscribers?customerId={cid}&email={email}")


def measure_raw(customers: int, users: int, threads: int) -> dict[str, float]:
    proc, url = start_server()
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker(first: int) -> None:
        api = Raw(url)
        try:
            for index in range(first, customers, threads):
                raw_journey(api, index, users)
        except BaseException as err:  # reported below; a thread must not die silently
            errors.append(err)
        counts.append(api.count)

    try:
        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        start = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if errors:
        raise SystemExit(f"bench failed: {errors[0]}")
    total = sum(counts)
    return {"requests": total, "seconds": round(elapsed, 3), "req_per_s": round(total / elapsed, 1)}


def measure(customers: int, users: int, concurrency: int, *extra: str) -> dict[str, float]:
    proc, url = start_server(*extra)
    try:
        return asyncio.run(drive(url, customers, users, concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency-concurrency", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    raw = measure_raw(args.customers, args.users, args.threads)
    plain = measure(args.customers, args.users, args.concurrency)
    latency = measure(args.customers, args.users, args.latency_concurrency, "--latency-ms", "50")
    print(
        json.dumps(
            {
                "bench": "sandbox",
                "mix": "create customer+numbers+subscribers, get, list (~50% reads)",
                "customers": args.customers,
                "users_per_customer": args.users,
                "req_per_s": raw["req_per_s"],
                "raw_http": {"threads": args.threads, **raw},
                "client": {"concurrency": args.concurrency, **plain},
                "latency_50ms": {"concurrency": args.latency_concurrency, **latency},
            }
        )
    )


if __name__ == "__main__":
    main()
