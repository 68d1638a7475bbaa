"""The plan as a difference: the model against what the journal says exists (DESIGN §6).

Every object the toolkit creates has one create action whose key never
changes. What Webex holds for it is the ``fields`` of the newest action on it
that succeeded and was not rolled back: its create, then each update (whose
payload names the object it updates). Against the model's fields that gives
Terraform's four answers: ``create`` (never made, or rolled back), ``update``
(the changed fields, old → new), ``unchanged``, ``remove`` (ours, and gone
from the model; run only with ``load --prune``). Objects a load adopted are
never removed.

An update or removal is a new journaled action, keyed by the object, a
generation (how many changes were done to it, or undone) and a digest of its
values: a second change of the same object is a new action and the
journal's earlier one keeps its history, while a change that failed keeps
its key, so `retry` takes it up. Its inverse puts the previous values back.

The plan layer sits below the loader: the stage hands the journal over as
:class:`Known` records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from migrate.plan.actions import (
    ADD_NUMBERS,
    CREATE,
    CREATE_CUSTOMER,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    INVERSES,
    REMOVE,
    UNCHANGED,
    UPDATE,
    Action,
    action_key,
)
from migrate.plan.updates import Move, build_update, numbers_actions, subject

ENTITIES: dict[str, str] = {
    CREATE_CUSTOMER: "customer",
    CREATE_LOCATION: "location",
    ADD_NUMBERS: "numbers",
    CREATE_SUBSCRIBER: "subscriber",
    CREATE_WORKSPACE: "workspace",
    CREATE_DEVICE: "device",
}
# Removal order within a customer: what hangs on an object goes before it.
_REMOVAL_ORDER = {
    CREATE_DEVICE: 0,
    CREATE_WORKSPACE: 1,
    CREATE_SUBSCRIBER: 2,
    ADD_NUMBERS: 3,
    CREATE_LOCATION: 4,
    CREATE_CUSTOMER: 5,
}
# Objects that left the model but that no API call this toolkit makes can remove.
NOT_REMOVABLE = {
    CREATE_LOCATION: "left the model; Webex offers no location delete this toolkit relies on: "
    "remove it in Control Hub (it goes with its customer's removal)",
}
# Fields of a customer the Wholesale API cannot change (Control Hub can).
CUSTOMER_FIXED = ("name", "language", "primaryEmail")
SUCCEEDED = "succeeded"
Observed = dict[str, Any] | None
ROLLED_BACK = "rolled_back"


@dataclass(frozen=True)
class Known:
    """One journaled action, as the diff needs it."""

    key: str
    type: str
    customer: str
    ordinal: int
    payload: dict[str, Any]
    state: str
    ours: bool  # a create was sent for it: not adopted
    at: str = ""  # when it last succeeded
    inverse: dict[str, Any] | None = None


@dataclass
class Change:
    """One object's line in the plan: what happens to it and which fields change."""

    customer: str
    entity: str
    key: str  # the model id
    op: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name: (old, new)
    action: str | None = None  # the action that does it
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "entity": self.entity,
            "key": self.key,
            "op": self.op,
            "fields": {name: list(pair) for name, pair in self.fields.items()},
            "action": self.action,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(
            data["customer"],
            data["entity"],
            data["key"],
            data["op"],
            {name: (pair[0], pair[1]) for name, pair in (data.get("fields") or {}).items()},
            data.get("action"),
            data.get("note") or "",
        )


@dataclass
class Diff:
    actions: list[Action]
    changes: list[Change]


class JournalView:
    """The journal's view of each object: whether it exists, its fields, its history."""

    def __init__(self, known: Iterable[Known], observed: Mapping[str, Observed]) -> None:
        self.observed = observed
        self.by_key = {k.key: k for k in known}
        self.latest: dict[str, Known] = {}
        self.changes: dict[str, int] = defaultdict(int)
        self.deltas: dict[str, list[tuple[str, dict[str, list[str]]]]] = defaultdict(list)
        for k in sorted(self.by_key.values(), key=lambda k: (k.at, k.ordinal)):
            if "object" in k.payload:
                if k.state in (SUCCEEDED, ROLLED_BACK):
                    self.changes[k.payload["object"]] += 1
            elif k.type not in ENTITIES:
                continue
            if k.state != SUCCEEDED:
                continue
            if "fields" in k.payload:
                self.latest[k.payload.get("object", k.key)] = k
            for numbers, delta in (k.payload.get("delta") or {}).items():
                self.deltas[numbers].append((k.at, delta))

    def exists(self, key: str) -> bool:
        found = self.by_key.get(key)
        return found is not None and found.state == SUCCEEDED and not self.gone(key)

    def gone(self, key: str) -> bool:
        """The journal says it exists, but Webex (``--refresh``) no longer has it."""
        return key in self.observed and self.observed[key] is None

    def fields(self, key: str) -> dict[str, Any] | None:
        latest = self.latest.get(key)
        if latest is None:
            return None
        out = dict(latest.payload["fields"])
        seen = self.observed.get(key)
        if latest.type == ADD_NUMBERS:
            numbers = set(out["phoneNumbers"])
            for at, delta in self.deltas.get(key, []):
                if at >= latest.at:  # a change made before a re-create is gone with it
                    numbers = (numbers | set(delta.get("add", []))) - set(delta.get("remove", []))
            if seen is not None:  # of ours, those Webex still has (never others' numbers)
                numbers &= set(seen.get("phoneNumbers", []))
            out["phoneNumbers"] = sorted(numbers)
        elif seen is not None:
            out.update(seen)
        return out

    def refs(self, key: str) -> dict[str, Any]:
        latest = self.latest.get(key)
        return dict(latest.payload.get("refs") or {}) if latest is not None else {}


def _moves(desired: Sequence[Action], journal: JournalView) -> dict[str, list[Move]]:
    """Numbers that move because their subscriber moved, by the subscriber's create key.

    Only between locations whose numbers the journal has and where the model
    puts the number: anything else is an ordinary add or removal.
    """
    wanted = {a.key: a for a in desired}
    out: dict[str, list[Move]] = {}
    for action in desired:
        if action.type != CREATE_SUBSCRIBER or not journal.exists(action.key):
            continue
        old, new = journal.fields(action.key) or {}, action.payload.get("fields") or {}
        number = new.get("phoneNumber")
        if not number or number != old.get("phoneNumber"):
            continue
        if not old.get("location") or old.get("location") == new.get("location"):
            continue
        source = action_key(ADD_NUMBERS, str(old["location"]))
        target = action_key(ADD_NUMBERS, str(new["location"]))
        had = journal.fields(source) or {"phoneNumbers": []}
        if not (journal.exists(source) and journal.exists(target) and target in wanted):
            continue
        target_fields = wanted[target].payload.get("fields") or {}
        source_fields = (wanted[source].payload.get("fields") or {}) if source in wanted else {}
        if number not in had["phoneNumbers"] or number not in target_fields["phoneNumbers"]:
            continue
        if number in source_fields.get("phoneNumbers", []):
            continue
        out.setdefault(action.key, []).append(
            Move(
                number,
                action.key,
                source,
                target,
                journal.by_key[source].payload["locationId"],
                wanted[target].payload["locationId"],
                str(wanted[target].payload["body"].get("state") or "ACTIVE"),
            )
        )
    return out


def _created(action: Action, entity: str) -> Change:
    new = action.payload.get("fields") or {}
    fields = {n: (None, v) for n, v in new.items() if v not in (None, [], {})}
    return Change(action.customer, entity, subject(action.key), CREATE, fields, action.key)


def diff(
    desired: Sequence[Action],
    known: Iterable[Known],
    observed: Mapping[str, Observed] | None = None,
) -> Diff:
    """The actions that bring what exists to ``desired``, and one Change per object.

    ``observed`` (``plan --refresh``): what Webex shows, by create key; None: gone.
    """
    journal = JournalView(known, observed or {})
    removals = Removals(journal)
    by_customer: dict[str, list[Action]] = defaultdict(list)
    changes: list[Change] = []
    for customer, group in groupby(desired, key=lambda a: a.customer):
        chunk = list(group)
        removals.planned(a.key for a in chunk)
        made, changed = diff_customer(chunk, journal)
        by_customer[customer].extend(made)
        changes.extend(changed)
    for change, remove in removals.rest():
        changes.append(change)
        if remove is not None:
            by_customer[remove.customer].append(remove)
    actions: list[Action] = []
    for customer in sorted(by_customer):
        for ordinal, action in enumerate(by_customer[customer]):
            actions.append(replace(action, ordinal=ordinal))
    return Diff(actions, changes)


class Removals:
    """What the journal says exists, less what the plan keeps: removed (with ``--prune``)
    once every customer is planned. Holds journal keys only, never the model's."""

    def __init__(self, journal: JournalView) -> None:
        self.journal = journal
        self.pending: dict[str, Known] = {
            k.key: k
            for k in journal.by_key.values()
            if k.type in ENTITIES and journal.exists(k.key)
        }

    def planned(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.pending.pop(key, None)

    def rest(self) -> list[tuple[Change, Action | None]]:
        """Each object to remove, deepest first, with its removal (None: never removed)."""
        left = sorted(self.pending.values(), key=lambda k: (_REMOVAL_ORDER[k.type], -k.ordinal))
        return [_removal(k, self.journal) for k in left]


def diff_customer(
    desired: Sequence[Action], journal: JournalView
) -> tuple[list[Action], list[Change]]:
    """One customer's actions against the journal: its queue (ordinals as built) and the
    Change of each of its objects. Removals of what left the model are :class:`Removals`'."""
    moves = _moves(desired, journal)
    moved = [m for group in moves.values() for m in group]
    queue: list[Action] = []
    changes: list[Change] = []
    numbers_key: dict[str, str] = {}  # location id → the action adding numbers to it now
    customer_update: dict[str, str] = {}  # customer → its update (a new package first)
    for action in desired:
        entity = ENTITIES.get(action.type)
        if entity is None:  # await_customer goes with its customer
            create = action_key(CREATE_CUSTOMER, subject(action.key))
            op = UNCHANGED if journal.exists(create) and journal.exists(action.key) else CREATE
            queue.append(_again(action, op, journal.gone(create)))
            continue
        name = subject(action.key)
        if not journal.exists(action.key):
            queue.append(_again(action, CREATE, journal.gone(action.key)))
            changes.append(_created(action, entity))
            if action.type == ADD_NUMBERS:
                numbers_key[name] = action.key
            continue
        queue.append(replace(action, op=UNCHANGED))
        old, new = journal.fields(action.key), action.payload.get("fields")
        if old is None or new is None or old == new:
            changes.append(Change(action.customer, entity, name, UNCHANGED, action=action.key))
            continue
        changed = {
            n: (old.get(n), new.get(n))
            for n in sorted(set(old) | set(new))
            if old.get(n) != new.get(n)
        }
        generation = journal.changes[action.key] + 1
        if action.type == ADD_NUMBERS:
            before, after = set(old["phoneNumbers"]), set(new["phoneNumbers"])
            moved_in = {m.number for m in moved if m.target == action.key}
            moved_out = {m.number for m in moved if m.source == action.key}
            added = sorted(after - before - moved_in)
            gone = sorted(before - after - moved_out)
            made = numbers_actions(action, generation, added, gone)
            queue.extend(made)
            for item in made:
                if item.op == UPDATE:
                    numbers_key[name] = item.key
            movers = sorted({m.subscriber for m in moved if action.key in (m.source, m.target)})
            # A location holds many numbers: the sheet shows those that go and come.
            if added or moved_in or moved_out:
                fields = {"phoneNumbers": (sorted(moved_out), sorted(set(added) | moved_in))}
                doer = next((i.key for i in made if i.op == UPDATE), None)
                note = f"moves with {', '.join(subject(k) for k in movers)}" if movers else ""
                changes.append(Change(action.customer, entity, name, UPDATE, fields, doer, note))
            if gone:
                remover = next(i.key for i in made if i.op == REMOVE)
                fields = {"phoneNumbers": (gone, [])}
                changes.append(Change(action.customer, entity, name, REMOVE, fields, remover))
            continue
        if action.type == CREATE_DEVICE:
            changes.append(_replace_device(action, journal, changed, queue))
            continue
        after_customer = (
            (customer_update[action.customer],) if action.customer in customer_update else ()
        )
        update = build_update(
            action,
            generation,
            old,
            new,
            journal.refs(action.key),
            changed,
            moves.get(action.key, []),
            numbers_key,
            after_customer,
        )
        note = ""
        if action.type == CREATE_CUSTOMER and set(changed) & set(CUSTOMER_FIXED):
            fixed = ", ".join(n for n in CUSTOMER_FIXED if n in changed)
            note = f"{fixed}: the Wholesale API cannot change them; change them in Control Hub"
        if update is None:
            changes.append(Change(action.customer, entity, name, UNCHANGED, changed, None, note))
            continue
        if action.type == CREATE_CUSTOMER:
            customer_update[action.customer] = update.key
        queue.append(update)
        changes.append(Change(action.customer, entity, name, UPDATE, changed, update.key, note))
    return queue, changes


def _replace_device(
    create: Action, journal: JournalView, changed: dict[str, tuple[Any, Any]], queue: list[Action]
) -> Change:
    """Webex cannot change a phone's MAC, model or owner: it is removed and added again.

    The removal (``--prune``) goes right before the device's create, which then runs
    again in the same load: a rolled-back create is the plan's to make.
    """
    name = subject(create.key)
    change, remove = _removal(journal.by_key[create.key], journal)
    if remove is None:
        return Change(create.customer, "device", name, UNCHANGED, changed, None, change.note)
    queue.insert(len(queue) - 1, remove)
    note = "replaced: removed and added again, with `load --prune`"
    return Change(create.customer, "device", name, UPDATE, changed, remove.key, note)


def _again(action: Action, op: str, gone: bool) -> Action:
    """``recreate``: the journal says done, but Webex lost it; the load makes it again."""
    if not gone:
        return replace(action, op=op)
    return replace(action, op=op, payload={**action.payload, "recreate": True})


def _removal(k: Known, journal: JournalView) -> tuple[Change, Action | None]:
    """An object that left the model: removed with ``--prune``, unless a load adopted it."""
    entity, name = ENTITIES[k.type], subject(k.key)
    current = journal.fields(k.key) or {}
    gone = {n: (v, None) for n, v in current.items() if v not in (None, [], {})}
    if not k.ours:
        note = "left the model, but a load adopted it: never removed"
        return Change(k.customer, entity, name, UNCHANGED, gone, k.key, note), None
    if k.type in NOT_REMOVABLE:
        return Change(k.customer, entity, name, UNCHANGED, gone, k.key, NOT_REMOVABLE[k.type]), None
    inverse = INVERSES.get(k.type)
    assert inverse is not None
    payload = {n: v for n, v in (k.inverse or {}).items() if n != "type"}
    remove = Action(
        f"{inverse}:{name}#{journal.changes[k.key] + 1}",
        inverse,
        k.customer,
        0,
        {**payload, "object": k.key, "removes": k.key},
        summary=f"remove {entity} {name}, which left the model",
        op=REMOVE,
    )
    return Change(k.customer, entity, name, REMOVE, gone, remove.key), remove


def counts(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """Per entity: how many objects each op touches (``plan``'s ``+ ~ - =`` line)."""
    out: dict[str, dict[str, int]] = {
        entity: {op: 0 for op in (CREATE, UPDATE, REMOVE, UNCHANGED)}
        for entity in ENTITIES.values()
    }
    seen: set[tuple[str, str, str]] = set()
    for change in changes:
        ident = (change.entity, change.key, change.op)
        if ident in seen:
            continue
        seen.add(ident)
        out[change.entity][change.op] += 1
    return {entity: row for entity, row in out.items() if any(row.values())}


__all__ = [
    "Change",
    "Diff",
    "JournalView",
    "Known",
    "Observed",
    "Removals",
    "counts",
    "diff",
    "diff_customer",
]
