"""A customer's location call features as actions, after the people and places they name.

Each :class:`~migrate.plan.model.CallFeature` becomes one create action of its kind
(``FEATURE_CREATES``) whose inverse deletes it. The body's references become ids at
run time: ``{"$subscriber": id}`` → the person the subscriber's create returned,
``{"$workspace": id}`` → the workspace, ``{"$feature": id}`` → another feature.
A member that is not in this plan (left alone, skipped) is dropped from its list and
named; the feature itself is still built. Schedules come first and auto attendants
last, since an auto attendant's keys may transfer to the other features.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any

from migrate.plan import model as wm
from migrate.plan.actions import (
    ADD_NUMBERS,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    FEATURE_CREATES,
    FEATURE_DELETES,
    Action,
    Growing,
    action_key,
    ref,
)

# Kinds built before others (lower first); the rest sit in the middle.
KIND_ORDER: dict[str, int] = {"schedule": 0, "call_park": 2, "auto_attendant": 3}

LocationRef = Callable[[wm.Location], tuple[str, dict[str, str]]]


class _Missing:
    """A reference to something not in the plan."""

    def __init__(self, what: str) -> None:
        self.what = what


def _target(marker: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(action key, result field, label)`` for a reference marker, else None."""
    if "$subscriber" in marker:
        who = str(marker["$subscriber"])
        return action_key(CREATE_SUBSCRIBER, who), "personId", f"subscriber {who}"
    if "$workspace" in marker:
        who = str(marker["$workspace"])
        return action_key(CREATE_WORKSPACE, who), "workspaceId", f"workspace {who}"
    if "$feature" in marker:
        feature_id = str(marker["$feature"])
        kind = feature_id.split(":", 1)[0]
        create = FEATURE_CREATES.get(kind)
        if create is None:
            return None
        return action_key(create, feature_id), "id", f"feature {feature_id}"
    return None


def _seat_as_planned(marker: dict[str, Any], planned: Container[str]) -> dict[str, Any]:
    """A person the review made a common-area seat is planned as a workspace (and the
    reverse): the reference follows the seat to the create that makes it."""
    for kind, other, create, other_create in (
        ("$subscriber", "$workspace", CREATE_SUBSCRIBER, CREATE_WORKSPACE),
        ("$workspace", "$subscriber", CREATE_WORKSPACE, CREATE_SUBSCRIBER),
    ):
        if kind in marker:
            who = str(marker[kind])
            if action_key(create, who) not in planned and action_key(other_create, who) in planned:
                return {other: who}
    return marker


class _Resolver:
    def __init__(self, planned: Container[str]) -> None:
        self.planned = planned
        self.depends: list[str] = []
        self.dropped: list[str] = []

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            target = _target(_seat_as_planned(value, self.planned))
            if target is not None:
                key, result_field, label = target
                if key not in self.planned:
                    return _Missing(label)
                self.depends.append(key)
                return ref(key, result_field)
            out: dict[str, Any] = {}
            for name, item in value.items():
                resolved = self.value(item)
                if isinstance(resolved, _Missing):
                    return resolved
                out[name] = resolved
            return out
        if isinstance(value, list):
            kept: list[Any] = []
            for item in value:
                resolved = self.value(item)
                if isinstance(resolved, _Missing):
                    self.dropped.append(resolved.what)  # the rest of the list still moves
                else:
                    kept.append(resolved)
            return kept
        return value


def feature_actions(
    features: Iterable[wm.CallFeature],
    customer_id: str,
    usable: dict[str, wm.Location],
    wait: str,
    location_ref: LocationRef,
    planned: Container[str],
    ordinal: int,
    blocked: Mapping[tuple[str, str], str] | None = None,
) -> tuple[list[Action], list[tuple[str, str, str]]]:
    """The features' actions, and ``(entity, key, reason)`` for what was left out."""
    actions: list[Action] = []
    left: list[tuple[str, str, str]] = []
    planned = Growing(planned)
    ordered = sorted(features, key=lambda f: (KIND_ORDER.get(f.kind, 1), f.id))
    for feature in ordered:
        create = FEATURE_CREATES.get(feature.kind)
        location = usable.get(feature.location_id)
        if create is None:
            left.append(("call_feature", feature.id, f"no action type for {feature.kind}"))
            continue
        if location is None:
            left.append(
                ("call_feature", feature.id, f"its location {feature.location_id} is left alone")
            )
            continue
        reason = (blocked or {}).get(("call_feature", feature.id))
        if reason:  # Webex would refuse it: the review must settle the blocker first
            left.append(("call_feature", feature.id, reason))
            continue
        resolver = _Resolver(planned)
        body = resolver.value(feature.webex)
        if isinstance(body, _Missing):
            left.append(("call_feature", feature.id, f"it needs {body.what}, not in the plan"))
            continue
        for what in resolver.dropped:
            left.append(("call_feature_member", f"{feature.id}/{what}", "not in the plan"))
        source, where = location_ref(location)
        key = action_key(create, feature.id)
        depends = [wait, source]
        if feature.phone_number and action_key(ADD_NUMBERS, location.id) in planned:
            depends.append(action_key(ADD_NUMBERS, location.id))
        depends += resolver.depends
        for other in feature.depends_on:  # features it names by number or name, not by id
            other_create = FEATURE_CREATES.get(other.split(":", 1)[0])
            if other_create is not None and action_key(other_create, other) in planned:
                depends.append(action_key(other_create, other))
        org = ref(wait, "orgId")
        actions.append(
            Action(
                key,
                create,
                customer_id,
                ordinal + len(actions),
                {
                    "orgId": org,
                    "locationId": where,
                    "kind": feature.kind,
                    "name": feature.name,
                    "body": body,
                },
                depends_on=tuple(dict.fromkeys(depends)),
                inverse={
                    "type": FEATURE_DELETES[feature.kind],
                    "orgId": org,
                    "locationId": where,
                    "kind": feature.kind,
                    "body": {k: v for k, v in body.items() if k in ("type", "name")},
                    "id": ref(key, "id"),
                },
                lookup={"locationId": where, "name": feature.name},
                summary=f"create {feature.kind.replace('_', ' ')} {feature.name}",
            )
        )
        planned.add(key)
    return actions, left
