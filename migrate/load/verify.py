"""``migrate verify``: read the migrated customers back from Webex and compare with the plan.

Read-only: only GET requests are sent. What is expected comes from the plan's
actions (what BroadWorks held, mapped); which customers are in scope comes
from the journal (a customer the load never touched is "not loaded yet", not
a difference); an action the journal marks ``rolled_back`` is expected to be
gone. Each kind of object is one entry of ``verify_kinds.KINDS``: the action
type that creates it, the fields compared, how the plan describes it and how it
is read back (workspaces, devices and the people behind subscribers are entries
like the others). A kind the plan holds without an entry, a field the APIs do not show, and
a listing Webex refused to give are each reported: never a silent pass.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate import workspace as layout
from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.compare import (
    DIFFERENT,
    MISSING,
    UNEXPECTED,
    UNREAD,
    Difference,
    body_differences,
    resolved,
)
from migrate.load.journal import Journal, JournalAction
from migrate.load.verify_features import CALL_FEATURE, verify_call_features
from migrate.load.verify_features import READERS as FEATURE_READERS
from migrate.load.verify_kinds import (
    KINDS,
    Actual,
    CustomerPlan,
    Expected,
    Kind,
    Readback,
    Unreadable,
)
from migrate.load.verify_shared_lines import SHARED_LINE, verify_shared_lines
from migrate.plan import model as wm
from migrate.plan.actions import (
    ADD_SHARED_LINES,
    APPLY_PERSON_SETTINGS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    REMOVE,
    UPDATE,
    Action,
)
from migrate.plan.builder import Plan
from migrate.webex import Webex, WebexError


@dataclass
class VerifyResult:
    customers: list[str]
    not_loaded: list[str]
    differences: list[Difference]
    checked: dict[str, int]  # objects compared per kind
    matched: dict[str, int]  # of those, identical
    not_compared: list[tuple[str, str]]  # (what, why): never silent
    requests: int = 0
    seconds: float = 0.0
    verified_at: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        found = Counter(d.problem for d in self.differences)
        counts = {p: found.get(p, 0) for p in (MISSING, UNEXPECTED, DIFFERENT)}
        if found.get(UNREAD):
            counts[UNREAD] = found[UNREAD]
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "not_loaded": self.not_loaded,
            "differences": [asdict(d) for d in self.differences],
            "counts": self.counts(),
            "checked": self.checked,
            "matched": self.matched,
            "not_compared": [list(n) for n in self.not_compared],
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "verified_at": self.verified_at,
            "ok": self.ok,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerifyResult:
        return cls(
            customers=list(data["customers"]),
            not_loaded=list(data["not_loaded"]),
            differences=[Difference(**d) for d in data["differences"]],
            checked=dict(data["checked"]),
            matched=dict(data["matched"]),
            not_compared=[(str(a), str(b)) for a, b in data["not_compared"]],
            requests=int(data.get("requests", 0)),
            seconds=float(data.get("seconds", 0.0)),
            verified_at=str(data.get("verified_at", "")),
        )


# Action types that create nothing to read back.
_NOTHING_TO_READ = {AWAIT_CUSTOMER}
# The first location travels with the customer's create: the location kind reads both.
_ALSO_FROM = {"location": (CREATE_CUSTOMER,)}
# Model entities verify cannot read yet: kind name that will → (model entity, action type).
# Why a field could not be read, per kind (default: the subscriber's and workspace's).
PREEXISTING = "already in the org"
_UNREADABLE_WHY = {
    "person": "not compared: the subscriber waits for its user to accept the move "
    "(pending_user_migration), so its person is not in the customer's org yet",
    PREEXISTING: "not compared: in the customer's existing Webex org before the "
    "migration and not made by it",
}
_NO_NUMBER_WHY = (
    "not compared: without a phone number, the Wholesale and Calling APIs "
    "used here do not show this object's extension or location"
)
_MODEL_ENTITIES = {
    "device": ("devices", "create_device"),
    "workspace": ("workspaces", "create_workspace"),
}


# ---------------------------------------------------------------- comparing


def compare(
    customer: str,
    kind: Kind,
    expected: list[Expected],
    actual: list[Actual],
    unreadable: Counter[str],
) -> tuple[list[Difference], int]:
    """Differences of one kind for one customer, and how many objects matched exactly."""
    wanted = {e.key: e for e in expected if e.state != jr.ROLLED_BACK}
    gone = {e.key for e in expected if e.state == jr.ROLLED_BACK}
    found = {a.key: a for a in actual}
    out: list[Difference] = []
    matched = 0
    for key in sorted(wanted):
        exp = wanted[key]
        act = found.get(key)
        if act is None:
            out.append(
                Difference(
                    customer,
                    kind.name,
                    key,
                    MISSING,
                    action=exp.action,
                    journal_state=exp.state,
                    message=f"planned {kind.name} is not in Webex",
                )
            )
            continue
        alike = True
        for name in kind.fields:
            want, have = exp.fields.get(name), act.fields.get(name)
            if isinstance(have, Unreadable):
                unreadable[f"{kind.name}.{name}"] += 1
                continue
            if (want or None) != (have or None):
                alike = False
                out.append(
                    Difference(
                        customer,
                        kind.name,
                        key,
                        DIFFERENT,
                        name,
                        want,
                        have,
                        exp.action,
                        exp.state,
                        act.webex_id,
                        f"{name}: planned {want or '(none)'}, Webex has {have or '(none)'}",
                    )
                )
        matched += alike
    for key in sorted(set(found) - set(wanted)):
        act = found[key]
        why = (
            "rolled back, yet still in Webex"
            if key in gone
            else f"in Webex but not in the plan for {customer}"
        )
        out.append(
            Difference(customer, kind.name, key, UNEXPECTED, webex_id=act.webex_id, message=why)
        )
    return out, matched


async def _verify_customer(
    webex: Webex, plan: CustomerPlan, kinds: tuple[Kind, ...], unreadable: Counter[str]
) -> tuple[list[Difference], Counter[str], Counter[str]]:
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    expected: dict[str, list[Expected]] = {k.name: [] for k in kinds}
    for kind in kinds:
        types = (kind.action_type, *_ALSO_FROM.get(kind.name, ()))
        for action in plan.actions.values():
            if action.type in types:
                expected[kind.name] += kind.expected(action, plan)
    customer_exp = expected["customer"][0]
    if customer_exp.state == jr.ROLLED_BACK:
        found = await webex.wholesale.find_customer(
            customer_exp.key, on_behalf_of=plan.on_behalf_of
        )
        if found is None:
            return [], checked, matched
        return (
            [
                Difference(
                    plan.id,
                    "customer",
                    customer_exp.key,
                    UNEXPECTED,
                    webex_id=found.id,
                    action=customer_exp.action,
                    journal_state=customer_exp.state,
                    message="rolled back, yet still in Webex",
                )
            ],
            checked,
            matched,
        )
    found = await webex.wholesale.find_customer(customer_exp.key, on_behalf_of=plan.on_behalf_of)
    if found is None:
        under = sum(len(v) for name, v in expected.items() if name != "customer")
        checked["customer"] += 1
        return (
            [
                Difference(
                    plan.id,
                    "customer",
                    customer_exp.key,
                    MISSING,
                    action=customer_exp.action,
                    journal_state=customer_exp.state,
                    message=f"customer not in Webex; its {under} planned locations, "
                    "numbers and subscribers were not compared",
                )
            ],
            checked,
            matched,
        )
    back = Readback(webex, found, plan.on_behalf_of)
    out: list[Difference] = []
    # Per kind, the keys it found missing or unexpected (for the kinds part of it).
    absent: dict[str, set[str]] = {}
    for kind in kinds:
        try:
            actual = await kind.actual(back)
        except WebexError as err:
            # Nothing proven either way (a missing scope, an outage): a difference to act
            # on, never a silent pass.
            out.append(
                Difference(
                    plan.id,
                    kind.name,
                    "*",
                    UNREAD,
                    message=f"could not read {kind.name}s back: {err}",
                )
            )
            continue
        wanted = expected[kind.name]
        if plan.existing_org:  # what the org held before is not ours to find unexpected
            keys = {e.key for e in wanted}
            theirs = [a for a in actual if a.key not in keys]
            if theirs:
                unreadable[f"{PREEXISTING}.{kind.name}"] += len(theirs)
                actual = [a for a in actual if a.key in keys]
        skip = absent.get(kind.part_of or "", set())
        if skip:
            wanted = [e for e in wanted if e.key not in skip]
            actual = [a for a in actual if a.key not in skip]
        diffs, alike = compare(plan.id, kind, wanted, actual, unreadable)
        out += diffs
        absent[kind.name] = {d.key for d in diffs if d.problem in (MISSING, UNEXPECTED)}
        checked[kind.name] += len({e.key for e in wanted} | {a.key for a in actual})
        matched[kind.name] += alike
    return out, checked, matched


def _not_compared(
    plan: Plan, workspace: Path, kinds: tuple[Kind, ...], unreadable: Counter[str]
) -> list[tuple[str, str]]:
    covered = (
        {k.action_type for k in kinds}
        | _NOTHING_TO_READ
        | {t for k in kinds for t in _ALSO_FROM.get(k.name, ())}
    )
    notes: list[tuple[str, str]] = []
    # verify_person_settings, verify_shared_lines and verify_call_features read these
    covered = covered | {APPLY_PERSON_SETTINGS, ADD_SHARED_LINES} | set(FEATURE_READERS)
    # Updates and removals change objects a create kind compares: nothing of their own.
    per_type = Counter(
        a.type for a in plan.actions if a.type not in covered and a.op not in (UPDATE, REMOVE)
    )
    for kind_type, n in sorted(per_type.items()):
        notes.append(
            (
                f"{n} {kind_type} actions",
                "loaded by the plan, but verify has no reader for this kind yet",
            )
        )
    names = {k.name for k in kinds}
    planned_types = {a.type for a in plan.actions}
    for kind_name, (entity, action_type) in _MODEL_ENTITIES.items():
        if kind_name in names or action_type in planned_types:
            continue  # compared, or already listed above with its action count
        records = list(wm.read(workspace, entity))
        if entity == "devices":
            records = [d for d in records if d.migrate]
        notes.append(
            (
                f"{entity}: {len(records)} in the model",
                f"{entity} were not compared: the plan does not load them",
            )
        )
    for what, n in sorted(unreadable.items()):
        why = _UNREADABLE_WHY.get(what.partition(".")[0], _NO_NUMBER_WHY)
        notes.append((f"{what} of {n} objects", why))
    return notes


def _scope(
    plan: Plan, actions: list[JournalAction], select: Iterable[str]
) -> tuple[list[str], list[str]]:
    planned = sorted({a.customer for a in plan.actions})
    chosen = set(select)
    unknown = chosen - set(planned)
    if unknown:
        raise InputError(f"--select: no customer {', '.join(sorted(unknown))} in the plan")
    touched = {a.customer for a in actions if a.state != jr.PENDING}
    wanted = [c for c in planned if not chosen or c in chosen]
    return [c for c in wanted if c in touched], [c for c in wanted if c not in touched]


async def verify(
    workspace: Path,
    webex: Webex,
    plan: Plan,
    *,
    select: Iterable[str] = (),
    concurrency: int = 8,
    kinds: tuple[Kind, ...] = KINDS,
) -> VerifyResult:
    """Compare what Webex holds for the loaded customers with the plan. Sends only GETs."""
    started = time.perf_counter()
    layout.Workspace(workspace).require_journal(
        "nothing was loaded yet, so there is nothing to verify"
    )
    with Journal(workspace) as journal:
        journaled = journal.actions()
    states = {a.key: a.state for a in journaled}
    journal_results = {a.key: a.result for a in journaled if a.result}
    customers, not_loaded = _scope(plan, journaled, select)
    by_customer: dict[str, dict[str, Action]] = {}
    for action in plan.actions:
        by_customer.setdefault(action.customer, {})[action.key] = action
    unreadable: Counter[str] = Counter()
    slots = asyncio.Semaphore(max(1, concurrency))
    before = webex.client.requests_sent

    async def one(customer: str) -> tuple[list[Difference], Counter[str], Counter[str]]:
        actions = by_customer[customer]
        create = next(a for a in actions.values() if a.type == CREATE_CUSTOMER)
        on_behalf = create.payload.get("params", {}).get("onBehalfOfSubPartnerOrgId")
        async with slots:
            return await _verify_customer(
                webex,
                CustomerPlan(
                    customer,
                    actions,
                    states,
                    on_behalf,
                    journal_results,
                    existing_org=bool(create.payload.get("body", {}).get("orgId")),
                ),
                kinds,
                unreadable,
            )

    results = await asyncio.gather(*(one(c) for c in customers))
    differences: list[Difference] = []
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for diffs, seen, alike in results:
        differences += diffs
        checked.update(seen)
        matched.update(alike)
    settings = await asyncio.gather(
        *(
            verify_person_settings(webex, c, by_customer[c], states, journal_results)
            for c in customers
        ),
        *(
            verify_call_features(webex, c, by_customer[c], states, journal_results)
            for c in customers
        ),
    )
    for diffs, seen, alike in settings:
        differences += diffs
        checked.update(seen)
        matched.update(alike)
    lines = await asyncio.gather(
        *(verify_shared_lines(webex, by_customer[c], states, journal_results) for c in customers)
    )
    for customer, (found, count, same_lines) in zip(customers, lines, strict=True):
        differences += [Difference(customer, SHARED_LINE, **f) for f in found]
        checked[SHARED_LINE] += count
        matched[SHARED_LINE] += same_lines
    order = {UNREAD: 0, MISSING: 1, DIFFERENT: 2, UNEXPECTED: 3}
    differences.sort(key=lambda d: (d.customer, order[d.problem], d.kind, d.key, d.field or ""))
    return VerifyResult(
        customers=customers,
        not_loaded=not_loaded,
        differences=differences,
        checked={k: checked.get(k, 0) for k in (*(k.name for k in kinds), *EXTRA_KINDS)}
        | ({CALL_FEATURE: checked[CALL_FEATURE]} if checked[CALL_FEATURE] else {}),
        matched={k: matched.get(k, 0) for k in (*(k.name for k in kinds), *EXTRA_KINDS)}
        | ({CALL_FEATURE: matched[CALL_FEATURE]} if checked[CALL_FEATURE] else {}),
        not_compared=_not_compared(plan, workspace, kinds, unreadable),
        requests=webex.client.requests_sent - before,
        seconds=time.perf_counter() - started,
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


# ---------------------------------------------------------------- person settings

PERSON_SETTING = "person_setting"
EXTRA_KINDS = (PERSON_SETTING, SHARED_LINE)  # compared outside KINDS


async def verify_person_settings(
    webex: Webex,
    customer: str,
    actions: dict[str, Action],
    states: dict[str, str],
    results: dict[str, dict[str, Any]],
) -> tuple[list[Difference], Counter[str], Counter[str]]:
    """Read every applied person feature back; each planned value must be there."""
    out: list[Difference] = []
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for action in sorted(actions.values(), key=lambda a: a.key):
        if action.type != APPLY_PERSON_SETTINGS:
            continue
        state = states.get(action.key, jr.PENDING)
        if state == jr.ROLLED_BACK:
            continue  # the person's earlier settings are back: nothing of ours to find
        key = action.key.split(":", 1)[1]
        checked[PERSON_SETTING] += 1
        org_id = resolved(action.payload["orgId"], results)
        person_id = resolved(action.payload["personId"], results)
        feature = str(action.payload["feature"])

        diff = functools.partial(
            Difference,
            customer,
            PERSON_SETTING,
            key,
            action=action.key,
            journal_state=state,
            webex_id=person_id,
        )
        if state != jr.SUCCEEDED or not org_id or not person_id:
            out.append(diff(MISSING, message=f"{feature} was not applied (journal: {state})"))
            continue
        try:
            found = await webex.person_settings.read(org_id, person_id, feature)
        except WebexError as err:
            out.append(diff(UNREAD, message=f"could not read {feature} back: {err}"))
            continue
        found_differences = body_differences(action.payload["body"], found, f"{feature}.", diff)
        out += found_differences
        alike = not found_differences
        matched[PERSON_SETTING] += alike
    return out, checked, matched
