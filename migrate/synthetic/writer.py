"""The state of one service provider while it is written: counters, numbers, quirks."""

from __future__ import annotations

import random

from migrate.synthetic import data as d
from migrate.synthetic.counts import COUNT_KEYS, Stats
from migrate.synthetic.plans import ServiceProvider
from migrate.synthetic.sinks import DocumentWriter, Sink


class ProviderWriter:
    """One service provider while it is written: its plan, its random stream, the
    numbers and ids handed out so far, and what it added to the export."""

    def __init__(self, sink: Sink, plan: ServiceProvider) -> None:
        self.sink = sink
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.writer = DocumentWriter(sink, plan.index)
        self.counts: dict[str, int] = dict.fromkeys(COUNT_KEYS, 0)
        self.quirks: dict[str, int] = {}
        self.user_seq = 0
        self.device_seq = 0
        self.number_next: dict[str, int] = {}

    def quirk(self, name: str, n: int = 1) -> None:
        self.quirks[name] = self.quirks.get(name, 0) + n

    def stats(self) -> Stats:
        return Stats(
            counts=self.counts,
            quirks=self.quirks,
            documents=self.writer.documents,
            files=self.writer.files,
            bytes_written=self.writer.bytes_written,
        )

    def next_numbers(self, calling_code: str, n: int) -> list[str]:
        first = self.number_next[calling_code]
        self.number_next[calling_code] = first + n
        digits = d.NATIONAL_BASE[calling_code][1]
        return [str(first + i).zfill(digits) for i in range(n)]

    def extension(self, digits: int, g: int, i: int) -> str:
        if digits == 3:
            return str(100 + i)
        if digits == 4:
            return str(2000 + i)
        return f"8{g % 10}{1000 + i}"
