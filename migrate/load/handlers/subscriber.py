"""Subscribers: looked up by customer and email, provisioned, removed on rollback.

A subscriber whose existing Webex account must first be moved waits for the
user's consent (``pending_user_migration``): the action is parked.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load import journal as jr
from migrate.load.handlers.base import Context, Handler, Outcome, Result, look_create_look
from migrate.plan.actions import CREATE_SUBSCRIBER, REMOVE_SUBSCRIBER
from migrate.webex import WebexNotFound
from migrate.webex.models import Subscriber

PARKED_SUBSCRIBER = "pending_user_migration"


async def create_subscriber(ctx: Context, payload: dict[str, Any]) -> Result:
    body = payload["body"]
    on_behalf = payload["params"].get("onBehalfOfSubPartnerOrgId")
    wholesale = ctx.webex.wholesale

    async def lookup() -> Subscriber | None:
        return await wholesale.find_subscriber(
            body["customerId"], body["email"], on_behalf_of=on_behalf
        )

    async def create() -> Subscriber:
        return await wholesale.provision_subscriber(body, on_behalf_of=on_behalf)

    found, adopted = await look_create_look(ctx, lookup, create)
    result = {
        "subscriberId": found.id,
        "personId": found.person_id,
        "customerId": body["customerId"],
    }
    if found.status == PARKED_SUBSCRIBER:
        raise Outcome(
            jr.PARKED,
            "waiting for the user to accept the move of an existing Webex account (consent email)",
            PARKED_SUBSCRIBER,
            "parked",
            result=result,
        )
    return result, adopted


async def remove_subscriber(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # already gone: the goal is reached
        await ctx.webex.wholesale.remove_subscriber(inverse["subscriberId"])
    return {}, False


CREATE = Handler(CREATE_SUBSCRIBER, create_subscriber, inverse=REMOVE_SUBSCRIBER)
REMOVE = Handler(REMOVE_SUBSCRIBER, remove_subscriber, requires=("subscriberId",))
