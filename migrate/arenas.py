"""One malloc arena for the whole process, and its free memory given back, so its
peak memory follows its work.

glibc gives each thread that allocates a malloc arena of its own. A stage
that shares work with worker processes has threads of
``concurrent.futures`` in it that unpickle every result, so each result is
allocated in one arena and freed by the main thread into another: the
arenas' free space fragments and the process's resident memory creeps up
with the length of the run, not with what it holds. Mapping a platform of
100,000 users peaked at 93.6 MB with glibc's default and at 84.3 MB with
one arena. The threads here are few and mostly wait, so they never contend
for the one lock. Elsewhere (macOS, musl) there is nothing to set.

glibc keeps what is freed for later and hands back to the system only the
free top of the heap, and above a threshold that grows with the biggest
block ever freed. Work done a part at a time frees a part's worth between
parts; what few objects outlive each part are scattered over that space, so
without :func:`give_back` the resident memory of a long run keeps the
high-water mark of every part before, plus what pins it.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

# mallopt's parameter for the most arenas glibc may create (malloc.h).
_M_ARENA_MAX = -8


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)  # the C library this interpreter runs on
    except OSError:
        return None


def one_arena() -> bool:
    """Ask the C library for one malloc arena from now on; whether it agreed."""
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, 1))


@functools.cache
def _trim() -> Callable[[int], int] | None:
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = (ctypes.c_size_t,)
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def give_back() -> bool:
    """Hand the memory malloc holds free back to the system (a fraction of a
    millisecond); whether any was."""
    trim = _trim()
    return bool(trim(0)) if trim is not None else False
