"""Injected misbehaviour: latency, a token-bucket rate limit, 5xx, 423, timeouts, bad states.

Everything random draws from one seeded ``random.Random`` so a failing run can
be replayed. ``parse_fault_spec`` reads the command line's ``--faults`` text:

    latency=50,jitter=10,rate=6000,burst=20,5xx=0.02,timeout=0.01,locked=0.01,
    error=0.1,provisioned_with_errors=0.1,pending_rpl_review=0.05,
    pending_user_migration=0.05,retry_after=http-date,seed=7
"""

from __future__ import annotations

import math
import random
import re
import threading
from dataclasses import dataclass, field

from migrate.sandbox.clock import Clock

CUSTOMER_FAULT_STATES = ("error", "provisioned_with_errors", "pending_rpl_review")


@dataclass
class ScriptedFault:
    """A fault a test aims at specific requests: the next ``times`` matches get it.

    ``status`` is an HTTP status, or 0 for a timeout (no response at all).
    ``commit`` says whether the request takes effect before the fault hits,
    which is what makes a lost POST response ambiguous.
    """

    method: str
    path: str  # a regex matched against the path after /v1
    status: int
    times: int = 1
    retry_after: str | None = None
    commit: bool = False


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_limit_per_min: float | None = None
    burst: int | None = None
    retry_after_format: str = "seconds"  # or "http-date"
    error_5xx_rate: float = 0.0
    error_5xx_statuses: tuple[int, ...] = (500, 502, 503, 504)
    locked_rate: float = 0.0
    error_429_rate: float = 0.0  # 429 + Retry-After at random, whatever the bucket says
    timeout_rate: float = 0.0
    timeout_hang_s: float = 5.0  # how long a served sandbox holds a "timed out" request
    customer_state_rates: dict[str, float] = field(default_factory=dict)
    customer_state_by_external_id: dict[str, str] = field(default_factory=dict)
    pending_user_migration_rate: float = 0.0
    pending_user_migration_emails: set[str] = field(default_factory=set)
    seed: int = 0
    scripted: list[ScriptedFault] = field(default_factory=list)


_KEYS = {
    "latency",
    "jitter",
    "rate",
    "burst",
    "5xx",
    "429",
    "locked",
    "timeout",
    "hang",
    "retry_after",
    "seed",
    "pending_user_migration",
    *CUSTOMER_FAULT_STATES,
}


def parse_fault_spec(spec: str, base: FaultConfig | None = None) -> FaultConfig:
    """``key=value,...`` → FaultConfig; unknown keys are an error, not silently ignored."""
    config = base or FaultConfig()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in _KEYS:
            raise ValueError(f"bad fault {part!r}; known keys: {', '.join(sorted(_KEYS))}")
        value = value.strip()
        if key == "retry_after":
            if value not in ("seconds", "http-date"):
                raise ValueError("retry_after must be 'seconds' or 'http-date'")
            config.retry_after_format = value
        elif key == "seed":
            config.seed = int(value)
        elif key == "burst":
            config.burst = int(value)
        else:
            number = float(value)
            if number < 0:
                raise ValueError(f"fault {key} cannot be negative")
            if (
                key
                in ("5xx", "locked", "timeout", "pending_user_migration", *CUSTOMER_FAULT_STATES)
                and number > 1
            ):
                raise ValueError(f"fault {key} is a probability between 0 and 1")
            _set_number(config, key, number)
    return config


def _set_number(config: FaultConfig, key: str, number: float) -> None:
    if key == "latency":
        config.latency_ms = number
    elif key == "jitter":
        config.jitter_ms = number
    elif key == "rate":
        config.rate_limit_per_min = number or None
    elif key == "5xx":
        config.error_5xx_rate = number
    elif key == "locked":
        config.locked_rate = number
    elif key == "429":
        config.error_429_rate = number
    elif key == "timeout":
        config.timeout_rate = number
    elif key == "hang":
        config.timeout_hang_s = number
    elif key == "pending_user_migration":
        config.pending_user_migration_rate = number
    else:
        config.customer_state_rates[key] = number


class TokenBucket:
    """Refills ``per_min / 60`` tokens a second up to ``burst``; empty means 429."""

    def __init__(self, per_min: float, burst: int | None, clock: Clock) -> None:
        self.rate = per_min / 60.0
        self.capacity = float(burst if burst is not None else max(1, math.ceil(self.rate)))
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock.time()

    def take(self) -> float:
        """0.0 when a token was taken, else the seconds until one is available."""
        now = self.clock.time()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class Faults:
    """Decides, per request, which fault (if any) applies. Thread-safe."""

    def __init__(self, config: FaultConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.rng = random.Random(config.seed)
        self._lock = threading.Lock()
        self._buckets: dict[str, TokenBucket] = {}

    def latency_s(self) -> float:
        with self._lock:
            jitter = self.rng.uniform(-1, 1) * self.config.jitter_ms if self.config.jitter_ms else 0
        return max(0.0, self.config.latency_ms + jitter) / 1000.0

    def rate_limited(self, token: str) -> float:
        """Seconds to wait if this token's bucket is empty, else 0."""
        if not self.config.rate_limit_per_min:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(token)
            if bucket is None:
                bucket = TokenBucket(self.config.rate_limit_per_min, self.config.burst, self.clock)
                self._buckets[token] = bucket
            return bucket.take()

    def scripted(self, method: str, path: str) -> ScriptedFault | None:
        with self._lock:
            for fault in self.config.scripted:
                if (
                    fault.times > 0
                    and fault.method in (method, "*")
                    and re.fullmatch(fault.path, path)
                ):
                    fault.times -= 1
                    return fault
        return None

    def chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self.rng.random() < rate

    def pick_5xx(self) -> int:
        with self._lock:
            return self.rng.choice(self.config.error_5xx_statuses)

    def customer_final_status(self, external_id: str) -> str:
        forced = self.config.customer_state_by_external_id.get(external_id)
        if forced:
            return forced
        with self._lock:
            roll = self.rng.random()
        for state in CUSTOMER_FAULT_STATES:
            rate = self.config.customer_state_rates.get(state, 0.0)
            if roll < rate:
                return state
            roll -= rate
        return "provisioned"

    def subscriber_needs_consent(self, email: str) -> bool:
        if email.casefold() in {e.casefold() for e in self.config.pending_user_migration_emails}:
            return True
        return self.chance(self.config.pending_user_migration_rate)
