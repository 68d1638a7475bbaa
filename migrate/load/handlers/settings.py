"""A person's Calling settings: one feature PUT after its subscriber exists, and back.

The settings read before the first PUT are journaled with it (as the action's sent
detail), so a run that crashed after the PUT still restores what the person had
before, not what this load wrote; they are also the action's result, which its
inverse PUTs back. A feature that already holds every wanted value is adopted:
no PUT, and rollback leaves it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result
from migrate.plan.actions import APPLY_PERSON_SETTINGS, RESTORE_PERSON_SETTINGS
from migrate.webex import WebexNotFound
from migrate.webex.person_settings import restore_body, update_body


async def apply_settings(ctx: Context, payload: dict[str, Any]) -> Result:
    api = ctx.webex.person_settings
    org_id, person_id, feature = payload["orgId"], payload["personId"], payload["feature"]
    result = {"orgId": org_id, "personId": person_id, "feature": feature}
    before = next((d for d in ctx.sent if isinstance(d, dict)), None)
    if before is None:
        before = update_body(feature, await api.read(org_id, person_id, feature), {})
        if update_body(feature, before, payload["body"]) == before:
            # Already so (a load from elsewhere, a person set up by hand): nothing to
            # change, and nothing of ours for a rollback to undo.
            return {**result, "previous": before}, True
        ctx.sending(before)
    await api.update(org_id, person_id, feature, update_body(feature, before, payload["body"]))
    return {**result, "previous": before}, False


async def restore_settings(ctx: Context, inverse: dict[str, Any]) -> Result:
    with contextlib.suppress(WebexNotFound):  # the person is gone: nothing left to restore
        await ctx.webex.person_settings.update(
            inverse["orgId"],
            inverse["personId"],
            inverse["feature"],
            restore_body(inverse["previous"], inverse.get("applied") or {}),
        )
    return {}, False


APPLY = Handler(APPLY_PERSON_SETTINGS, apply_settings, inverse=RESTORE_PERSON_SETTINGS)
RESTORE = Handler(
    RESTORE_PERSON_SETTINGS, restore_settings, requires=("orgId", "personId", "previous")
)
