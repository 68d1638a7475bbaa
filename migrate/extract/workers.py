"""Worker processes one command shares between its parse, its merge and its workbook.

Started on first use, one per core: an export small enough to be read in
this process never starts one, and a command that does start them pays for
the interpreters once, not once per step.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType


class Workers:
    """``with Workers() as workers: ... workers.pool() ...``"""

    def __init__(self, count: int | None = None) -> None:
        self.count = count if count is not None else len(os.sched_getaffinity(0))
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent holds a SQLite handle and maybe a zip handle.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.count, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
