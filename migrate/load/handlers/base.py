"""What every handler shares: the Handler record, its Context, Outcome, look-create-look.

Ours or adopted: an object is the load's when a create was sent for its
action (the journal commits ``create_sent`` before the request goes out) and
a lookup then found it, in this run or after a crash. Only what the lookup
found before the first create ever sent is adopted, so rollback leaves it.
A create Webex refused outright (4xx: nothing was made) is struck off again,
so an object someone else made after that refusal stays theirs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from migrate.load import journal as jr
from migrate.load.journal import JournalAction
from migrate.load.options import LoadOptions
from migrate.webex import Webex, WebexError

T = TypeVar("T")

# Creates tried after a lookup proved the object absent; 429/423 waits are the client's.
CREATE_ATTEMPTS = 4

Result = tuple[dict[str, Any], bool]  # the action's result, and whether it was adopted


class Outcome(Exception):
    """Raised by a handler to end an action other than with success."""

    def __init__(
        self,
        state: str,
        message: str,
        code: str | None = None,
        kind: str = "terminal",
        result: dict[str, Any] | None = None,
        tracking_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.state = state
        self.message = message
        self.code = code
        self.kind = kind
        self.result = result
        self.tracking_id = tracking_id


def failure(message: str, code: str) -> Outcome:
    return Outcome(jr.FAILED, message, code, "terminal")


def classify(err: WebexError) -> Outcome:
    transient = (
        err.ambiguous
        or err.status in (None, 408, 423, 429)
        or (err.status is not None and err.status >= 500)
    )
    code = (
        str(err.error_codes[0])
        if err.error_codes
        else (f"HTTP {err.status}" if err.status else "no answer")
    )
    return Outcome(
        jr.FAILED,
        str(err),
        code,
        "transient" if transient else "terminal",
        tracking_id=err.tracking_id,
    )


@dataclass
class Context:
    """What a handler may use besides its resolved payload."""

    webex: Webex
    options: LoadOptions
    key: str
    depends_on: tuple[str, ...] = ()
    # The detail of each create the journal says was sent for this action, any run.
    sent: list[Any] = field(default_factory=list)
    # Commits ``create_sent`` (with a detail, e.g. the numbers) before the request,
    # and ``create_refused`` when Webex refused it outright.
    mark_sent: Callable[[Any], None] = lambda _detail: None
    mark_refused: Callable[[str], None] = lambda _why: None
    # A journaled action by key (await_customer reads its create_customer's payload).
    action: Callable[[str], JournalAction | None] = lambda _key: None

    def sending(self, detail: Any = None) -> None:
        self.mark_sent(detail)
        self.sent.append(detail)

    def refused(self, journaled: bool, why: str) -> None:
        if journaled and self.sent:
            self.mark_refused(why)
            self.sent.pop()


Run = Callable[[Context, dict[str, Any]], Awaitable[Result]]


@dataclass(frozen=True)
class Handler:
    """One action type. ``run`` gets the payload with its references resolved.

    ``requires``: payload fields that must hold a value once resolved (an
    inverse whose ids the journal lacks fails instead of deleting nothing).
    ``left_in_place``: set for an inverse Webex does not offer; rollback lists
    it with this reason and never attempts it.
    """

    type: str
    run: Run
    inverse: str | None = None
    requires: tuple[str, ...] = ()
    left_in_place: str = ""


async def _never(_ctx: Context, _payload: dict[str, Any]) -> Result:
    raise failure("this step is never run", "not_undoable")


def not_offered(action_type: str, reason: str) -> Handler:
    """An inverse Webex does not offer: rollback lists it with ``reason``, never runs it."""
    return Handler(action_type, _never, left_in_place=reason)


async def look_create_look(
    ctx: Context,
    lookup: Callable[[], Awaitable[T | None]],
    create: Callable[[], Awaitable[T]],
    *,
    detail: Callable[[], Any] = lambda: None,
    journaled: bool = True,
) -> tuple[T, bool]:
    """Look, create, and when the answer is lost look again before trying again.

    A create is repeated only after a lookup proved the object does not exist,
    so an ambiguous POST never makes a duplicate. Returns the object and
    whether it is adopted: found before any create was ever sent for it.
    ``journaled=False`` for a follow-up step on the action's own object (enable
    a location for calling): it says nothing about whose the object is.
    """
    found = await lookup()
    if found is not None:
        return found, not ctx.sent
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        if journaled:
            ctx.sending(detail())
        try:
            return await create(), False
        except WebexError as err:
            if not err.ambiguous:
                ctx.refused(journaled, str(err))
                raise
            if attempt == CREATE_ATTEMPTS:
                raise
        except Outcome as outcome:  # refused before anything was sent
            ctx.refused(journaled, outcome.message)
            raise
        found = await lookup()
        if found is not None:
            return found, False
        await asyncio.sleep(min(2.0, ctx.options.backoff_s * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
