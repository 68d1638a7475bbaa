"""Pacing from the server's answers: send at the rate Webex accepts, not below it.

Webex publishes no numeric rate limit, so the client cannot know it in
advance. Until the limit shows it sends as fast as its concurrency allows.
The evidence is the share of recent answers that were 429s: past a rate
limit that share climbs fast (a token bucket refuses everything above its
refill rate), while 429s that come whatever the rate — another client on
the same token, a busy backend — stay a small, steady share. Only the first
kind says anything about the rate:

* over the limit (a large share refused), the pace becomes the rate the
  server actually accepted in the last moments, less a small margin. It is
  set from that measurement each time, never cut from its own previous
  value, so a run of 429s cannot ratchet it down;
* a small share refused is noise: the refused request waits out its own
  ``Retry-After`` (the client does that) and the pace stands;
* while nothing is over the limit, the pace creeps back up so that a pace
  learnt in a bad moment does not stay forever.

The client also asks the pacer whether one 429 should hold back every other
request until ``Retry-After`` passes: yes when the limit is the likely cause
(or when there is too little evidence to tell), no when the 429 is noise.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

MARGIN = 0.95  # pace at this share of what the server accepted when over the limit
OVER_SHARE = 0.2  # refused share that means "over the limit" before anything is known
SLACK = 0.03  # once the steady share is known, over 1.5 times it plus this is "over the limit"
EVIDENCE = 100  # recent answers the share is taken over
MIN_EVIDENCE = 20  # fewer answers than this tell nothing
EVIDENCE_S = 30.0  # ... and none older than this
RATE_WINDOW_S = 1.0  # accepted rate measured over this, when nothing better is known
MIN_SATURATED_S = 0.5  # a saturated stretch this long measures the refill rate
INCREASE_PER_S = 0.01  # creeping back up while not over the limit
EPISODE_S = 1.0  # one cut per this long: 429s of one burst count once


class Pacer:
    def __init__(self) -> None:
        self.rate: float | None = None  # requests per second; None: not pacing
        self._next = 0.0
        self._answers: deque[tuple[float, bool]] = deque()  # (when, refused)
        self._last_cut = -1e9
        self._last_raise = 0.0
        self._successes: deque[float] = deque()
        # The share of 429s that stays when the pace is surely under the limit (just after
        # a cut): noise the pace cannot remove. None until measured.
        self.steady_share: float | None = None
        self._measuring = False
        self._since_cut = 0  # answers to requests sent at the current pace

    async def wait(self, now: float, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Take the next send slot, sleeping until it comes when pacing."""
        if self.rate is None:
            return
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate
        if slot > now:
            await sleep(slot - now)

    def _record(self, now: float, refused: bool) -> None:
        self._answers.append((now, refused))
        self._since_cut += 1
        if not refused:
            self._successes.append(now)
            while self._successes and self._successes[0] < now - EVIDENCE_S:
                self._successes.popleft()
        horizon = now - max(EVIDENCE_S, RATE_WINDOW_S)
        while self._answers and (
            len(self._answers) > EVIDENCE * 8 or self._answers[0][0] < horizon
        ):
            self._answers.popleft()

    def refused_share(self, now: float) -> float | None:
        """Share of the recent answers that were 429s; None without enough of them.

        Only answers since the last cut count: those before it judge the old pace."""
        count = min(EVIDENCE, self._since_cut)
        recent = [r for t, r in list(self._answers)[-count:] if t >= now - EVIDENCE_S]
        if len(recent) < MIN_EVIDENCE:
            return None
        return sum(recent) / len(recent)

    def accepted_rate(self, now: float, over: float) -> float | None:
        """Successes per second while the server refused more than ``over``: a token bucket
        is empty all that stretch, so what got through is exactly its refill rate."""
        start: float | None = None
        ok = refused = accepted = 0
        since_cut = list(self._answers)[-self._since_cut :] if self._since_cut else []
        later = now
        for t, was_refused in reversed(since_cut):
            if later - t > MIN_SATURATED_S:
                break  # a hold: before it, the bucket was saving up, not refilling
            later = t
            refused += was_refused
            ok += not was_refused
            if ok + refused >= MIN_EVIDENCE and refused / (ok + refused) >= over:
                start, accepted = t, ok
        if start is not None and now - start >= MIN_SATURATED_S:
            return accepted / (now - start)
        if self.rate is not None:
            return None  # too short to measure: keep the pace until it is long enough
        # Nothing known yet and flooding: wall-clock time, holds included, so that a
        # burst paid out after a hold counts against the hold that saved it up.
        ok = sum(1 for t in self._successes if t > now - RATE_WINDOW_S)
        return ok / RATE_WINDOW_S

    def _learn_steady_share(self) -> None:
        """Once the pace set by a cut has EVIDENCE answers, their refused share is noise."""
        if not self._measuring or self._since_cut < EVIDENCE:
            return
        self._measuring = False
        recent = list(self._answers)[-EVIDENCE:]
        self.steady_share = sum(r for _, r in recent) / len(recent)

    def over_share(self) -> float:
        """The refused share above which the pace, not noise, is to blame."""
        if self.steady_share is None:
            return OVER_SHARE
        return min(OVER_SHARE, self.steady_share * 1.5 + SLACK)

    def succeeded(self, now: float) -> None:
        self._record(now, False)
        self._learn_steady_share()
        if self.rate is not None and now - self._last_cut > EPISODE_S:
            elapsed = now - max(self._last_raise, self._last_cut)
            if elapsed > 0:
                self.rate *= (1.0 + INCREASE_PER_S) ** elapsed
                self._last_raise = now

    def throttled(self, now: float) -> bool:
        """Record a 429; True when every request should hold back for its Retry-After."""
        self._record(now, True)
        self._learn_steady_share()
        share = self.refused_share(now)
        if share is None:
            if self.rate is None:
                return True  # too little to tell noise from a limit: assume the limit
            # The pace is new: 429s of the burst that forced it hold everything, later
            # ones wait alone until the new pace has answers enough to judge it.
            return now - self._last_cut < EPISODE_S
        over = self.over_share()
        if share < over:
            return False  # noise: the refused request waits, the others go on
        accepted = self.accepted_rate(now, over) if now - self._last_cut >= EPISODE_S else None
        if accepted is not None:
            self.rate = max(1.0, accepted * MARGIN)
            self._last_cut = now
            self._next = max(self._next, now)
            self._since_cut = 0
            self._measuring = True
        return True
