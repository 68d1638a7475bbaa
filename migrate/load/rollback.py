"""``migrate rollback``: undo what the journal says this toolkit created, newest first.

Only actions that *created* something are undone: an adopted object
(it existed before the load) is never touched, nor is anything the journal
does not know. Each inverse is journaled like a load step: the action
becomes ``rolled_back``, or keeps ``succeeded`` with a ``rollback_failed``
event saying why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.devices import INVERSE_HANDLERS as DEVICE_INVERSES
from migrate.load.journal import Journal, JournalAction
from migrate.plan.actions import is_ref
from migrate.webex import Webex, WebexError, WebexNotFound

InverseHandler = Callable[[Webex, dict[str, Any]], Awaitable[None]]


async def _remove_subscriber(webex: Webex, inverse: dict[str, Any]) -> None:
    with contextlib.suppress(WebexNotFound):  # already gone: the goal is reached
        await webex.wholesale.remove_subscriber(inverse["subscriberId"])


async def _remove_numbers(webex: Webex, inverse: dict[str, Any]) -> None:
    numbers = list(inverse.get("phoneNumbers") or [])
    if numbers:
        await webex.calling.remove_numbers(inverse["orgId"], inverse["locationId"], numbers)


async def _remove_customer(webex: Webex, inverse: dict[str, Any]) -> None:
    try:
        await webex.wholesale.remove_customer(inverse["customerId"])
        # Removal is asynchronous (202 deleting): done when the customer is gone.
        await webex.wholesale.wait_for_customer(
            inverse["customerId"], interval=0.05, max_interval=2.0, timeout=300
        )
    except WebexNotFound:
        return


INVERSE_HANDLERS: dict[str, InverseHandler] = {
    "remove_subscriber": _remove_subscriber,
    "remove_numbers": _remove_numbers,
    "remove_customer": _remove_customer,
    **DEVICE_INVERSES,  # issue #7: delete_device, delete_workspace
}
# Inverses the API does not offer: listed, never attempted.
NOT_UNDOABLE = {
    "delete_location": "Webex offers no location delete this toolkit relies on; the location "
    "goes with its customer's removal",
}


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
    steps = []
    for action in actions:
        if action.inverse is None or action.adopted:
            continue  # nothing to undo, or not ours to undo
        steps.append(
            Step(
                action.key,
                action.type,
                action.customer,
                action.inverse["type"],
                when.get(action.key, ("", 0))[0],
                NOT_UNDOABLE.get(action.inverse["type"], ""),
                action.ordinal,
            )
        )
    # Newest first; actions that finished in the same millisecond go in reverse plan
    # order, so a phone is always removed before the workspace it belongs to.
    return sorted(steps, key=lambda s: (s.succeeded_at, s.customer, s.ordinal), reverse=True)


def _resolve(value: Any, results: dict[str, dict[str, Any]]) -> Any:
    if is_ref(value):
        return (results.get(value["$ref"]) or {}).get(value["field"])
    if isinstance(value, dict):
        return {k: _resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, results) for v in value]
    return value


async def execute(webex: Webex, journal: Journal, steps: list[Step]) -> RollbackResult:
    result = RollbackResult(steps)
    result.run_id = run_id = journal.begin_run("rollback", None)
    results = {a.key: a.result or {} for a in journal.actions() if a.result}
    by_key: dict[str, JournalAction] = {a.key: a for a in journal.actions()}
    for step in steps:  # newest first, one at a time: dependents go before what they need
        if step.note:
            result.left[step.key] = step.note
            journal.note(step.key, run_id, "rollback_skipped", step.note)
            continue
        inverse = _resolve(by_key[step.key].inverse, results)
        handler = INVERSE_HANDLERS.get(step.inverse_type)
        if handler is None:
            message = f"no handler for {step.inverse_type}"
            result.failed[step.key] = message
            journal.note(step.key, run_id, "rollback_failed", message)
            continue
        try:
            await handler(webex, inverse)
        except WebexError as err:
            result.failed[step.key] = str(err)
            journal.note(step.key, run_id, "rollback_failed", str(err))
            continue
        journal.roll_back(step.key, run_id)
        result.done.append(step.key)
    journal.end_run(run_id, "partial" if result.failed else "done")
    return result
