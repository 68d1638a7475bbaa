"""A person's Calling settings: one feature PUT after its subscriber exists, and back.

The settings read before the first PUT are journaled with it (as the action's sent
detail), so a run that crashed after the PUT still restores what the person had
before, not what this load wrote; they are also the action's result, which its
inverse PUTs back. A feature that already holds every wanted value is adopted:
no PUT, and rollback leaves it.

Single number reach (BroadWorks Anywhere) is a setting plus numbers, each number a
sub-resource: a number is added only when a fresh read shows it absent, so a run
that lost an answer never adds it twice; rollback deletes the numbers the load
added and puts back the ones it changed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from migrate.load.handlers.base import Context, Handler, Result
from migrate.plan.actions import APPLY_PERSON_SETTINGS, RESTORE_PERSON_SETTINGS
from migrate.webex import WebexNotFound
from migrate.webex.person_settings import (
    SNR,
    SNR_NUMBER_FIELDS,
    SNR_SETTINGS,
    PersonSettingsApi,
    restore_body,
    update_body,
)


async def apply_settings(ctx: Context, payload: dict[str, Any]) -> Result:
    api = ctx.webex.person_settings
    org_id, person_id, feature = payload["orgId"], payload["personId"], payload["feature"]
    result = {"orgId": org_id, "personId": person_id, "feature": feature}
    if feature == SNR:
        return await _apply_single_number_reach(ctx, api, result, payload["body"])
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


def _number(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in SNR_NUMBER_FIELDS if k in entry}


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in SNR_SETTINGS if k in data}


async def _apply_single_number_reach(
    ctx: Context, api: PersonSettingsApi, result: dict[str, Any], wanted: dict[str, Any]
) -> Result:
    org_id, person_id = result["orgId"], result["personId"]
    current = await api.read(org_id, person_id, SNR)
    before = next((d for d in ctx.sent if isinstance(d, dict)), None)
    numbers = {n.get("phoneNumber"): n for n in current.get("numbers") or []}
    settings = _settings(wanted)
    changes = [
        entry
        for entry in wanted.get("numbers") or []
        if entry["phoneNumber"] not in numbers
        or {**numbers[entry["phoneNumber"]], **_number(entry)} != numbers[entry["phoneNumber"]]
    ]
    if before is None:
        before = {**_settings(current), "numbers": [_number(n) for n in numbers.values()]}
        if {**_settings(current), **settings} == _settings(current) and not changes:
            return {**result, "previous": before}, True
        ctx.sending(before)
    if {**_settings(current), **settings} != _settings(current):
        await api.update(org_id, person_id, SNR, {**_settings(current), **settings})
    for entry in changes:
        found = numbers.get(entry["phoneNumber"])
        if found is not None:
            await api.update_number(org_id, person_id, str(found["id"]), _number(entry))
        else:
            await api.add_number(org_id, person_id, _number(entry))
    return {**result, "previous": before}, False


async def restore_settings(ctx: Context, inverse: dict[str, Any]) -> Result:
    api = ctx.webex.person_settings
    org_id, person_id, feature = inverse["orgId"], inverse["personId"], inverse["feature"]
    with contextlib.suppress(WebexNotFound):  # the person is gone: nothing left to restore
        if feature == SNR:
            await _restore_single_number_reach(api, org_id, person_id, inverse)
        else:
            await api.update(
                org_id,
                person_id,
                feature,
                restore_body(inverse["previous"], inverse.get("applied") or {}),
            )
    return {}, False


async def _restore_single_number_reach(
    api: PersonSettingsApi, org_id: str, person_id: str, inverse: dict[str, Any]
) -> None:
    previous = inverse["previous"]
    had = {n["phoneNumber"]: n for n in previous.get("numbers") or []}
    ours = {n["phoneNumber"] for n in (inverse.get("applied") or {}).get("numbers") or []}
    current = await api.read(org_id, person_id, SNR)
    for entry in current.get("numbers") or []:
        phone = entry.get("phoneNumber")
        if phone in had and _number(entry) != had[phone]:
            await api.update_number(org_id, person_id, str(entry["id"]), had[phone])
        elif phone not in had and phone in ours:
            with contextlib.suppress(WebexNotFound):
                await api.delete_number(org_id, person_id, str(entry["id"]))
    await api.update(org_id, person_id, SNR, _settings(previous))


APPLY = Handler(APPLY_PERSON_SETTINGS, apply_settings, inverse=RESTORE_PERSON_SETTINGS)
RESTORE = Handler(
    RESTORE_PERSON_SETTINGS, restore_settings, requires=("orgId", "personId", "previous")
)
