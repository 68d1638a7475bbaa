"""``run``: every stage in order, stopping at the first whose result is not OK."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode, MigrateError
from migrate.extract.oci import Connection, Scope
from migrate.stages.extract import extract, extract_from_oci
from migrate.stages.load import load
from migrate.stages.map import map_inventory
from migrate.stages.plan import plan
from migrate.stages.precheck import precheck
from migrate.stages.report import report
from migrate.stages.result import Progress, StageResult
from migrate.stages.settings import Settings

PIPELINE = ("extract", "map", "precheck", "plan", "load", "report")


@dataclass
class Refused:
    """A stage that raised instead of returning: its error and documented exit code."""

    stage: str
    exit_code: ExitCode
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "error": self.error, "exit_code": int(self.exit_code)}


@dataclass
class RunOutcome:
    results: dict[str, StageResult] = field(default_factory=dict)
    stopped_at: str | None = None
    exit_code: ExitCode = ExitCode.OK
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stages": {name: result.to_dict() for name, result in self.results.items()},
            "stopped_at": self.stopped_at,
            "exit_code": int(self.exit_code),
        }


def run(
    settings: Settings,
    export: Path | None,
    *,
    oci: tuple[Connection, Scope] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    starting: Callable[[str], None] | None = None,
    finished: Callable[[str, StageResult], None] | None = None,
) -> RunOutcome:
    """Extract (``export``, or pulled over ``oci``), map, precheck, plan, load and
    report. ``starting(stage)`` and ``finished(stage, result)`` let the caller show
    each stage as it goes."""

    def extracted() -> StageResult:
        if oci is not None:
            return extract_from_oci(settings, *oci, progress)
        if export is None:
            raise ValueError("run: an export or an OCI-P server to pull it from")
        return extract(settings, export, progress)

    steps: dict[str, Callable[[], StageResult]] = {
        "extract": extracted,
        "map": lambda: map_inventory(settings),
        "precheck": lambda: precheck(settings, strict=strict),
        "plan": lambda: plan(settings),
        "load": lambda: load(settings, progress=progress),
        "report": lambda: report(settings),
    }
    outcome = RunOutcome()
    for stage in PIPELINE:
        if starting is not None:
            starting(stage)
        result: StageResult
        try:
            result = steps[stage]()
        except MigrateError as err:
            result = Refused(stage, err.exit_code, str(err))
        outcome.results[stage] = result
        if finished is not None:
            finished(stage, result)
        if result.exit_code != ExitCode.OK:
            outcome.stopped_at = stage
            outcome.exit_code = result.exit_code
            break
    return outcome
