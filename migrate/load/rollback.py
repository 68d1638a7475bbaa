"""``migrate rollback``: undo what the journal says this toolkit created, newest first.

Only actions that *created* something are undone: an adopted object (a
lookup found it before any create was sent for it) is never touched, nor is
anything the journal does not know. The inverse steps run through the load's
executor, so references resolve and transitions are journaled the same way:
the action becomes ``rolled_back``, or keeps ``succeeded`` with a
``rollback_failed`` event saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.executor import Executor, LoadOptions, Undo
from migrate.load.handlers.registry import HANDLERS
from migrate.load.journal import Journal
from migrate.webex import Webex


@dataclass
class Step:
    key: str
    type: str
    customer: str
    inverse_type: str
    succeeded_at: str
    note: str = ""
    ordinal: int = 0


@dataclass
class RollbackResult:
    steps: list[Step]
    run_id: int | None = None
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "steps": [vars(s) for s in self.steps],
            "rolled_back": self.done,
            "failed": self.failed,
            "left_in_place": self.left,
        }


def _left_in_place(inverse_type: str) -> str:
    handler = HANDLERS.get(inverse_type)
    return handler.left_in_place if handler is not None else ""


def choose(
    journal: Journal,
    *,
    customer: str | None = None,
    batch: int | None = None,
    run: int | None = None,
) -> list[Step]:
    """The inverse steps for a customer, batch or run, newest first."""
    if sum(x is not None for x in (customer, batch, run)) != 1:
        raise InputError("rollback: give exactly one of --customer, --batch, --run")
    when = journal.succeeded_at()
    actions = journal.actions(states=[jr.SUCCEEDED])
    if customer is not None:
        if not journal.actions(customer=customer):
            raise InputError(f"rollback: the journal has no customer {customer}")
        actions = [a for a in actions if a.customer == customer]
    elif batch is not None:
        actions = [a for a in actions if a.batch == batch]
    else:
        actions = [a for a in actions if when.get(a.key, ("", 0))[1] == run]
    # A journal written before creates were journaled may say adopted for what a
    # create of ours made: the create_sent events settle it.
    ours = journal.created_keys()
    steps = []
    for action in actions:
        if action.inverse is None or (action.adopted and action.key not in ours):
            continue  # nothing to undo, or not ours to undo
        steps.append(
            Step(
                action.key,
                action.type,
                action.customer,
                action.inverse["type"],
                when.get(action.key, ("", 0))[0],
                _left_in_place(action.inverse["type"]),
                action.ordinal,
            )
        )
    # Newest first; actions that finished in the same millisecond go in reverse plan
    # order, so a phone is always removed before the workspace it belongs to.
    return sorted(steps, key=lambda s: (s.succeeded_at, s.customer, s.ordinal), reverse=True)


async def execute(
    webex: Webex, journal: Journal, steps: list[Step], options: LoadOptions | None = None
) -> RollbackResult:
    """Run ``steps`` (from :func:`choose`) as one journaled ``rollback`` run."""
    result = RollbackResult(steps)
    result.run_id = run_id = journal.begin_run("rollback", None)
    inverses = {a.key: a.inverse for a in journal.actions() if a.inverse is not None}
    executor = Executor(webex, journal, run_id, options)
    undone = await executor.undo(
        [Undo(step.key, step.inverse_type, inverses[step.key]) for step in steps]
    )
    result.done, result.failed, result.left = undone.done, undone.failed, undone.left
    _went_with(journal, run_id)
    journal.end_run(run_id, "partial" if result.failed else "done")
    return result


def _went_with(journal: Journal, run_id: int) -> None:
    """Mark rolled back what went with an object rollback removed.

    Waiting for a customer has nothing to undo, and a location goes with its
    customer, but neither exists once the customer is gone: left ``succeeded``
    they would keep a load from making them again, with stale ids.
    """
    actions = {a.key: a for a in journal.actions()}
    changed = True
    while changed:
        changed = False
        for action in actions.values():
            if action.state != jr.SUCCEEDED:
                continue
            inverse = (action.inverse or {}).get("type")
            if inverse is not None and not _left_in_place(inverse):
                continue  # it has its own inverse step
            if any(actions[d].state == jr.ROLLED_BACK for d in action.depends_on if d in actions):
                journal.roll_back(action.key, run_id)
                actions[action.key] = replace(action, state=jr.ROLLED_BACK)
                changed = True
