"""``extract``: a BroadWorks OCI-P export → the inventory + extract.xlsx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.extract import ExtractResult
from migrate.extract import extract as read_export
from migrate.extract.reader import Export
from migrate.load.lock import workspace_lock
from migrate.reports.extract_report import write_extract_report
from migrate.stages.preflight import preflight
from migrate.stages.result import Progress, progress_or_quiet
from migrate.stages.settings import Settings

REPORT = "extract.xlsx"
# A bar over a few documents only flickers.
_BAR_FROM = 51


@dataclass
class ExtractOutcome:
    export: Path
    extracted: ExtractResult
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return self.extracted.exit_code

    def to_dict(self) -> dict[str, Any]:
        return self.extracted.as_dict()


def extract(settings: Settings, export: Path, progress: Progress | None = None) -> ExtractOutcome:
    preflight(settings)
    with workspace_lock(settings.workspace, "extract"):  # never swap inventory/ under a map
        return _extract(settings, export, progress)


def _extract(settings: Settings, export: Path, progress: Progress | None) -> ExtractOutcome:
    total = 0
    if progress is not None:
        with Export(export) as opened:
            total = opened.count()
    shown = progress if total >= _BAR_FROM else None
    with progress_or_quiet(shown, "extract", total) as advance:
        result = read_export(export, settings.workspace, progress=advance)
    result.report = write_extract_report(settings.workspace, settings.reports / REPORT)
    return ExtractOutcome(export, result)
