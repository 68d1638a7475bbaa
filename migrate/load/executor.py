"""Running a plan against Webex: customers concurrently, each in dependency order.

Exactly once: before any create the handler looks the object up (customer
by ``externalId``, subscriber by customer and email, location by name,
numbers by location) and adopts what existed before; an action left
``started`` by a crash is reconciled by the same lookup; a POST whose answer
was lost is never repeated blind. Every transition is committed to the
journal around the request, so the next run knows exactly where this one
stopped. Rollback's inverse steps run through the same executor: the same
handler table, the same reference resolution, the same journal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrate.load import journal as jr
from migrate.load.handlers.base import Context, Handler, Outcome, Result, classify
from migrate.load.handlers.registry import HANDLERS
from migrate.load.journal import Journal, JournalAction
from migrate.load.options import LoadOptions
from migrate.plan.actions import Action, is_ref
from migrate.webex import Webex, WebexError

__all__ = [
    "Executor",
    "LoadOptions",
    "LoadResult",
    "Outcome",
    "Undo",
    "UndoResult",
    "classify",
    "journal_actions",
]


@dataclass
class LoadResult:
    run_id: int
    batch: int
    customers: list[str]
    counts: dict[str, int]
    seconds: float
    requests: int
    stopped_early: bool = False
    throttled: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    held_back: int = 0  # removals the plan lists, left for `load --prune`

    @property
    def ok(self) -> bool:
        """Everything it took up is done: nothing failed, skipped, parked or in flight."""
        return not any(self.counts.get(s) for s in (jr.FAILED, jr.SKIPPED, jr.STARTED, jr.PARKED))

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "batch": self.batch,
            "customers": self.customers,
            "counts": self.counts,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "throttled": self.throttled,
            "stopped_early": self.stopped_early,
            "held_back_for_prune": self.held_back,
        }


@dataclass(frozen=True)
class Undo:
    """One inverse step: ``payload`` (the plan's inverse) undoes the action ``key``."""

    key: str
    type: str
    payload: dict[str, Any]


@dataclass
class UndoResult:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)


class Executor:
    def __init__(
        self,
        webex: Webex,
        journal: Journal,
        run_id: int,
        options: LoadOptions | None = None,
        progress: Callable[[int], None] | None = None,
        rerun: frozenset[str] = frozenset((jr.PENDING, jr.STARTED)),
        handlers: Mapping[str, Handler] = HANDLERS,
        again: frozenset[str] = frozenset(),
    ) -> None:
        self.webex = webex
        self.rerun = rerun
        self.again = again  # done before, but Webex lost the object: run whatever the state
        self.journal = journal
        self.run_id = run_id
        self.options = options or LoadOptions()
        self.progress = progress
        self.handlers = handlers
        self.results: dict[str, dict[str, Any]] = {}
        self.states: dict[str, str] = {}
        self.sent: dict[str, list[Any]] = {}  # creates sent and not refused, by key
        self._stop = False

    def _read_journal(self) -> None:
        for key, (state, result) in self.journal.outcomes().items():
            self.states[key] = state
            if result:
                self.results[key] = result
        self.sent = self.journal.all_creates_sent()

    # ------------------------------------------------------------ the load

    async def run(self, actions: list[Action]) -> bool:
        """Run ``actions`` (whole customers); False when it stopped early (--fail-fast)."""
        self._read_journal()
        by_customer: dict[str, list[Action]] = {}
        for action in sorted(actions, key=lambda a: (a.customer, a.ordinal)):
            by_customer.setdefault(action.customer, []).append(action)
        slots = asyncio.Semaphore(max(1, self.options.concurrency))

        async def one(customer_actions: list[Action]) -> None:
            async with slots:
                if self._stop:
                    return
                for action in customer_actions:
                    await self._step(action)
                self.journal.flush()  # the last success, held for a next start

        await asyncio.gather(*(one(group) for group in by_customer.values()))
        return not self._stop

    async def _step(self, action: Action) -> None:
        state = self.states.get(action.key, jr.PENDING)
        if state not in self.rerun and action.key not in self.again:
            return  # done, or failed/parked work that only `retry` takes up again
        blocking = [d for d in action.depends_on if self.states.get(d) != jr.SUCCEEDED]
        if blocking:
            reasons = ", ".join(f"{d} is {self.states.get(d, jr.PENDING)}" for d in blocking)
            if all(self.states.get(d) == jr.PARKED for d in blocking):
                # Not a failure: it waits with what it waits for, and `retry` takes both up.
                self._record(
                    action.key,
                    jr.PARKED,
                    Outcome(jr.PARKED, f"waits for {reasons}", "waits_for_parked", "parked"),
                )
            else:
                self._record(action.key, jr.SKIPPED, message=f"waits for {reasons}")
            return
        if self._stop:
            return
        if state == jr.ROLLED_BACK:
            # Made again (a phone replaced in this run): the journal keeps what it is now.
            self.journal.replan(journal_actions([action]))
        # Every handler looks its object up before creating it, which is also how an
        # action a crash left `started`, or a parked one, is reconciled.
        self.journal.start(action.key, self.run_id)
        self.states[action.key] = jr.STARTED
        try:
            result, adopted = await self._apply(
                action.key, action.type, action.payload, action.depends_on
            )
        except Outcome as outcome:
            self._record(action.key, outcome.state, outcome)
            if outcome.state == jr.FAILED and self.options.fail_fast:
                self._stop = True
            return
        self.results[action.key] = result
        # Held: committed with the customer's next write (its next action's start, made
        # before anything else runs) or the flush after its last action. No request goes
        # out in between, so this saves a commit and changes nothing a crash can leave.
        self.journal.succeed(action.key, self.run_id, result, adopted=adopted, held=True)
        self.states[action.key] = jr.SUCCEEDED
        removed = action.payload.get("removes")
        if removed:
            # The object is gone: a later plan creates it again if the model wants it.
            self.journal.roll_back(str(removed), self.run_id)
            self.states[str(removed)] = jr.ROLLED_BACK
        self._tick()

    # ------------------------------------------------------------ rollback

    async def undo(self, steps: Sequence[Undo]) -> UndoResult:
        """Run inverse steps one at a time, in the order given (newest first).

        An action becomes ``rolled_back``, or keeps ``succeeded`` with a
        ``rollback_failed`` event saying why; an inverse Webex does not offer is
        noted ``rollback_skipped`` and never attempted.
        """
        self._read_journal()
        out = UndoResult()
        for step in steps:  # one at a time: dependents go before what they need
            handler = self.handlers.get(step.type)
            if handler is not None and handler.left_in_place:
                out.left[step.key] = handler.left_in_place
                self.journal.note(step.key, self.run_id, jr.ROLLBACK_SKIPPED, handler.left_in_place)
                continue
            self.journal.note(step.key, self.run_id, jr.ROLLBACK_STARTED, step.type)
            try:
                await self._apply(step.key, step.type, step.payload)
            except Outcome as outcome:
                out.failed[step.key] = outcome.message
                self.journal.note(step.key, self.run_id, jr.ROLLBACK_FAILED, outcome.message)
                continue
            self.journal.roll_back(step.key, self.run_id)
            self.states[step.key] = jr.ROLLED_BACK
            out.done.append(step.key)
            self._tick()
        return out

    # ------------------------------------------------------------ one step

    async def _apply(
        self,
        key: str,
        action_type: str,
        payload: dict[str, Any],
        depends_on: tuple[str, ...] = (),
    ) -> Result:
        """The handler of ``action_type`` on the resolved payload; failures as Outcome."""
        handler = self.handlers.get(action_type)
        if handler is None:
            raise Outcome(jr.FAILED, f"unknown action type {action_type}", "unknown_action")
        resolved = self.resolve(payload)
        for name in handler.requires:
            if not resolved.get(name):
                raise Outcome(
                    jr.FAILED,
                    f"{action_type}: the journal has no {name}; nothing to do",
                    "unresolved",
                )
        ctx = Context(
            self.webex,
            self.options,
            key,
            depends_on,
            sent=self.sent.setdefault(key, []),
            mark_sent=lambda detail: self.journal.create_sent(key, self.run_id, detail),
            mark_refused=lambda why: self.journal.create_refused(key, self.run_id, why),
            action=self.journal.get,
        )
        try:
            return await handler.run(ctx, resolved)
        except WebexError as err:
            raise classify(err) from err

    def _record(
        self, key: str, state: str, outcome: Outcome | None = None, message: str = ""
    ) -> None:
        if state == jr.SKIPPED:
            self.journal.skip(key, self.run_id, message)
        elif state == jr.PARKED:
            assert outcome is not None
            self.journal.park(
                key,
                self.run_id,
                outcome.code or "parked",
                outcome.message,
                result=outcome.result,
                tracking_id=outcome.tracking_id,
            )
            if outcome.result:
                self.results[key] = outcome.result
        else:
            assert outcome is not None
            self.journal.fail(
                key,
                self.run_id,
                outcome.kind,
                outcome.code,
                outcome.message,
                tracking_id=outcome.tracking_id,
            )
        self.states[key] = state
        self._tick()

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(1)

    # ------------------------------------------------------------ references

    def resolve(self, value: Any) -> Any:
        """A payload with every ``$ref`` replaced by the result it names.

        A reference to a result the journal lacks fails the step, forward or
        inverse alike: guessing would send a request about nothing.
        """
        if is_ref(value):
            source = self.results.get(value["$ref"])
            if source is None or value["field"] not in source:
                raise Outcome(
                    jr.FAILED,
                    f"{value['$ref']} has no {value['field']} yet",
                    "unresolved",
                    "terminal",
                )
            return source[value["field"]]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def journal_actions(actions: list[Action]) -> list[JournalAction]:
    return [
        JournalAction(
            key=a.key,
            type=a.type,
            customer=a.customer,
            batch=0,
            ordinal=a.ordinal,
            payload=a.payload,
            depends_on=a.depends_on,
            inverse=a.inverse,
        )
        for a in actions
    ]
