"""A subscriber's Calling person settings as actions, one per feature, after its create.

Each action PUTs one feature with the person id the subscriber's create returned and
the customer's org; its inverse PUTs back what the action read before changing it.
Settings the review listed are not actions: they are on the "Not migrated" sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from migrate.plan import model as wm
from migrate.plan.actions import APPLY_PERSON_SETTINGS, INVERSES, Action, action_key, ref

MIGRATE = "migrate"


def by_subscriber(settings: Iterable[wm.PersonSetting]) -> dict[str, list[wm.PersonSetting]]:
    out: dict[str, list[wm.PersonSetting]] = defaultdict(list)
    for setting in settings:
        if setting.decision == MIGRATE and setting.webex:
            out[setting.subscriber_id].append(setting)
    return out


def settings_actions(
    settings: list[wm.PersonSetting],
    customer_id: str,
    create_key: str,
    wait: str,
    ordinal: int,
) -> list[Action]:
    actions: list[Action] = []
    for setting in sorted(settings, key=lambda s: s.feature):
        key = action_key(APPLY_PERSON_SETTINGS, setting.id)
        person = ref(create_key, "personId")
        actions.append(
            Action(
                key,
                APPLY_PERSON_SETTINGS,
                customer_id,
                ordinal + len(actions),
                {
                    "orgId": ref(wait, "orgId"),
                    "personId": person,
                    "feature": setting.feature,
                    "body": setting.webex,
                },
                depends_on=(create_key, wait),
                inverse={
                    "type": INVERSES[APPLY_PERSON_SETTINGS],
                    "orgId": ref(wait, "orgId"),
                    "personId": person,
                    "feature": setting.feature,
                    "previous": ref(key, "previous"),
                    "applied": setting.webex,
                },
                summary=f"set {setting.feature} of {setting.subscriber_id}",
            )
        )
    return actions
