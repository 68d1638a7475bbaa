"""Hunt groups: looked up by name in their location, created, deleted on rollback.

The agents in the body are the ids the subscribers' and workspaces' creates
returned (the executor resolved them). The call-queue handlers are the same steps on
the queues' endpoints, so the steps are built here for a feature family.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result, Run, look_create_look
from migrate.plan.actions import CREATE_HUNT_GROUP, FEATURE_DELETES
from migrate.webex import Webex, WebexNotFound
from migrate.webex.hunt_groups import LocationFeature, LocationFeatures

# The endpoint group a family's handlers use.
Family = Callable[[Webex], LocationFeatures]


def creating(family: Family) -> Run:
    async def create_feature(ctx: Context, payload: dict[str, Any]) -> Result:
        api = family(ctx.webex)
        org_id, location_id = payload["orgId"], payload["locationId"]
        body: dict[str, Any] = payload["body"]
        name = str(body["name"])

        async def lookup() -> LocationFeature | None:
            return await api.find(org_id, location_id, name)

        async def create() -> LocationFeature:
            return LocationFeature(await api.create(org_id, location_id, body), name, location_id)

        found, adopted = await look_create_look(ctx, lookup, create)
        return {"id": found.id, "orgId": org_id, "locationId": location_id}, adopted

    return create_feature


def deleting(family: Family) -> Run:
    async def delete_feature(ctx: Context, inverse: dict[str, Any]) -> Result:
        with contextlib.suppress(WebexNotFound):  # gone already: the goal is reached
            await family(ctx.webex).delete(inverse["orgId"], inverse["locationId"], inverse["id"])
        return {}, False

    return delete_feature


def _hunt_groups(webex: Webex) -> LocationFeatures:
    return webex.hunt_groups


DELETE_HUNT_GROUP = FEATURE_DELETES["hunt_group"]
CREATE = Handler(CREATE_HUNT_GROUP, creating(_hunt_groups), inverse=DELETE_HUNT_GROUP)
DELETE = Handler(DELETE_HUNT_GROUP, deleting(_hunt_groups), requires=("id", "locationId"))
