"""``retry --resend-consent``: mail again the users whose Webex account move waits for them.

A subscriber parked in ``pending_user_migration`` is provisioned only once
its user accepts the move of an existing Webex account. The mail can be
lost or ignored; sending it again is harmless (it only re-sends mail), so it
is journaled after it was accepted, as an event that leaves the action parked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate.load.handlers.subscriber import PARKED_SUBSCRIBER
from migrate.load.journal import CONSENT_RESENT, PARKED, Journal
from migrate.webex import Webex, WebexError

CONSENT_RESEND_FAILED = "consent_resend_failed"


@dataclass
class ConsentResult:
    resent: list[str] = field(default_factory=list)  # action keys
    failed: dict[str, str] = field(default_factory=dict)  # action key → why

    def to_dict(self) -> dict[str, Any]:
        return {"resent": self.resent, "failed": self.failed}


async def resend_consent(webex: Webex, journal: Journal, run_id: int) -> ConsentResult:
    """Every subscriber still parked for its user's consent gets the mail again."""
    out = ConsentResult()
    for action in journal.actions(states=[PARKED]):
        subscriber_id = (action.result or {}).get("subscriberId")
        if action.error_code != PARKED_SUBSCRIBER or not subscriber_id:
            continue
        on_behalf = action.payload.get("params", {}).get("onBehalfOfSubPartnerOrgId")
        try:
            await webex.wholesale.resend_consent_email(subscriber_id, on_behalf_of=on_behalf)
        except WebexError as err:
            message = " ".join(str(err).split())
            out.failed[action.key] = message
            journal.note(action.key, run_id, CONSENT_RESEND_FAILED, message)
            continue
        journal.note(action.key, run_id, CONSENT_RESENT, subscriber_id)
        out.resent.append(action.key)
    return out
