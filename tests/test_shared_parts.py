"""Pass two and the review of a map by parts are shared by this process and a worker:
the same model and workbooks, and a failure in the worker is the stage's one-line error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from migrate.errors import WorkspaceError
from migrate.extract.workers import Workers
from migrate.mapping import shared_parts
from migrate.mapping.shared_parts import in_order
from migrate.stages.map import run_map
from tests.test_map_by_provider import _cells, _config, platform
from tests.test_map_fixtures import write_inventory


def _two_cores(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two cores whatever the machine has; the first argument of each task handed to
    the worker (the workspace to fingerprint, a part's folder or spill file)."""
    monkeypatch.setattr(shared_parts.os, "sched_getaffinity", lambda _pid: {0, 1})
    submitted: list[Path] = []
    real = Workers.pool

    class Recording:
        def __init__(self, pool: Any) -> None:
            self._pool = pool

        def submit(self, function: Any, *args: Any) -> Any:
            submitted.append(args[0])
            return self._pool.submit(function, *args)

    monkeypatch.setattr(Workers, "pool", lambda self: Recording(real(self)))
    return submitted


def test_the_worker_writes_the_workbooks_this_process_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = write_inventory(tmp_path / "w", platform())
    config = _config(tmp_path, "group", 1)
    submitted = _two_cores(monkeypatch)
    run_map(workspace, tmp_path / "two", config)
    assert len(submitted) >= 3  # the fingerprint and the first parts at least
    model = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}

    monkeypatch.setattr(shared_parts.os, "sched_getaffinity", lambda _pid: {0})
    run_map(workspace, tmp_path / "one", config)
    assert len(submitted) >= 2 and _cells(tmp_path / "two") == _cells(tmp_path / "one")
    assert len(_cells(tmp_path / "one")) == 1 + 8  # the index and each customer's workbook
    assert {p.name: p.read_bytes() for p in (workspace / "model").iterdir()} == model


def test_a_workbook_the_worker_cannot_write_fails_the_map_and_keeps_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = write_inventory(tmp_path / "w", platform())
    config = _config(tmp_path, "enterprise", 1)
    run_map(workspace, tmp_path / "r", config)
    before = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    # Provider A is the second part (after the records of no provider): the worker's.
    squatted = tmp_path / "r" / "review" / "A.xlsx"
    squatted.unlink()
    squatted.mkdir()
    submitted = _two_cores(monkeypatch)
    with pytest.raises(WorkspaceError) as caught:
        run_map(workspace, tmp_path / "r", config)
    assert (
        str(caught.value)
        == f"{squatted}: cannot write (Is a directory); the previous version is kept"
    )
    assert len(submitted) >= 2
    assert {p.name: p.read_bytes() for p in (workspace / "model").iterdir()} == before
    assert sorted(os.listdir(workspace)) == ["inventory", "model"]  # no staged folder left


def test_results_come_in_order_wherever_they_were_made() -> None:
    calls = [(2, n) for n in range(12)]
    with Workers(1) as workers:
        assert list(in_order(pow, calls, workers)) == [2**n for n in range(12)]
        with pytest.raises(ZeroDivisionError):  # a worker's failure, raised here
            list(in_order(divmod, [(1, 1), (1, 0), (1, 1)], workers))
    assert list(in_order(pow, calls, None)) == [2**n for n in range(12)]


def test_the_first_call_that_fails_is_the_one_raised() -> None:
    """The first WINDOW calls go to the worker, the next is made here at once: its
    failure waits for its turn, after the worker's."""
    worker: list[tuple[Any, ...]] = [(1, 1)] * (shared_parts.WINDOW - 1) + [(1, 0)]
    calls = [*worker, (1, "x"), (1, 1)]
    with Workers(1) as workers, pytest.raises(ZeroDivisionError):
        list(in_order(divmod, calls, workers))
    with pytest.raises(ZeroDivisionError):
        list(in_order(divmod, calls, None))
