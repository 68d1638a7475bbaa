"""Running a plan against Webex: customers concurrently, each in dependency order.

Exactly once: before any create the executor looks the object up (customer
by ``externalId``, subscriber by customer and email, location by name,
numbers by location) and adopts what exists; an action left ``started`` by a
crash is reconciled by the same lookup; a POST whose answer was lost is never
repeated blind. Every transition is committed to the journal around the
request, so the next run knows exactly where this one stopped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from migrate.load import journal as jr
from migrate.load.journal import Journal, JournalAction
from migrate.plan.actions import (
    ADD_NUMBERS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    Action,
    is_ref,
)
from migrate.webex import Webex, WebexError
from migrate.webex.models import Subscriber

T = TypeVar("T")

# Creates tried after a lookup proved the object absent; 429/423 waits are the client's.
CREATE_ATTEMPTS = 4
PARKED_CUSTOMER = "pending_rpl_review"
PARKED_SUBSCRIBER = "pending_user_migration"


@dataclass
class LoadOptions:
    concurrency: int = 8
    fail_fast: bool = False
    poll_interval: float = 2.0
    poll_max_interval: float = 30.0
    poll_timeout: float = 900.0
    backoff_s: float = 0.1  # first pause before a create is tried again


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

    @property
    def ok(self) -> bool:
        return not any(self.counts.get(s) for s in (jr.FAILED, jr.SKIPPED, jr.STARTED))

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
        }


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


class Executor:
    def __init__(
        self,
        webex: Webex,
        journal: Journal,
        run_id: int,
        options: LoadOptions | None = None,
        progress: Callable[[int], None] | None = None,
        rerun: frozenset[str] = frozenset((jr.PENDING, jr.STARTED)),
    ) -> None:
        self.webex = webex
        self.rerun = rerun
        self.journal = journal
        self.run_id = run_id
        self.options = options or LoadOptions()
        self.progress = progress
        self.results: dict[str, dict[str, Any]] = {}
        self.states: dict[str, str] = {}
        self._stop = False

    # ------------------------------------------------------------ orchestration

    async def run(self, actions: list[Action]) -> bool:
        """Run ``actions`` (whole customers); False when it stopped early (--fail-fast)."""
        for done in self.journal.actions():
            self.states[done.key] = done.state
            if done.result:
                self.results[done.key] = done.result
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

        await asyncio.gather(*(one(group) for group in by_customer.values()))
        return not self._stop

    async def _step(self, action: Action) -> None:
        state = self.states.get(action.key, jr.PENDING)
        if state not in self.rerun:
            return  # done, or failed/parked work that only `retry` takes up again
        blocking = [d for d in action.depends_on if self.states.get(d) != jr.SUCCEEDED]
        if blocking:
            reasons = ", ".join(f"{d} is {self.states.get(d, jr.PENDING)}" for d in blocking)
            if all(self.states.get(d) == jr.PARKED for d in blocking):
                # Not a failure: it waits with what it waits for, and `retry` takes both up.
                self._record(
                    action,
                    jr.PARKED,
                    Outcome(jr.PARKED, f"waits for {reasons}", "waits_for_parked", "parked"),
                )
            else:
                self._record(action, jr.SKIPPED, message=f"waits for {reasons}")
            return
        if self._stop:
            return
        # Every handler looks its object up before creating it, which is also how an
        # action a crash left `started`, or a parked one, is reconciled.
        self.journal.start(action.key, self.run_id)
        self.states[action.key] = jr.STARTED
        try:
            result, adopted = await self._handle(action)
        except Outcome as outcome:
            self._record(action, outcome.state, outcome)
            if outcome.state == jr.FAILED and self.options.fail_fast:
                self._stop = True
            return
        except WebexError as err:
            self._record(action, jr.FAILED, classify(err))
            if self.options.fail_fast:
                self._stop = True
            return
        self.results[action.key] = result
        self.journal.succeed(action.key, self.run_id, result, adopted=adopted)
        self.states[action.key] = jr.SUCCEEDED
        self._tick()

    def _record(
        self, action: Action, state: str, outcome: Outcome | None = None, message: str = ""
    ) -> None:
        if state == jr.SKIPPED:
            self.journal.skip(action.key, self.run_id, message)
        elif state == jr.PARKED:
            assert outcome is not None
            self.journal.park(
                action.key,
                self.run_id,
                outcome.code or "parked",
                outcome.message,
                result=outcome.result,
                tracking_id=outcome.tracking_id,
            )
            if outcome.result:
                self.results[action.key] = outcome.result
        else:
            assert outcome is not None
            self.journal.fail(
                action.key,
                self.run_id,
                outcome.kind,
                outcome.code,
                outcome.message,
                tracking_id=outcome.tracking_id,
            )
        self.states[action.key] = state
        self._tick()

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(1)

    # ------------------------------------------------------------ references

    def resolve(self, value: Any) -> Any:
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

    # ------------------------------------------------------------ handlers

    async def _handle(self, action: Action) -> tuple[dict[str, Any], bool]:
        payload = self.resolve(action.payload)
        if action.type == CREATE_CUSTOMER:
            return await self._create_customer(payload)
        if action.type == AWAIT_CUSTOMER:
            return await self._await_customer(action, payload), False
        if action.type == CREATE_LOCATION:
            return await self._create_location(payload)
        if action.type == ADD_NUMBERS:
            return await self._add_numbers(payload)
        if action.type == CREATE_SUBSCRIBER:
            return await self._create_subscriber(payload)
        # Issue #7: workspaces and devices live in load/devices.py (which imports this one).
        from migrate.load.devices import HANDLERS as DEVICE_HANDLERS

        extra = DEVICE_HANDLERS.get(action.type)
        if extra is not None:
            return await extra(self, payload)
        raise Outcome(jr.FAILED, f"unknown action type {action.type}", "unknown_action")

    async def _create_or_adopt(
        self, lookup: Callable[[], Awaitable[T | None]], create: Callable[[], Awaitable[T]]
    ) -> tuple[T, bool]:
        """Look, create, and when the answer is lost look again before trying again.

        A create is repeated only after a lookup proved the object does not
        exist, so an ambiguous POST can never make a duplicate.
        """
        found = await lookup()
        if found is not None:
            return found, True
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return await create(), False
            except WebexError as err:
                if not err.ambiguous or attempt == CREATE_ATTEMPTS:
                    raise
            found = await lookup()
            if found is not None:
                return found, True
            await asyncio.sleep(min(2.0, self.options.backoff_s * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _create_customer(self, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        body = payload["body"]
        on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
        wholesale = self.webex.wholesale

        async def lookup() -> str | None:
            found = await wholesale.find_customer(body["externalId"], on_behalf_of=on_behalf)
            return found.id if found is not None else None

        async def create() -> str:
            return await wholesale.provision_customer(body, on_behalf_of=on_behalf)

        customer_id, adopted = await self._create_or_adopt(lookup, create)
        return {"customerId": customer_id}, adopted

    async def _await_customer(self, action: Action, payload: dict[str, Any]) -> dict[str, Any]:
        customer_id = payload["customerId"]
        on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
        opts = self.options
        customer = await self.webex.wholesale.wait_for_customer(
            customer_id,
            timeout=opts.poll_timeout,
            interval=opts.poll_interval,
            max_interval=opts.poll_max_interval,
            on_behalf_of=on_behalf,
        )
        if customer.status == PARKED_CUSTOMER:
            raise Outcome(
                jr.PARKED,
                "Cisco's Restricted/Denied Persons review (up to 72 h); "
                "`migrate retry` polls it again",
                PARKED_CUSTOMER,
                "parked",
                result={"customerId": customer_id},
            )
        if customer.status != "provisioned" or not customer.org_id:
            detail = (
                "; ".join(
                    f"{e.get('package', '')} {e.get('errorCode', '')} "
                    f"{e.get('description', '')}".strip()
                    for e in customer.errors
                )
                or "no detail"
            )
            raise Outcome(
                jr.FAILED,
                f"customer ended {customer.status}: {detail}",
                customer.status,
                "terminal",
                result={"customerId": customer_id},
            )
        first_name = None
        locations = [loc async for loc in self.webex.calling.list_locations(customer.org_id)]
        if payload.get("firstLocation"):
            first_name = self._first_location_name(action)
        chosen = next(
            (loc for loc in locations if first_name and loc.name == first_name),
            locations[0] if locations else None,
        )
        result = {"customerId": customer_id, "orgId": customer.org_id}
        if chosen is not None:
            result["locationId"] = chosen.id
        return result

    def _first_location_name(self, action: Action) -> str | None:
        create = self._plan_action(action.depends_on[0]) if action.depends_on else None
        if create is None:
            return None
        location = (
            create.payload.get("body", {})
            .get("provisioningParameters", {})
            .get("calling", {})
            .get("location", {})
        )
        name = location.get("name")
        return str(name) if name else None

    def _plan_action(self, key: str) -> JournalAction | None:
        return self.journal.get(key)

    async def _create_location(self, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        org_id, body = payload["orgId"], payload["body"]
        calling = self.webex.calling

        async def lookup() -> str | None:
            async for loc in calling.list_locations(org_id, name=body["name"]):
                if loc.name == body["name"]:
                    return loc.id
            return None

        async def create() -> str:
            return await calling.create_location(org_id, body)

        location_id, adopted = await self._create_or_adopt(lookup, create)

        async def enabled() -> bool | None:
            async for loc in calling.list_calling_locations(org_id):
                if loc.id == location_id:
                    return True
            return None

        async def enable() -> bool:
            try:
                request: Any = {"id": location_id, **body}
                await calling.enable_location_for_calling(org_id, request)
            except WebexError as err:
                # Enabled between our look and our request (another run): success here.
                if err.status != 409:
                    raise
            return True

        await self._create_or_adopt(enabled, enable)
        return {"locationId": location_id, "orgId": org_id}, adopted

    async def _add_numbers(self, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        org_id, location_id = payload["orgId"], payload["locationId"]
        wanted = list(payload["body"]["phoneNumbers"])
        calling = self.webex.calling

        async def present() -> set[str]:
            return {
                n.phone_number async for n in calling.list_numbers(org_id, location_id=location_id)
            }

        before = await present()
        missing = [n for n in wanted if n not in before]

        async def all_there() -> bool | None:
            return True if set(wanted) <= await present() else None

        async def add() -> bool:
            now = await present()
            todo = [n for n in wanted if n not in now]  # after a lost answer: only the rest
            if todo:
                await calling.add_numbers(
                    org_id, location_id, todo, state=payload["body"].get("state", "ACTIVE")
                )
            return True

        if missing:
            await self._create_or_adopt(all_there, add)
        return {
            "added": missing,
            "adopted": [n for n in wanted if n in before],
            "locationId": location_id,
        }, not missing

    async def _create_subscriber(self, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        body = payload["body"]
        on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
        wholesale = self.webex.wholesale

        async def lookup() -> Subscriber | None:
            return await wholesale.find_subscriber(
                body["customerId"], body["email"], on_behalf_of=on_behalf
            )

        async def create() -> Subscriber:
            return await wholesale.provision_subscriber(body, on_behalf_of=on_behalf)

        found, adopted = await self._create_or_adopt(lookup, create)
        result = {
            "subscriberId": found.id,
            "personId": found.person_id,
            "customerId": body["customerId"],
        }
        if found.status == PARKED_SUBSCRIBER:
            raise Outcome(
                jr.PARKED,
                "waiting for the user to accept the move of an existing "
                "Webex account (consent email)",
                PARKED_SUBSCRIBER,
                "parked",
                result=result,
            )
        return result, adopted


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
