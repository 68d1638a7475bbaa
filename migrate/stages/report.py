"""``report``: every stage's workbook rebuilt from the workspace, then summary.html."""

from __future__ import annotations

from migrate.config import load_config
from migrate.reports.rebuild import ReportResult as ReportResult
from migrate.reports.rebuild import rebuild
from migrate.stages.settings import Settings


def report(settings: Settings) -> ReportResult:
    """Reads only the workspace; sends nothing to Webex."""
    split_rows = load_config(settings.config).workbook_split_rows
    return rebuild(settings.ws, settings.reports, split_rows)
