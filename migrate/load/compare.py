"""How verify compares what the load sent with what Webex reads back."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migrate.plan.actions import is_ref

MISSING = "missing"
UNEXPECTED = "unexpected"
DIFFERENT = "different"
UNREAD = "unread"  # Webex refused or failed the read: nothing could be compared


@dataclass(frozen=True)
class Difference:
    customer: str
    kind: str
    key: str
    problem: str  # missing | unexpected | different | unread
    field: str | None = None
    expected: str | None = None
    actual: str | None = None
    action: str | None = None
    journal_state: str | None = None
    webex_id: str | None = None
    message: str = ""


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a.b": leaf}`` for every leaf of a JSON object (lists are leaves)."""
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for name, item in value.items():
        out.update(leaves(item, f"{prefix}.{name}" if prefix else name))
    return out


def same(wanted: Any, found: Any) -> bool:
    """``found`` holds ``wanted``: Webex adds ids and defaults to list entries."""
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(same(v, found.get(k)) for k, v in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(found, list) or len(found) != len(wanted):
            return False
        keyed = all(isinstance(w, dict) and "phoneNumber" in w for w in wanted)
        if keyed:
            by_number = {f.get("phoneNumber"): f for f in found if isinstance(f, dict)}
            return all(same(w, by_number.get(w["phoneNumber"])) for w in wanted)
        return all(same(w, f) for w, f in zip(wanted, found, strict=True))
    return bool(wanted == found)


def resolved(value: Any, results: dict[str, dict[str, Any]]) -> Any:
    """A reference replaced by the journal's result it names; any other value as is."""
    if is_ref(value):
        return (results.get(value["$ref"]) or {}).get(value["field"])
    return value


def resolved_deep(value: Any, results: dict[str, dict[str, Any]]) -> Any:
    """Every reference inside a JSON value replaced by the result it names."""
    if is_ref(value):
        return resolved(value, results)
    if isinstance(value, dict):
        return {k: resolved_deep(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved_deep(v, results) for v in value]
    return value


def body_differences(
    wanted: Any, found: Any, label: str, diff: Callable[..., Difference]
) -> list[Difference]:
    """One ``different`` per leaf of the body sent that ``found`` does not hold."""
    actual = leaves(found)
    out = []
    for name, value in sorted(leaves(wanted).items()):
        have = actual.get(name)
        if not same(value, have):
            out.append(
                diff(
                    DIFFERENT,
                    message=f"{label}{name} is not what the load set",
                    field=name,
                    expected=json.dumps(value),
                    actual=json.dumps(have),
                )
            )
    return out
