"""``extract``: a BroadWorks OCI-P export → the inventory + extract.xlsx.

The export is a folder or zip made by another tool, or pulled live from
BroadWorks over OCI-P into the workspace's ``oci-export`` folder first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ExitCode
from migrate.extract import ExtractResult
from migrate.extract import extract as read_export
from migrate.extract.oci import Connection, PullResult, Scope, pull
from migrate.extract.reader import Export
from migrate.extract.workers import Workers
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
    pulled: PullResult | None = None  # the live walk, with --from-oci

    @property
    def exit_code(self) -> ExitCode:
        return self.extracted.exit_code

    def to_dict(self) -> dict[str, Any]:
        data = self.extracted.as_dict()
        if self.pulled is not None:
            data["pulled"] = self.pulled.as_dict()
        return data


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
    # One set of processes parses, merges and renders the workbook's big sheets.
    with Workers() as workers:
        with progress_or_quiet(shown, "extract", total) as advance:
            result = read_export(export, settings.workspace, progress=advance, shared=workers)
        result.report = write_extract_report(
            settings.workspace, settings.reports / REPORT, shared=workers
        )
    return ExtractOutcome(export, result)


def extract_from_oci(
    settings: Settings,
    connection: Connection,
    scope: Scope,
    progress: Progress | None = None,
) -> ExtractOutcome:
    """Walk ``scope`` on the server into the workspace's export folder, then extract it.

    What the folder already holds is not asked again, so a run that was
    stopped (or lost the server) resumes where it was.
    """
    folder = settings.ws.oci_export
    # The number of requests is unknown until the walk has listed the users:
    # the bar counts answers without a total.
    with progress_or_quiet(progress, "pull", 0) as advance:
        pulled = pull(connection, scope, folder, advance)
    outcome = extract(settings, folder, progress)
    outcome.pulled = pulled
    return outcome
