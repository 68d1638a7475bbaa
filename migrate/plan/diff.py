"""The plan as a difference: the model against what the journal says exists (DESIGN §6).

Every object the toolkit creates has one create action whose key never
changes. What Webex holds for it is the ``fields`` of the newest action on it
that succeeded and was not rolled back: its create, then each update (whose
payload names the object it updates). Against the model's fields that gives
Terraform's four answers: ``create`` (never made, or rolled back), ``update``
(the changed fields, old → new), ``unchanged``, ``remove`` (ours, and gone
from the model; run only with ``load --prune``). Objects a load adopted are
never removed.

An update or removal is a new journaled action, keyed by the object and a
generation (how many changes it has had) plus a digest of its values, so a
second change of the same object is a new action and the journal's earlier
one keeps its history. Its inverse puts the previous values back.

The plan layer sits below the loader: the stage hands the journal over as
:class:`Known` records.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from migrate.plan.actions import (
    ADD_NUMBERS,
    AWAIT_CUSTOMER,
    CREATE,
    CREATE_CUSTOMER,
    CREATE_DEVICE,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    INVERSES,
    REMOVE,
    REMOVE_NUMBERS,
    UNCHANGED,
    UPDATE,
    UPDATE_CUSTOMER,
    UPDATE_LOCATION,
    UPDATE_NUMBERS,
    UPDATE_SUBSCRIBER,
    UPDATE_WORKSPACE,
    Action,
    action_key,
    ref,
)

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
# Fields of a customer the Wholesale API cannot change (Control Hub can).
CUSTOMER_FIXED = ("name", "language", "primaryEmail")
SUCCEEDED = "succeeded"


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


def _subject(key: str) -> str:
    return key.split(":", 1)[1]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


class _Journal:
    """The journal's view of each object: whether it exists, its fields, its history."""

    def __init__(self, known: Iterable[Known]) -> None:
        self.by_key = {k.key: k for k in known}
        self.latest: dict[str, Known] = {}
        self.changes: dict[str, int] = defaultdict(int)
        for k in sorted(self.by_key.values(), key=lambda k: (k.at, k.ordinal)):
            target = k.payload.get("object", k.key)
            if k.type not in ENTITIES and "object" not in k.payload:
                continue
            if "object" in k.payload:
                self.changes[target] += 1
            if k.state == SUCCEEDED and "fields" in k.payload:
                self.latest[target] = k

    def exists(self, key: str) -> bool:
        found = self.by_key.get(key)
        return found is not None and found.state == SUCCEEDED

    def fields(self, key: str) -> dict[str, Any] | None:
        latest = self.latest.get(key)
        return dict(latest.payload["fields"]) if latest is not None else None

    def refs(self, key: str) -> dict[str, Any]:
        latest = self.latest.get(key)
        return dict(latest.payload.get("refs") or {}) if latest is not None else {}


def diff(desired: Sequence[Action], known: Iterable[Known]) -> Diff:
    """The actions that bring what exists to ``desired``, and one Change per object."""
    journal = _Journal(known)
    by_customer: dict[str, list[Action]] = defaultdict(list)
    changes: list[Change] = []
    numbers_key: dict[str, str] = {}  # location id → the action adding numbers to it now
    planned = {a.key for a in desired}
    for action in desired:
        entity = ENTITIES.get(action.type)
        if entity is None:  # await_customer goes with its customer
            create = action_key(CREATE_CUSTOMER, _subject(action.key))
            op = UNCHANGED if journal.exists(create) and journal.exists(action.key) else CREATE
            by_customer[action.customer].append(replace(action, op=op))
            continue
        subject = _subject(action.key)
        new = action.payload.get("fields")
        if not journal.exists(action.key):
            by_customer[action.customer].append(replace(action, op=CREATE))
            changes.append(
                Change(
                    action.customer,
                    entity,
                    subject,
                    CREATE,
                    {n: (None, v) for n, v in (new or {}).items() if v not in (None, [], {})},
                    action.key,
                )
            )
            if action.type == ADD_NUMBERS:
                numbers_key[subject] = action.key
            continue
        by_customer[action.customer].append(replace(action, op=UNCHANGED))
        old = journal.fields(action.key)
        if old is None or new is None or old == new:
            changes.append(Change(action.customer, entity, subject, UNCHANGED, action=action.key))
            continue
        changed = {
            name: (old.get(name), new.get(name))
            for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)
        }
        made = _change(action, journal, old, new, changed, numbers_key)
        by_customer[action.customer].extend(made)
        note = ""
        if action.type == CREATE_CUSTOMER and set(changed) & set(CUSTOMER_FIXED):
            fixed = ", ".join(n for n in CUSTOMER_FIXED if n in changed)
            note = f"{fixed}: the Wholesale API cannot change them; change them in Control Hub"
        if not made:
            changes.append(
                Change(action.customer, entity, subject, UNCHANGED, changed, action.key, note)
            )
            continue
        for item in made:
            op = REMOVE if item.op == REMOVE else UPDATE
            fields = (
                {
                    "phoneNumbers": (
                        changed["phoneNumbers"][0],
                        item.payload["fields"]["phoneNumbers"],
                    )
                }
                if action.type == ADD_NUMBERS
                else changed
            )
            changes.append(Change(action.customer, entity, subject, op, fields, item.key, note))
            if item.type == UPDATE_NUMBERS:
                numbers_key[subject] = item.key
    removals = [
        k
        for k in journal.by_key.values()
        if k.type in ENTITIES and k.key not in planned and journal.exists(k.key)
    ]
    for k in sorted(removals, key=lambda k: (_REMOVAL_ORDER[k.type], -k.ordinal)):
        entity, subject = ENTITIES[k.type], _subject(k.key)
        current = journal.fields(k.key) or {}
        gone = {n: (v, None) for n, v in current.items() if v not in (None, [], {})}
        if not k.ours:
            changes.append(
                Change(
                    k.customer,
                    entity,
                    subject,
                    UNCHANGED,
                    gone,
                    k.key,
                    "left the model, but a load adopted it: never removed",
                )
            )
            continue
        inverse = INVERSES.get(k.type)
        assert inverse is not None
        gen = journal.changes[k.key] + 1
        payload = {n: v for n, v in (k.inverse or {}).items() if n != "type"}
        remove = Action(
            f"{inverse}:{subject}#{gen}",
            inverse,
            k.customer,
            0,
            {**payload, "object": k.key, "removes": k.key},
            inverse=None,
            summary=f"remove {entity} {subject}, which left the model",
            op=REMOVE,
        )
        by_customer[k.customer].append(remove)
        changes.append(Change(k.customer, entity, subject, REMOVE, gone, remove.key))
    actions: list[Action] = []
    for customer in sorted(by_customer):
        for ordinal, action in enumerate(by_customer[customer]):
            actions.append(replace(action, ordinal=ordinal))
    return Diff(actions, changes)


def _change(
    create: Action,
    journal: _Journal,
    old: dict[str, Any],
    new: dict[str, Any],
    changed: dict[str, tuple[Any, Any]],
    numbers_key: dict[str, str],
) -> list[Action]:
    """The update (and, for numbers, the removal) that takes ``old`` to ``new``."""
    gen = journal.changes[create.key] + 1
    subject = _subject(create.key)
    payload = create.payload
    wait = action_key(AWAIT_CUSTOMER, create.customer)
    old_refs, new_refs = journal.refs(create.key), dict(payload.get("refs") or {})

    def update(kind: str, forward: dict[str, Any], back: dict[str, Any], summary: str) -> Action:
        key = f"{kind}:{subject}#{gen}.{_digest(forward)}"
        depends = [create.key, wait]
        location = new_refs.get("location")
        if location is not None and "location" in changed:
            depends.append(location["$ref"])
        if "phoneNumber" in changed and new.get("location") in numbers_key:
            depends.append(numbers_key[str(new["location"])])
        return Action(
            key,
            kind,
            create.customer,
            0,
            {**forward, "fields": new, "refs": new_refs, "object": create.key},
            depends_on=tuple(dict.fromkeys(depends)),
            inverse={"type": INVERSES[kind], **back},
            summary=summary,
            op=UPDATE,
        )

    what = ", ".join(f"{n} {o!r} → {v!r}" for n, (o, v) in changed.items())
    if create.type == CREATE_CUSTOMER:
        if not {"packages", "address"} & set(changed):
            return []
        ids = {"customerId": ref(create.key, "customerId"), "params": payload["params"]}
        return [
            update(
                UPDATE_CUSTOMER,
                {**ids, "body": {"packages": new["packages"], "address": new["address"]}},
                {**ids, "body": {"packages": old["packages"], "address": old["address"]}},
                f"update customer {subject}: {what}",
            )
        ]
    if create.type == CREATE_LOCATION:
        ids = {"orgId": ref(wait, "orgId"), "locationId": ref(create.key, "locationId")}
        return [
            update(
                UPDATE_LOCATION,
                {**ids, "body": _location_wire(new)},
                {**ids, "body": _location_wire(old)},
                f"update location {subject}: {what}",
            )
        ]
    if create.type == ADD_NUMBERS:
        before, after = set(old["phoneNumbers"]), set(new["phoneNumbers"])
        ids = {"orgId": payload["orgId"], "locationId": payload["locationId"]}
        out: list[Action] = []
        added, gone = sorted(after - before), sorted(before - after)
        if added:
            key = f"{UPDATE_NUMBERS}:{subject}#{gen}.{_digest(added)}"
            out.append(
                Action(
                    key,
                    UPDATE_NUMBERS,
                    create.customer,
                    0,
                    {
                        **ids,
                        "body": {"phoneNumbers": added, "state": "ACTIVE"},
                        "fields": {"phoneNumbers": sorted(before | after)},
                        "object": create.key,
                    },
                    depends_on=(create.key, wait),
                    inverse={"type": REMOVE_NUMBERS, **ids, "phoneNumbers": ref(key, "added")},
                    summary=f"add {len(added)} numbers to location {subject}",
                    op=UPDATE,
                )
            )
        if gone:
            key = f"{REMOVE_NUMBERS}:{subject}#{gen + len(out)}.{_digest(gone)}"
            out.append(
                Action(
                    key,
                    REMOVE_NUMBERS,
                    create.customer,
                    0,
                    {
                        **ids,
                        "phoneNumbers": gone,
                        "fields": {"phoneNumbers": sorted(after)},
                        "object": create.key,
                    },
                    depends_on=(create.key, wait),
                    summary=f"remove {len(gone)} numbers that left the model from {subject}",
                    op=REMOVE,
                )
            )
        return out
    if create.type == CREATE_SUBSCRIBER:
        ids = {
            "subscriberId": ref(create.key, "subscriberId"),
            "personId": ref(create.key, "personId"),
            "orgId": ref(wait, "orgId"),
            "params": payload["params"],
        }
        return [
            update(
                UPDATE_SUBSCRIBER,
                {
                    **ids,
                    "before": _subscriber_wire(old, old_refs),
                    "after": _subscriber_wire(new, new_refs),
                },
                {
                    **ids,
                    "before": _subscriber_wire(new, new_refs),
                    "after": _subscriber_wire(old, old_refs),
                },
                f"update subscriber {subject}: {what}",
            )
        ]
    if create.type == CREATE_WORKSPACE:
        ids = {"orgId": ref(wait, "orgId"), "workspaceId": ref(create.key, "workspaceId")}
        return [
            update(
                UPDATE_WORKSPACE,
                {**ids, "body": _workspace_wire(new, new_refs)},
                {**ids, "body": _workspace_wire(old, old_refs)},
                f"update workspace {subject}: {what}",
            )
        ]
    return []  # a device is fixed by its MAC, model and owner: it is replaced, not updated


def _location_wire(fields: dict[str, Any]) -> dict[str, Any]:
    # PUT /locations takes no announcementLanguage: that stays what the create set.
    return {k: v for k, v in fields.items() if k != "announcementLanguage"}


def _subscriber_wire(fields: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": fields.get("email"),
        "package": fields.get("package"),
        "firstName": fields.get("firstName"),
        "lastName": fields.get("lastName"),
        "locationId": refs.get("location") if fields.get("location") else None,
        "phoneNumber": fields.get("phoneNumber"),
        "extension": fields.get("extension"),
    }


def _workspace_wire(fields: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    calling = {
        k: v
        for k, v in {
            "phoneNumber": fields.get("phoneNumber"),
            "extension": fields.get("extension"),
            "locationId": refs.get("location"),
        }.items()
        if v
    }
    return {
        "displayName": fields.get("displayName"),
        "locationId": refs.get("location"),
        "calling": {"type": "webexCalling", "webexCalling": calling},
    }


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


__all__ = ["Change", "Diff", "Known", "counts", "diff"]
