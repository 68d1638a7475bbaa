"""The update actions of a plan diff, one builder per object type.

Each update carries the object's new ``fields`` (what the next plan compares)
and names the ``object`` it changes; its inverse is the same request with
the previous values, so rollback puts them back. Numbers are a set per
location: their updates carry a ``delta`` (numbers added or removed) instead
of fields, because a subscriber's move changes two locations' sets at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate.plan.actions import (
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    INVERSES,
    REMOVE,
    REMOVE_NUMBERS,
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


@dataclass(frozen=True)
class Move:
    """A subscriber moved to another location keeps its number: the number moves too."""

    number: str
    subscriber: str  # its create action key
    source: str  # add_numbers key of the location it leaves
    target: str  # add_numbers key of the location it joins
    source_ref: Any  # the Webex location id of each, as a reference
    target_ref: Any
    state: str = "ACTIVE"


def subject(key: str) -> str:
    return key.split(":", 1)[1].split("#", 1)[0]


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def describe(changed: Mapping[str, tuple[Any, Any]]) -> str:
    return ", ".join(f"{n} {o!r} → {v!r}" for n, (o, v) in changed.items())


def build_update(
    create: Action,
    generation: int,
    old: dict[str, Any],
    new: dict[str, Any],
    old_refs: dict[str, Any],
    changed: dict[str, tuple[Any, Any]],
    moves: list[Move],
    numbers_key: Mapping[str, str],
    also_after: tuple[str, ...] = (),
) -> Action | None:
    """The update of a customer, location, subscriber or workspace; None: nothing to send."""
    name = subject(create.key)
    payload = create.payload
    wait = action_key(AWAIT_CUSTOMER, create.customer)
    new_refs = dict(payload.get("refs") or {})

    def update(kind: str, forward: dict[str, Any], back: dict[str, Any]) -> Action:
        depends = [create.key, wait, *also_after]
        location = new_refs.get("location")
        if location is not None and "location" in changed:
            depends.append(location["$ref"])
        if "phoneNumber" in changed and new.get("location") in numbers_key:
            depends.append(numbers_key[str(new["location"])])
        for move in moves:
            depends += [move.source, move.target]
        return Action(
            f"{kind}:{name}#{generation}.{digest(forward)}",
            kind,
            create.customer,
            0,
            {**forward, "fields": new, "refs": new_refs, "object": create.key},
            depends_on=tuple(dict.fromkeys(depends)),
            inverse={"type": INVERSES[kind], **back},
            summary=f"update {create.type.split('_', 1)[1]} {name}: {describe(changed)}",
            op=UPDATE,
        )

    if create.type == CREATE_CUSTOMER:
        if not {"packages", "address"} & set(changed):
            return None  # the rest the Wholesale API cannot change
        ids = {"customerId": ref(create.key, "customerId"), "params": payload["params"]}
        return update(
            UPDATE_CUSTOMER,
            {**ids, "body": {"packages": new["packages"], "address": new["address"]}},
            {**ids, "body": {"packages": old["packages"], "address": old["address"]}},
        )
    if create.type == CREATE_LOCATION:
        ids = {"orgId": ref(wait, "orgId"), "locationId": ref(create.key, "locationId")}
        return update(
            UPDATE_LOCATION, {**ids, "body": _location(new)}, {**ids, "body": _location(old)}
        )
    if create.type == CREATE_SUBSCRIBER:
        ids = {
            "subscriberId": ref(create.key, "subscriberId"),
            "personId": ref(create.key, "personId"),
            "orgId": ref(wait, "orgId"),
            "params": payload["params"],
        }
        before, after = _subscriber(old, old_refs), _subscriber(new, new_refs)
        forward: dict[str, Any] = {**ids, "before": before, "after": after}
        back: dict[str, Any] = {**ids, "before": after, "after": before}
        if moves:
            forward["moveNumbers"] = [_move(m, m.source_ref, m.target_ref) for m in moves]
            forward["delta"] = _deltas(moves)
            back["moveNumbers"] = [_move(m, m.target_ref, m.source_ref) for m in moves]
        return update(UPDATE_SUBSCRIBER, forward, back)
    if create.type == CREATE_WORKSPACE:
        ids = {"orgId": ref(wait, "orgId"), "workspaceId": ref(create.key, "workspaceId")}
        return update(
            UPDATE_WORKSPACE,
            {**ids, "body": _workspace(new, new_refs)},
            {**ids, "body": _workspace(old, old_refs)},
        )
    return None  # a device is fixed by its MAC, model and owner: replaced, never updated


def numbers_actions(
    create: Action, generation: int, added: list[str], gone: list[str]
) -> list[Action]:
    """Numbers the model added to a location, and (``load --prune``) those it dropped."""
    name = subject(create.key)
    payload = create.payload
    wait = action_key(AWAIT_CUSTOMER, create.customer)
    ids = {"orgId": payload["orgId"], "locationId": payload["locationId"]}
    out: list[Action] = []
    if added:
        key = f"{UPDATE_NUMBERS}:{name}#{generation}.{digest(added)}"
        out.append(
            Action(
                key,
                UPDATE_NUMBERS,
                create.customer,
                0,
                {
                    **ids,
                    "body": {"phoneNumbers": added, "state": payload["body"].get("state")},
                    "delta": {create.key: {"add": added}},
                    "object": create.key,
                },
                depends_on=(create.key, wait),
                inverse={"type": REMOVE_NUMBERS, **ids, "phoneNumbers": ref(key, "added")},
                summary=f"add {len(added)} numbers to {name}",
                op=UPDATE,
            )
        )
    if gone:
        out.append(
            Action(
                f"{REMOVE_NUMBERS}:{name}#{generation + len(out)}.{digest(gone)}",
                REMOVE_NUMBERS,
                create.customer,
                0,
                {
                    **ids,
                    "phoneNumbers": gone,
                    "delta": {create.key: {"remove": gone}},
                    "object": create.key,
                },
                depends_on=(create.key, wait),
                summary=f"remove {len(gone)} numbers that left the model from {name}",
                op=REMOVE,
            )
        )
    return out


def _move(move: Move, source: Any, target: Any) -> dict[str, Any]:
    return {"number": move.number, "from": source, "to": target, "state": move.state}


def _deltas(moves: list[Move]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for move in moves:
        out.setdefault(move.source, {}).setdefault("remove", []).append(move.number)
        out.setdefault(move.target, {}).setdefault("add", []).append(move.number)
    return out


def _location(fields: dict[str, Any]) -> dict[str, Any]:
    # PUT /locations takes no announcementLanguage: that stays what the create set.
    return {k: v for k, v in fields.items() if k != "announcementLanguage"}


def _subscriber(fields: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": fields.get("email"),
        "package": fields.get("package"),
        "firstName": fields.get("firstName"),
        "lastName": fields.get("lastName"),
        "locationId": refs.get("location") if fields.get("location") else None,
        "phoneNumber": fields.get("phoneNumber"),
        "extension": fields.get("extension"),
    }


def _workspace(fields: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
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


__all__ = ["Move", "build_update", "describe", "numbers_actions", "subject"]
