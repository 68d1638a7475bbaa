"""What a stage checks before it reads, writes or sends anything: that it can finish.

A read-only reports folder found after a load has provisioned every customer
is found too late; so is a damaged journal found after the first create.
"""

from __future__ import annotations

from migrate.load.journal import Journal
from migrate.stages.settings import Settings
from migrate.workspace import check_writable


def preflight(settings: Settings, *, journal: bool = False) -> None:
    """Refuse (exit 5, naming the folder or file) a workspace or reports folder that
    cannot be written, and with ``journal`` a journal that does not open whole."""
    settings.ws.check_writable()
    check_writable(settings.reports, "reports folder")
    if journal and settings.ws.has_journal():
        with Journal(settings.workspace):
            pass  # opening it runs the integrity check
