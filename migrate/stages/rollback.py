"""``rollback``: undo a customer, a batch or a run, newest first; journaled like a load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrate.errors import ExitCode
from migrate.load import rollback as undo
from migrate.load.journal import Journal
from migrate.load.lock import workspace_lock
from migrate.stages.aio import run_async
from migrate.stages.session import open_webex
from migrate.stages.settings import Settings


@dataclass
class RollbackOutcome:
    steps: list[undo.Step]
    done: undo.RollbackResult | None  # None: only listed (no --yes, --dry-run or nothing to do)
    dry_run: bool = False
    error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ITEMS_FAILED if self.done is not None and self.done.failed else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        if self.done is None:
            return {"dry_run": True, "steps": [vars(s) for s in self.steps]}
        return self.done.to_dict()


def rollback(
    settings: Settings,
    *,
    customer: str | None = None,
    batch: int | None = None,
    run: int | None = None,
    yes: bool = False,
    dry_run: bool = False,
) -> RollbackOutcome:
    """Reverse what the journal says this toolkit created (never what it adopted); without
    ``yes`` (or with ``dry_run``) only list the steps."""
    settings.ws.require_journal("nothing to roll back")
    with workspace_lock(settings.workspace, "rollback"), Journal(settings.workspace) as journal:
        steps = undo.choose(journal, customer=customer, batch=batch, run=run)
        if dry_run or not yes or not steps:
            return RollbackOutcome(steps, None, dry_run)

        async def execute() -> undo.RollbackResult:
            async with open_webex(settings) as webex:
                return await undo.execute(webex, journal, steps)

        return RollbackOutcome(steps, run_async(execute()), dry_run)
