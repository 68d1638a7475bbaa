"""The client under random 429s: each refused request waits its own Retry-After, the others
go on, and the pace is not cut for what the rate did not cause."""

from __future__ import annotations

import asyncio
from collections import Counter

from migrate.sandbox import Sandbox, SandboxConfig, parse_fault_spec
from tests.webex_helpers import Sleeps, fast_retry, in_process, run


def test_random_429s_cost_their_own_retry_after_and_nothing_more() -> None:
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("seed=5")))
    # Records waits without waiting, so time stands still: one hold of everyone would
    # show as a wait for every request sent after it.
    sleeps = Sleeps()

    async def go() -> tuple[int, float | None]:
        async with in_process(
            sandbox, sleep=sleeps, retry=fast_retry(max_throttled_attempts=10)
        ) as webex:

            async def reads(n: int) -> None:
                for _ in range(n):
                    [c async for c in webex.wholesale.list_customers()]

            await reads(40)  # answers enough to tell noise from a limit
            sandbox.faults.error_429_rate = 0.05
            await asyncio.gather(*(reads(45) for _ in range(8)))  # 360 reads, 8 at a time
            return webex.client.throttled, webex.client.pace

    throttled, rate = run(go())
    log = Counter(status for _m, _p, status in sandbox.app.request_log)
    assert log[200] == 400 and log[429] == throttled
    assert 6 <= throttled <= 40  # about 5 % of ~380 requests
    assert sleeps.waits == [1.0] * throttled  # each 429's own Retry-After, nothing else
    assert rate is None  # never paced
