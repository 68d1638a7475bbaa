"""Pacing learnt from 429s: slow down to the rate Webex accepts instead of hammering it.

Webex publishes no numeric rate limit, so the client cannot know it in
advance. Until the first 429 it sends as fast as its concurrency allows.
After one, it paces itself at the rate that was actually getting through
(successes in the last second, less a margin), cuts that rate again on
each further throttling episode (several 429s from one burst count once),
and creeps back up by a percent a second while nothing is refused —
additive increase, multiplicative decrease, as TCP does with a congested
link. Honouring ``Retry-After`` still happens in the client; pacing keeps
the next 429 from coming.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

MARGIN = 0.9  # first pace: this share of what got through before the 429
DECREASE = 0.9  # each later episode
INCREASE_PER_S = 0.01  # creeping back up while nothing is refused
EPISODE_S = 1.0  # 429s closer together than this are one episode
MIN_EVIDENCE = 5  # successes in the last second needed to learn a rate


class Pacer:
    def __init__(self) -> None:
        self.rate: float | None = None  # requests per second; None: not pacing
        self._next = 0.0
        self._successes: deque[float] = deque()
        self._last_throttle = -1e9
        self._last_raise = 0.0

    async def wait(self, now: float, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Take the next send slot, sleeping until it comes when pacing."""
        if self.rate is None:
            return
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate
        if slot > now:
            await sleep(slot - now)

    def succeeded(self, now: float) -> None:
        self._successes.append(now)
        while self._successes and self._successes[0] < now - 1.0:
            self._successes.popleft()
        if self.rate is not None and now - self._last_throttle > EPISODE_S:
            elapsed = now - max(self._last_raise, self._last_throttle)
            if elapsed > 0:
                self.rate *= (1.0 + INCREASE_PER_S) ** elapsed
                self._last_raise = now

    def throttled(self, now: float) -> None:
        if now - self._last_throttle < EPISODE_S:
            return  # the same burst, already answered
        if self.rate is None:
            recent = sum(1 for t in self._successes if t >= now - 1.0)
            if recent < MIN_EVIDENCE:
                return  # a lone 429: Retry-After is answer enough, nothing to learn a rate from
            self.rate = recent * MARGIN
        else:
            self.rate = max(1.0, self.rate * DECREASE)
        self._last_throttle = now
        self._next = max(self._next, now)
