"""``load`` and ``retry`` as library calls: choose the batch, journal it, execute it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.executor import Executor, LoadOptions, LoadResult, journal_actions
from migrate.load.journal import Journal
from migrate.plan.actions import FOLLOW_UP_TYPES, REMOVE, Action
from migrate.plan.builder import Plan
from migrate.webex import Webex


def _customers_with_work(
    journal: Journal, plan: Plan, states: Iterable[str], again: frozenset[str]
) -> list[str]:
    """Customers with a planned action in one of ``states`` (other journaled work is not
    this plan's: an update rolled back since is planned again under a new key)."""
    wanted = set(states)
    state = {key: done[0] for key, done in journal.outcomes().items()}
    return sorted(
        {
            a.customer
            for a in plan.actions
            if state.get(a.key, jr.PENDING) in wanted or a.key in again
        }
    )


def _follow_ups(journal: Journal, customers: set[str], planned: set[str]) -> list[Action]:
    """Journaled steps of a later command (cutover's) that a crash left for `retry`."""
    return [
        Action(a.key, a.type, a.customer, a.ordinal, a.payload, a.depends_on, a.inverse)
        for a in journal.actions()
        if a.type in FOLLOW_UP_TYPES and a.customer in customers and a.key not in planned
    ]


def _to_recreate(journal: Journal, plan: Plan) -> frozenset[str]:
    """Actions ``plan --refresh`` found gone from Webex and no run made again since."""
    made = datetime.fromisoformat(plan.created_at) if plan.created_at else None
    when = journal.succeeded_at()
    out = set()
    for action in plan.actions:
        if not action.payload.get("recreate") or made is None:
            continue
        done = when.get(action.key)
        if done is None or datetime.fromisoformat(done[0]) < made:
            out.add(action.key)
    return frozenset(out)


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
    prune: bool = False,
    batch: int | None = None,
) -> LoadResult:
    """Run (``load``) or re-run (``retry``) the plan's actions for a batch of customers.

    Removals (objects that left the model) run only with ``prune``. ``batch``
    (retry only) keeps to the customers of that earlier batch.
    """
    started = time.perf_counter()
    held_back = 0
    if not prune:
        kept = [a for a in plan.actions if a.op != REMOVE]
        held_back = len(plan.actions) - len(kept)
        plan = replace(plan, actions=kept)
    with Journal(workspace) as journal:
        planned = journal_actions(plan.actions)
        journal.write_plan(planned)  # everything, before any request
        if command == "retry":
            # Failed, skipped and parked work, and whatever an interrupted run left
            # unfinished: a load killed before its first request leaves all pending.
            rerun = frozenset((*jr.RETRYABLE, jr.STARTED, jr.PENDING))
        else:
            # Rolled back: the plan says it must exist again, so it is created again.
            rerun = frozenset((jr.STARTED, jr.PENDING, jr.ROLLED_BACK))
        again = _to_recreate(journal, plan)
        customers = _customers_with_work(journal, plan, rerun, again)
        if command == "retry":
            # A cutover a crash left unfinished is a customer's work too.
            customers = sorted(
                {*customers}
                | {
                    a.customer
                    for a in journal.actions()
                    if a.type in FOLLOW_UP_TYPES and a.state in rerun
                }
            )
        if batch is not None:
            in_batch = {a.customer for a in journal.actions() if a.batch == batch}
            if not in_batch:
                raise InputError(f"--batch: the journal has no batch {batch}")
            customers = [c for c in customers if c in in_batch]
        chosen = set(select)
        if chosen:
            unknown = chosen - {a.customer for a in plan.actions}
            if unknown:
                raise InputError(f"--select: no customer {', '.join(sorted(unknown))} in the plan")
            customers = [c for c in customers if c in chosen]
        if batch_size:
            customers = customers[:batch_size]
        taken = set(customers)
        actions = [a for a in plan.actions if a.customer in taken]
        if command == "retry":
            actions += _follow_ups(journal, set(customers), {a.key for a in actions})
        if not actions:
            # Nothing to do is no run: the journal, its runs and the reports stay as they are.
            return LoadResult(
                0,
                0,
                [],
                {s: 0 for s in jr.STATES},
                time.perf_counter() - started,
                0,
                held_back=held_back,
            )
        number = journal.next_batch() if batch is None else batch
        journal.assign_batch((a.key for a in actions), number)
        run_id = journal.begin_run(command, plan.fingerprint)
        requests_before = webex.client.requests_sent
        throttled_before = webex.client.throttled
        executor = Executor(webex, journal, run_id, options, progress, rerun=rerun, again=again)
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
            batch=number,
            customers=customers,
            counts=all_counts,
            seconds=time.perf_counter() - started,
            requests=webex.client.requests_sent - requests_before,
            stopped_early=not finished,
            throttled=webex.client.throttled - throttled_before,
            outcomes={a.key: executor.states.get(a.key, jr.PENDING) for a in actions},
            held_back=held_back,
        )
