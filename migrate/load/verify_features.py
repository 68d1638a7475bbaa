"""Verify for location call features: each created feature read back and compared.

Every planned value of the create body must be in what Webex returns, lists in order
(members, agents, menu keys, schedule events). One reader per create action type;
a new kind is one reader function and one line in ``READERS``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from migrate.load import journal as jr
from migrate.load import verify_call_groups
from migrate.load.compare import (
    MISSING,
    UNREAD,
    Difference,
    body_differences,
    resolved,
    resolved_deep,
)
from migrate.load.handlers import auto_attendant, schedule
from migrate.load.verify_queues import read_call_queue, read_hunt_group
from migrate.plan.actions import (
    CREATE_AUTO_ATTENDANT,
    CREATE_CALL_QUEUE,
    CREATE_HUNT_GROUP,
    CREATE_SCHEDULE,
    Action,
)
from migrate.webex import Webex, WebexError

CALL_FEATURE = "call_feature"

# (webex, org id, location id, feature id, the create action) → the feature as Webex has it
Reader = Callable[[Webex, str, str, str, Action], Awaitable[dict[str, Any]]]

# Create action type → how its feature is read back.
READERS: dict[str, Reader] = {
    **verify_call_groups.READERS,
    CREATE_SCHEDULE: schedule.read_schedule,
    CREATE_AUTO_ATTENDANT: auto_attendant.read_auto_attendant,
    CREATE_HUNT_GROUP: read_hunt_group,
    CREATE_CALL_QUEUE: read_call_queue,
}


async def verify_call_features(
    webex: Webex,
    customer: str,
    actions: dict[str, Action],
    states: dict[str, str],
    results: dict[str, dict[str, Any]],
) -> tuple[list[Difference], Counter[str], Counter[str]]:
    """Read every created call feature back; each planned value must be there."""
    out: list[Difference] = []
    checked: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for action in sorted(actions.values(), key=lambda a: a.key):
        reader = READERS.get(action.type)
        state = states.get(action.key, jr.PENDING)
        if reader is None or state == jr.ROLLED_BACK:
            continue
        key = action.key.split(":", 1)[1]
        checked[CALL_FEATURE] += 1
        result = results.get(action.key) or {}
        org_id = resolved(action.payload["orgId"], results)
        location_id = resolved(action.payload["locationId"], results)
        feature_id = result.get("id")
        diff = functools.partial(
            Difference,
            customer,
            CALL_FEATURE,
            key,
            action=action.key,
            journal_state=state,
            webex_id=feature_id,
        )
        if state != jr.SUCCEEDED or not org_id or not location_id or not feature_id:
            out.append(diff(MISSING, message=f"{action.summary} did not run (journal: {state})"))
            continue
        try:
            found = await reader(webex, org_id, location_id, feature_id, action)
        except WebexError as err:
            out.append(diff(UNREAD, message=f"could not read {key} back: {err}"))
            continue
        wanted = resolved_deep(action.payload["body"], results)
        found_differences = body_differences(wanted, found, f"{key}: ", diff)
        out += found_differences
        alike = not found_differences
        matched[CALL_FEATURE] += alike
    return out, checked, matched
