"""Work on the parts of a map, shared between this process and one worker.

Both passes and the review of a platform mapped by service provider do
each part on its own: each part is done here or in the worker (whichever is free;
a function of paths and small values, so no model crosses the pipe), and the
results are taken in part order, so what depends on the order (the first
part's record wins) is as if one process had done every part. At most
``WINDOW`` parts wait for the worker and at most ``AHEAD`` results wait to be
taken: memory stays a few parts' worth, however big the platform, and what
malloc holds free once a result is taken goes back to the system
(``arenas.give_back``), or the long run's scattered survivors would keep it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from migrate.arenas import give_back
from migrate.extract.workers import Workers

R = TypeVar("R")
WINDOW = 3  # parts handed to the worker and not yet done
AHEAD = 5  # results done and not yet taken


def part_workers() -> Workers | None:
    """One worker, where there is a second core (started by its first part)."""
    if len(os.sched_getaffinity(0)) < 2:
        return None
    return Workers(1)


def in_order(
    function: Callable[..., R], calls: Iterable[tuple[Any, ...]], workers: Workers | None
) -> Iterator[R]:
    """``function(*call)`` for each of ``calls``, here or in ``workers``, in order.

    A failure in either process is raised here, as it was raised, in its call's turn:
    the first call's that fails, as if one process had made them all."""
    pending: deque[tuple[bool, Future[R]]] = deque()  # (in the worker, its result)
    for call in calls:
        while pending and pending[0][1].done():
            yield pending.popleft()[1].result()
            give_back()  # what that part held, before the next is read
        if workers is not None and sum(remote for remote, _ in pending) < WINDOW:
            pending.append((True, workers.pool().submit(function, *call)))
        else:
            here: Future[R] = Future()
            try:
                here.set_result(function(*call))
            except Exception as err:  # raised in its turn, as the worker's are
                here.set_exception(err)
            pending.append((False, here))
        while len(pending) > AHEAD:
            yield pending.popleft()[1].result()
            give_back()
    while pending:
        yield pending.popleft()[1].result()
        give_back()
