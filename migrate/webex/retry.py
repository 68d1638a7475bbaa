"""When and how long to wait before trying a request again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """Caps are per request. 429/423 have their own, larger cap: waiting them out is the
    documented behaviour and repeats nothing; 5xx and timeouts may mean real trouble."""

    max_attempts: int = 4  # 5xx, timeouts, dropped connections (safe requests only)
    max_throttled_attempts: int = 10  # 429 and 423
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    default_retry_after: float = 5.0  # wxc_sdk's default when 429 has no Retry-After
    max_retry_after: float = 60.0  # never park a request longer than this per wait
    # Added (never subtracted) to a Retry-After wait, so that requests throttled together
    # do not all come back in the same instant and drain the bucket again at once. Only
    # when every request was held: a lone 429 (noise) comes back alone anyway.
    throttle_jitter: float = 0.25

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**(attempt-1))]."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** max(0, attempt - 1)))
        return rng.uniform(0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``Retry-After``: delta-seconds or an HTTP-date (RFC 9110)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
