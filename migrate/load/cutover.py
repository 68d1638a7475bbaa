"""Cutover as library calls: is a customer ready, which numbers, switch them on or off.

``load`` stages a customer dark (numbers inactive, BroadWorks still carries
the calls); cutover switches its numbers on in one journaled step per
location, ``activate_numbers:<location>``, whose inverse switches them off.
The steps live in the journal, not in the plan, so ``retry`` and rollback
treat them like any other action. A number inactive in BroadWorks (the
``inactive`` list of its ``add_numbers`` action) is never switched on unless
the config names it.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from migrate.errors import InputError
from migrate.load import journal as jr
from migrate.load.dryrun import DryRunTransport, Recorded
from migrate.load.executor import Executor, LoadOptions, Undo, journal_actions
from migrate.load.journal import JOURNAL_FILE, Journal, JournalAction
from migrate.mapping.rules import MIGRATED_DEVICE_KINDS
from migrate.plan import model as wm
from migrate.plan.actions import (
    ACTIVATE_NUMBERS,
    ADD_NUMBERS,
    APPLY_PERSON_SETTINGS,
    AWAIT_CUSTOMER,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    DEACTIVATE_NUMBERS,
    FEATURE_CREATES,
    FOLLOW_UP_TYPES,
    Action,
    action_key,
    ref,
)
from migrate.webex import Webex

NOT_READY = (jr.FAILED, jr.SKIPPED, jr.PARKED)
# Well past the load's ordinals, so a rollback on the same millisecond undoes these first.
_ORDINAL_OFFSET = 100_000


def activation_key(add_numbers_key: str) -> str:
    return action_key(ACTIVATE_NUMBERS, add_numbers_key.split(":", 1)[1])


def customers_for(journal: Journal, customer: str | None, batch: int | None) -> list[str]:
    """The customers ``--customer`` or ``--batch`` names; unknown ones are bad input."""
    if (customer is None) == (batch is None):
        raise InputError("cutover: give exactly one of --customer, --batch")
    actions = journal.actions()
    if customer is not None:
        if not any(a.customer == customer for a in actions):
            raise InputError(f"cutover: the journal has no customer {customer}")
        return [customer]
    chosen = sorted({a.customer for a in actions if a.batch == batch})
    if not chosen:
        raise InputError(f"cutover: the journal has no batch {batch}")
    return chosen


def _load_actions(journal: Journal, customer: str) -> list[JournalAction]:
    return [a for a in journal.actions(customer=customer) if a.type not in FOLLOW_UP_TYPES]


_NEVER = datetime.min.replace(tzinfo=UTC)


def _when(stamp: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(stamp)) if stamp else _NEVER
    except ValueError:
        return _NEVER
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def problems(
    journal: Journal, workspace: Path, customer: str, verify: dict[str, Any] | None
) -> list[str]:
    """Why ``customer`` is not ready to cut over; empty when it is."""
    found: list[str] = []
    loaded = _load_actions(journal, customer)
    for action in loaded:
        if action.state in NOT_READY:
            why = f": {action.error_message}" if action.error_message else ""
            found.append(f"{action.state} {action.key}{why}")
        elif action.state in (jr.PENDING, jr.STARTED, jr.ROLLED_BACK):
            found.append(f"not loaded: {action.key} is {action.state}")
    for issue in wm.read(workspace, "issues"):
        if issue.severity == wm.BLOCKER and issue.customer_id == customer:
            found.append(f"blocker {issue.code} on {issue.entity} {issue.key}: {issue.message}")
    last_load = max((_when(a.updated_at) for a in loaded), default=_NEVER)
    if verify and _when(verify.get("verified_at")) >= last_load.replace(microsecond=0):
        # A number's state is what cutover sets: that difference is no reason to wait.
        differences = [
            d
            for d in verify.get("differences", [])
            if d.get("customer") == customer
            and not (d.get("kind") == "number" and d.get("field") == "state")
        ]
        if differences:
            first = differences[0]
            found.append(
                f"verify found {len(differences)} differences since the last load "
                f"(first: {first.get('kind')} {first.get('key')} {first.get('problem')})"
            )
    return found


@dataclass
class Activation:
    """The numbers of one location cutover switches on, and those it leaves off."""

    customer: str
    location_key: str  # the add_numbers action
    location_id: str | None
    activate: list[str]
    left_inactive: list[str]


def activations(
    journal: Journal, customers: Iterable[str], allow_inactive: Iterable[str] = ()
) -> list[Activation]:
    allowed = set(allow_inactive)
    chosen = set(customers)
    out = []
    for action in journal.actions():
        if action.type != ADD_NUMBERS or action.customer not in chosen:
            continue
        numbers = list(action.payload["body"]["phoneNumbers"])
        dark = set(action.payload.get("inactive") or ()) - allowed
        out.append(
            Activation(
                action.customer,
                action.key,
                (action.result or {}).get("locationId"),
                [n for n in numbers if n not in dark],
                [n for n in numbers if n in dark],
            )
        )
    return sorted(out, key=lambda a: (a.customer, a.location_key))


def _actions(journal: Journal, chosen: list[Activation]) -> list[Action]:
    out = []
    for item in chosen:
        if not item.activate:
            continue
        add = journal.get(item.location_key)
        assert add is not None
        key = activation_key(item.location_key)
        location = ref(item.location_key, "locationId")
        out.append(
            Action(
                key,
                ACTIVATE_NUMBERS,
                item.customer,
                add.ordinal + _ORDINAL_OFFSET,
                {
                    "orgId": add.payload["orgId"],
                    "locationId": location,
                    "phoneNumbers": item.activate,
                },
                depends_on=(item.location_key,),
                inverse={
                    "type": DEACTIVATE_NUMBERS,
                    "orgId": add.payload["orgId"],
                    "locationId": location,
                    "phoneNumbers": ref(key, "activated"),
                },
                summary=f"activate {len(item.activate)} numbers",
            )
        )
    return out


@dataclass
class CutoverRun:
    run_id: int
    customers: list[str]
    undo: bool
    states: dict[str, str] = field(default_factory=dict)  # action key → state
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    @property
    def ok(self) -> bool:
        done = jr.ROLLED_BACK if self.undo else jr.SUCCEEDED
        return not self.failed and all(s == done for s in self.states.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "customers": self.customers,
            "undo": self.undo,
            "states": self.states,
            "failed": self.failed,
            "requests": self.requests,
        }


async def switch_on(
    webex: Webex,
    journal: Journal,
    customers: list[str],
    allow_inactive: Iterable[str] = (),
    options: LoadOptions | None = None,
) -> CutoverRun:
    """Activate the customers' numbers, one journaled action per location."""
    actions = _actions(journal, activations(journal, customers, allow_inactive))
    journal.record_plan(journal_actions(actions))
    for action in actions:
        add = journal.get(action.depends_on[0])
        journal.assign_batch([action.key], add.batch if add else 0)
    run_id = journal.begin_run("cutover", None)
    before = webex.client.requests_sent
    # Every state: the handler sends only for numbers not active yet, so a cutover run
    # again after an undo (whole or partial) switches on what is off, and nothing else.
    executor = Executor(webex, journal, run_id, options, rerun=frozenset(jr.STATES))
    await executor.run(actions)
    result = CutoverRun(run_id, customers, False, requests=webex.client.requests_sent - before)
    for action in actions:
        state = executor.states.get(action.key, jr.PENDING)
        result.states[action.key] = state
        done = journal.get(action.key)
        if state != jr.SUCCEEDED and done is not None:
            result.failed[action.key] = done.error_message or state
    journal.end_run(run_id, "partial" if result.failed else "done")
    return result


# A feature that can hold a number → its collection under the location.
_NUMBERED_FEATURES = {
    FEATURE_CREATES["hunt_group"]: "huntGroups",
    FEATURE_CREATES["call_queue"]: "queues",
    FEATURE_CREATES["auto_attendant"]: "autoAttendants",
    FEATURE_CREATES["paging_group"]: "paging",
}


def number_owners(actions: Iterable[JournalAction]) -> dict[str, dict[str, Any]]:
    """Each loaded number's owner, from the journal: ``{"kind", "id"}`` of the person, of
    the workspace with what its update needs (name, location, extension), or of the
    feature with its path."""
    owners: dict[str, dict[str, Any]] = {}
    for action in sorted(actions, key=lambda a: a.ordinal):
        result = action.result or {}
        if action.state != jr.SUCCEEDED:
            continue
        if action.type == CREATE_SUBSCRIBER and result.get("personId"):
            params = action.payload["body"].get("provisioningParameters") or {}
            if params.get("primaryPhoneNumber"):
                owners[params["primaryPhoneNumber"]] = {"kind": "person", "id": result["personId"]}
        elif action.type in _NUMBERED_FEATURES and result.get("id") and result.get("locationId"):
            number = action.payload["body"].get("phoneNumber")
            if number:
                collection = _NUMBERED_FEATURES[action.type]
                owners[number] = {
                    "kind": "feature",
                    "id": result["id"],
                    "path": f"telephony/config/locations/{result['locationId']}/"
                    f"{collection}/{result['id']}",
                }
        elif action.type == CREATE_WORKSPACE and result.get("workspaceId"):
            body = action.payload["body"]
            calling = (body.get("calling") or {}).get("webexCalling") or {}
            if calling.get("phoneNumber"):
                owners[calling["phoneNumber"]] = {
                    "kind": "workspace",
                    "id": result["workspaceId"],
                    "displayName": body.get("displayName"),
                    "locationId": result.get("locationId"),
                    "extension": calling.get("extension"),
                }
    return owners


async def switch_off(
    webex: Webex, journal: Journal, customers: list[str], options: LoadOptions | None = None
) -> CutoverRun:
    """``cutover --undo``: the customers back to staged, their numbers off and still theirs."""
    chosen = set(customers)
    owners = number_owners(a for a in journal.actions() if a.customer in chosen)
    steps = [
        Undo(
            a.key,
            DEACTIVATE_NUMBERS,
            {
                **a.inverse,
                "assigned": "fail",
                "owners": {n: owners[n] for n in a.result.get("activated", []) if n in owners},
            },
        )
        for a in journal.actions(states=[jr.SUCCEEDED])
        if a.type == ACTIVATE_NUMBERS
        and a.customer in chosen
        and a.inverse is not None
        and a.result is not None
    ]
    run_id = journal.begin_run("cutover --undo", None)
    before = webex.client.requests_sent
    undone = await Executor(webex, journal, run_id, options).undo(steps)
    result = CutoverRun(run_id, customers, True, requests=webex.client.requests_sent - before)
    result.states = {key: jr.ROLLED_BACK for key in undone.done}
    result.failed = dict(undone.failed)
    journal.end_run(run_id, "partial" if result.failed else "done")
    return result


# ------------------------------------------------------------------ --dry-run

Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]
Opener = Callable[[Wrap], AbstractAsyncContextManager[Webex]]


@dataclass
class Rehearsal:
    run: CutoverRun
    recorded: list[Recorded]
    reads_sent: int


async def rehearse(
    workspace: Path,
    opener: Opener,
    customers: list[str],
    *,
    undo: bool = False,
    allow_inactive: Iterable[str] = (),
    phones: list[Phone] | None = None,
    options: LoadOptions | None = None,
) -> Rehearsal:
    """The real cutover (or undo) on a throw-away copy of the journal, writes kept back."""
    transports: list[DryRunTransport] = []

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        transports.append(DryRunTransport(inner))
        return transports[-1]

    with tempfile.TemporaryDirectory(prefix="migrate-dry-run-") as scratch:
        scratch_ws = Path(scratch)
        with (
            sqlite3.connect(workspace / JOURNAL_FILE) as source,
            sqlite3.connect(scratch_ws / JOURNAL_FILE) as copy,
        ):
            source.backup(copy)
        with Journal(scratch_ws) as journal:
            async with opener(wrap) as webex:
                if undo:
                    run = await switch_off(webex, journal, customers, options)
                else:
                    await activation_codes(webex, journal, phones or [])
                    run = await switch_on(webex, journal, customers, allow_inactive, options)
    return Rehearsal(run, transports[0].recorded, transports[0].reads_sent)


# ------------------------------------------------------------------ what moves with it


@dataclass
class Phone:
    customer: str
    device_name: str
    group: str
    service_provider: str
    model: str
    mac: str  # empty: no MAC known, the person enters ``activation_code`` instead
    owner: str
    owner_kind: str
    owner_key: str  # the create action whose result holds the owner's Webex id
    activation_code: str = ""
    code_expires: str = ""


@dataclass
class UserLine:
    customer: str
    user: str
    name: str
    email: str
    what: str  # subscriber | the not-migrated kind
    result: str  # applied / the journal state, or "not migrated"
    detail: str = ""


def move_lists(
    workspace: Path, journal: Journal, customers: Iterable[str]
) -> tuple[list[Phone], list[UserLine]]:
    """The phones to move and the users (with what was not migrated) of ``customers``."""
    chosen = set(customers)
    phones = []
    for device in wm.read(workspace, "devices"):
        if device.customer_id not in chosen or not device.owner:
            continue
        # A phone without a MAC is not loaded, yet it moves: by activation code.
        by_code = device.mac is None and device.kind in MIGRATED_DEVICE_KINDS
        if not (device.migrate or by_code):
            continue
        kind = device.owner_kind or (
            "workspace"
            if journal.get(action_key(CREATE_WORKSPACE, device.owner)) is not None
            else "person"
        )
        create = CREATE_WORKSPACE if kind == "workspace" else CREATE_SUBSCRIBER
        phones.append(
            Phone(
                device.customer_id,
                device.device_name,
                device.bw_key.get("group_id", ""),
                device.bw_key.get("sp_id", ""),
                device.model or device.device_type or "",
                device.mac or "",
                device.owner,
                kind,
                action_key(create, device.owner),
            )
        )
    users = []
    people: dict[str, tuple[str, str]] = {}  # user id → (name, email)
    for sub in wm.read(workspace, "subscribers"):
        if sub.customer_id not in chosen:
            continue
        # A BroadWorks place became a workspace (a common-area phone), not a subscriber.
        what = "subscriber"
        done = journal.get(action_key(CREATE_SUBSCRIBER, sub.id))
        if done is None and journal.get(action_key(CREATE_WORKSPACE, sub.id)) is not None:
            what, done = "workspace", journal.get(action_key(CREATE_WORKSPACE, sub.id))
        name = " ".join(p for p in (sub.first_name, sub.last_name) if p)
        state = done.state if done else "not planned"
        result = "applied" if state == jr.SUCCEEDED else state
        users.append(UserLine(sub.customer_id, sub.id, name, sub.email or "", what, result))
        people[sub.id] = (name, sub.email or "")
    # Each call setting applied (or not) per user; the listed ones follow as not migrated.
    for setting in wm.read(workspace, "person_settings"):
        if setting.customer_id not in chosen or setting.decision != "migrate":
            continue
        applied = journal.get(action_key(APPLY_PERSON_SETTINGS, setting.id))
        state = applied.state if applied else "not planned"
        name, email = people.get(setting.subscriber_id, ("", ""))
        users.append(
            UserLine(
                setting.customer_id,
                setting.subscriber_id,
                name,
                email,
                f"call setting {setting.feature}",
                "applied" if state == jr.SUCCEEDED else state,
            )
        )
    for feature in wm.read(workspace, "call_features"):
        if feature.customer_id in chosen:  # a hunt group, queue, ...: built by the load
            done = journal.get(action_key(FEATURE_CREATES[feature.kind], feature.id))
            state = done.state if done else "not planned"
            result = "applied" if state == jr.SUCCEEDED else state
            user = feature.bw_key.get("service_user_id", feature.id)
            users.append(
                UserLine(feature.customer_id, user, feature.name, "", feature.kind, result)
            )
    for item in wm.read(workspace, "not_migrated"):
        if item.customer_id in chosen:
            users.append(
                UserLine(
                    item.customer_id,
                    item.bw_key.get("user_id", item.id),
                    item.name or "",
                    "",
                    item.kind,
                    "not migrated",
                    "; ".join(filter(None, [", ".join(item.items), item.reason, item.rebuild])),
                )
            )
    return sorted(phones, key=lambda p: (p.customer, p.device_name)), users


async def activation_codes(webex: Webex, journal: Journal, phones: list[Phone]) -> None:
    """Ask Webex for a code for each phone without a MAC (its owner must exist)."""
    for phone in phones:
        if phone.mac:
            continue
        owner = journal.get(phone.owner_key)
        wait = journal.get(action_key(AWAIT_CUSTOMER, phone.customer))
        owner_id = (owner.result or {}) if owner and owner.state == jr.SUCCEEDED else {}
        org_id = ((wait.result or {}) if wait else {}).get("orgId")
        person, place = owner_id.get("personId"), owner_id.get("workspaceId")
        if not org_id or not (person or place):
            phone.activation_code = "(owner not in Webex yet)"
            continue
        model = phone.model or None
        if phone.owner_kind == "workspace":
            code = await webex.devices.activation_code(org_id, workspace_id=place, model=model)
        else:
            code = await webex.devices.activation_code(org_id, person_id=person, model=model)
        phone.activation_code, phone.code_expires = code
