"""What every stage returns, and how it reports progress."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from migrate.errors import ExitCode

Advance = Callable[[int], None]
# Called with a label and the amount of work; the context it returns yields the
# function the stage calls with each step done. The CLI draws a bar with it.
Progress = Callable[[str, int], AbstractContextManager[Advance]]


class StageResult(Protocol):
    @property
    def exit_code(self) -> ExitCode: ...

    @property
    def error(self) -> str | None:
        """Why the stage stopped short (``exit_code`` says how), after writing what it could."""

    def to_dict(self) -> dict[str, Any]: ...


def _ignore(done: int) -> None:
    del done


def progress_or_quiet(
    progress: Progress | None, label: str, total: int
) -> AbstractContextManager[Advance]:
    if progress is None:
        return nullcontext(_ignore)
    return progress(label, total)
