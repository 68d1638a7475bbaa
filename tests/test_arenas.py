"""The CLI keeps its process to one malloc arena (glibc), whatever threads it starts."""

from __future__ import annotations

import ctypes
import subprocess
import sys

from migrate.arenas import give_back, one_arena

# Threads that allocate at once, each holding its blocks (above pymalloc's small
# objects, below mmap's threshold: arena memory); then glibc lists its arenas.
_PROGRAM = """
import ctypes, sys, threading
from migrate.arenas import give_back, one_arena
if sys.argv[1] == "one":
    assert one_arena()
barrier = threading.Barrier(4)
held = []
def allocate():
    barrier.wait()
    held.append([bytearray(8192) for _ in range(200)])
    barrier.wait()
threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()
"""


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, mode], capture_output=True, text=True, check=True
    )
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


def test_threads_share_one_arena_once_asked() -> None:
    if not hasattr(ctypes.CDLL(None), "malloc_stats"):  # not glibc: nothing to set
        assert one_arena() is False
        return
    assert _arenas("default") > 1  # the threads got arenas of their own
    assert _arenas("one") == 1
    assert one_arena() is True


# Blocks above pymalloc's small objects (malloc's heap), every hundredth kept
# so the free space lies between survivors, where glibc never trims on its own.
_SCATTERED = """
import sys
from migrate.arenas import give_back
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096
blocks = [bytearray(2000) for _ in range(40_000)]
kept = blocks[::100]
del blocks
before = resident()
given = give_back() if sys.argv[1] == "give" else False
print(before - resident(), given)
"""


def _freed(mode: str) -> tuple[int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", _SCATTERED, mode], capture_output=True, text=True, check=True
    )
    freed, given = done.stdout.split()
    return int(freed), given == "True"


def test_free_memory_between_survivors_goes_back_to_the_system() -> None:
    if not hasattr(ctypes.CDLL(None), "malloc_trim"):  # not glibc: nothing to give
        assert give_back() is False
        return
    kept_freed, _ = _freed("keep")
    given_freed, given = _freed("give")
    assert kept_freed < 8 << 20  # glibc alone keeps the ~80 MB it freed
    assert given and given_freed > 40 << 20
