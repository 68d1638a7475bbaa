"""``load`` and ``retry`` as library calls: choose the batch, journal it, execute it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.executor import Executor, LoadOptions, LoadResult, journal_actions
from migrate.load.journal import Journal
from migrate.plan.actions import FOLLOW_UP_TYPES, Action
from migrate.plan.builder import Plan
from migrate.webex import Webex


def _customers_with_work(journal: Journal, plan: Plan, states: Iterable[str]) -> list[str]:
    wanted = set(states)
    return sorted(
        {a.customer for a in journal.actions() if a.state in wanted}
        & {a.customer for a in plan.actions}
    )


def _follow_ups(journal: Journal, customers: set[str], planned: set[str]) -> list[Action]:
    """Journaled steps of a later command (cutover's) that a crash left for `retry`."""
    return [
        Action(a.key, a.type, a.customer, a.ordinal, a.payload, a.depends_on, a.inverse)
        for a in journal.actions()
        if a.type in FOLLOW_UP_TYPES and a.customer in customers and a.key not in planned
    ]


async def run_load(
    workspace: Path,
    webex: Webex,
    plan: Plan,
    *,
    command: str = "load",
    select: Iterable[str] = (),
    batch_size: int | None = None,
    options: LoadOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Run (``load``) or re-run (``retry``) the plan's actions for a batch of customers."""
    started = time.perf_counter()
    with Journal(workspace) as journal:
        journal.record_plan(journal_actions(plan.actions))  # everything, before any request
        if command == "retry":
            # Failed, skipped and parked work, and whatever an interrupted run left
            # unfinished: a load killed before its first request leaves all pending.
            customers = _customers_with_work(journal, plan, (*jr.RETRYABLE, jr.STARTED, jr.PENDING))
            rerun = frozenset((*jr.RETRYABLE, jr.STARTED, jr.PENDING))
        else:
            customers = _customers_with_work(journal, plan, (jr.PENDING, jr.STARTED))
            rerun = frozenset((jr.STARTED, jr.PENDING))
        chosen = set(select)
        if chosen:
            unknown = chosen - {a.customer for a in plan.actions}
            if unknown:
                raise InputError(f"--select: no customer {', '.join(sorted(unknown))} in the plan")
            customers = [c for c in customers if c in chosen]
        if batch_size:
            customers = customers[:batch_size]
        actions = [a for a in plan.actions if a.customer in set(customers)]
        if command == "retry":
            actions += _follow_ups(journal, set(customers), {a.key for a in actions})
        batch = journal.next_batch()
        journal.assign_batch((a.key for a in actions), batch)
        run_id = journal.begin_run(command, plan.fingerprint)
        requests_before = webex.client.requests_sent
        throttled_before = webex.client.throttled
        executor = Executor(webex, journal, run_id, options, progress, rerun=rerun)
        finished = await executor.run(actions)
        counts = Counter(executor.states.get(a.key, jr.PENDING) for a in actions)
        all_counts = {state: counts.get(state, 0) for state in jr.STATES}
        failed = any(all_counts[s] for s in (jr.FAILED, jr.SKIPPED, jr.STARTED))
        journal.end_run(
            run_id,
            "stopped"
            if not finished
            else "partial"
            if failed
            else "parked"
            if all_counts[jr.PARKED]
            else "done",
        )
        return LoadResult(
            run_id=run_id,
            batch=batch,
            customers=customers,
            counts=all_counts,
            seconds=time.perf_counter() - started,
            requests=webex.client.requests_sent - requests_before,
            stopped_early=not finished,
            throttled=webex.client.throttled - throttled_before,
            outcomes={a.key: executor.states.get(a.key, jr.PENDING) for a in actions},
        )
