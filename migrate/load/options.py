"""How a load runs: concurrency, polling, the pause before a create is tried again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LoadOptions:
    concurrency: int = 8
    fail_fast: bool = False
    poll_interval: float = 2.0
    poll_max_interval: float = 30.0
    poll_timeout: float = 900.0
    backoff_s: float = 0.1  # first pause before a create is tried again
