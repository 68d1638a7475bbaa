"""Verify's readers for hunt groups and call queues: the feature as Webex returns it.

The generic verifier (``verify_features``) compares every planned value with it:
agents in order with their weights and joined flags, the policy and its handling.
"""

from __future__ import annotations

from typing import Any

from migrate.plan.actions import Action
from migrate.webex import Webex


async def read_hunt_group(
    webex: Webex, org_id: str, location_id: str, feature_id: str, _action: Action
) -> dict[str, Any]:
    return await webex.hunt_groups.get(org_id, location_id, feature_id)


async def read_call_queue(
    webex: Webex, org_id: str, location_id: str, feature_id: str, _action: Action
) -> dict[str, Any]:
    return await webex.call_queues.get(org_id, location_id, feature_id)
