"""The client's pacer against a simulated token bucket: it learns the limit from 429s."""

from __future__ import annotations

import asyncio
import random

from migrate.webex.pacing import Pacer


def simulate(
    limit: float,
    demand: float,
    seconds: float,
    burst: float,
    *,
    noise: float = 0.0,
    hold: float = 0.0,
    seed: int = 1,
) -> tuple[int, int, float]:
    """Requests offered at ``demand``/s to a bucket refilling ``limit``/s; returns
    (successes, 429s, the pacer's final rate). ``noise`` is a share of 429s the server
    sends whatever the rate. ``hold`` is the Retry-After every request waits out when the
    pacer says so; with 0 a 429 just costs its slot."""
    pacer = Pacer()
    rng = random.Random(seed)
    clock = {"now": 0.0}
    tokens = burst

    async def sleep(seconds: float) -> None:
        clock["now"] += seconds

    async def run() -> tuple[int, int]:
        nonlocal tokens
        ok = refused = 0
        last = 0.0
        resume = 0.0
        while clock["now"] < seconds:
            clock["now"] = max(clock["now"], resume)
            await pacer.wait(clock["now"], sleep)
            now = clock["now"]
            tokens = min(burst, tokens + (now - last) * limit)
            last = now
            if rng.random() >= noise and tokens >= 1:
                tokens -= 1
                ok += 1
                pacer.succeeded(now)
            else:
                refused += 1
                if pacer.throttled(now):
                    resume = now + hold
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


def test_random_429s_neither_slow_the_pace_nor_hold_everyone() -> None:
    """5 % of answers are 429s whatever the rate: each costs its own request, no more."""
    for seed in (1, 2, 3):
        ok, refused, rate = simulate(
            limit=1e9, demand=200, seconds=60, burst=1e9, noise=0.05, hold=1.0, seed=seed
        )
        assert 0.03 <= refused / (ok + refused) <= 0.07  # the noise really was there
        assert ok / 60 >= 0.9 * 0.95 * 200, (seed, ok, refused)
        assert rate == 0.0  # never paced: nothing said the rate was to blame


def test_a_limit_is_still_found_under_random_429s() -> None:
    for seed in (1, 2, 3):
        ok, refused, rate = simulate(
            limit=100, demand=400, seconds=60, burst=100, noise=0.05, hold=1.0, seed=seed
        )
        assert ok / 60 >= 0.75 * 100, (seed, ok, refused, rate)
        assert refused / (ok + refused) <= 0.05 + 0.03, (seed, ok, refused)


def test_with_retry_after_holds_the_limit_is_used_and_refusals_stay_rare() -> None:
    ok, refused, rate = simulate(limit=100, demand=400, seconds=60, burst=100, hold=1.0)
    assert refused / (ok + refused) <= 0.02, (ok, refused)
    assert ok / 60 >= 0.9 * 100
    assert 80 <= rate <= 130


def test_a_lone_429_says_hold_but_noise_among_many_answers_does_not() -> None:
    pacer = Pacer()
    assert pacer.throttled(0.0) is True  # nothing known: assume the token's limit
    for i in range(99):
        pacer.succeeded(0.01 * (i + 1))
    assert pacer.throttled(1.0) is False  # 2 of 101 refused: noise
    assert pacer.rate is None
