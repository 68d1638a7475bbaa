"""The client's pacer against a simulated token bucket: it learns the limit from 429s."""

from __future__ import annotations

import asyncio

from migrate.webex.pacing import Pacer


def simulate(limit: float, demand: float, seconds: float, burst: float) -> tuple[int, int, float]:
    """Requests offered at ``demand``/s to a bucket refilling ``limit``/s; returns
    (successes, 429s, the pacer's final rate). Retry-After holds are the client's, not
    the pacer's, so a 429 here just costs its slot."""
    pacer = Pacer()
    clock = {"now": 0.0}
    tokens = burst

    async def sleep(seconds: float) -> None:
        clock["now"] += seconds

    async def run() -> tuple[int, int]:
        nonlocal tokens
        ok = refused = 0
        last = 0.0
        while clock["now"] < seconds:
            await pacer.wait(clock["now"], sleep)
            now = clock["now"]
            tokens = min(burst, tokens + (now - last) * limit)
            last = now
            if tokens >= 1:
                tokens -= 1
                ok += 1
                pacer.succeeded(now)
            else:
                refused += 1
                pacer.throttled(now)
            clock["now"] += 1.0 / demand  # the offered load, when nothing holds it back
        return ok, refused

    ok, refused = asyncio.run(run())
    return ok, refused, pacer.rate or 0.0


def test_pacing_converges_below_two_percent_refusals_near_the_limit() -> None:
    ok, refused, rate = simulate(limit=100, demand=400, seconds=60, burst=100)
    assert refused / (ok + refused) <= 0.02, (ok, refused)
    assert ok / 60 >= 0.9 * 100  # sustained at least 90 % of the limit
    assert 80 <= rate <= 115


def test_no_pacing_without_evidence_or_without_429s() -> None:
    pacer = Pacer()
    pacer.throttled(0.0)  # a lone 429 at start-up: nothing to learn from
    assert pacer.rate is None
    ok, refused, rate = simulate(limit=1000, demand=100, seconds=5, burst=1000)
    assert ok > 400
    assert refused == 0 and rate == 0.0
