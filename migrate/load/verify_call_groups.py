"""Verify readers for call parks, call pickups and paging groups.

Webex returns members as objects; the create body named them by id. A reader
gives the feature back with its members as ids, in Webex's order, so verify
compares them with the planned list as they are.
"""

from __future__ import annotations

from typing import Any

from migrate.plan.actions import CREATE_CALL_PARK, CREATE_CALL_PICKUP, CREATE_PAGING_GROUP, Action
from migrate.webex import Webex
from migrate.webex.call_groups import KINDS, member_ids


async def read_call_group(
    webex: Webex, org_id: str, location_id: str, feature_id: str, action: Action
) -> dict[str, Any]:
    kind = str(action.payload["kind"])
    found = await webex.call_groups.get(kind, org_id, location_id, feature_id)
    return member_ids(KINDS[kind], found if isinstance(found, dict) else {})


READERS = dict.fromkeys(
    (CREATE_CALL_PARK, CREATE_CALL_PICKUP, CREATE_PAGING_GROUP), read_call_group
)
