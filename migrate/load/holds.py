"""Customers and subscribers Webex holds, and for how long (``status``, load.xlsx, summary).

Cisco reviews a customer found on a Restricted/Denied Persons list for up to
72 hours (Solution Guide, "Restricted Persons List"); a customer still held
after that is out of onboarding and in the hands of Cisco Ops, so it is
flagged overdue. A subscriber waits for its user's consent with no limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from migrate.load.journal import PARKED

# The reasons an action is parked for, defined here rather than by the handlers that
# park: status reads holds without importing the loader and its Webex client.
PARKED_CUSTOMER = "pending_rpl_review"
PARKED_SUBSCRIBER = "pending_user_migration"
RPL_REVIEW_LIMIT = timedelta(hours=72)
HOLD_REASONS = (PARKED_CUSTOMER, PARKED_SUBSCRIBER)
OVERDUE_ADVICE = "held over 72 h: Cisco Ops now reviews it; ask Cisco about it"


class Outcome(Protocol):
    """What a hold is read from: a journal action, or status's compact ``Attention``."""

    @property
    def key(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def error_code(self) -> str | None: ...
    @property
    def result(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Hold:
    key: str
    customer: str
    reason: str  # pending_rpl_review | pending_user_migration
    since: str | None  # when the journal first recorded it parked (UTC, ISO-8601)
    hours: float | None
    overdue: bool
    subscriber_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "customer": self.customer,
            "reason": self.reason,
            "since": self.since,
            "hours": self.hours,
            "overdue": self.overdue,
        }

    def describe(self) -> str:
        if self.since is None:
            return f"{self.reason} (since unknown)"
        text = f"{self.reason} since {self.since} ({self.hours:.0f} h)"
        return f"{text}, OVERDUE: {OVERDUE_ADVICE}" if self.overdue else text


def holds(
    actions: Iterable[Outcome], parked_since: Mapping[str, str], now: datetime | None = None
) -> list[Hold]:
    """One :class:`Hold` per action parked by Webex itself (not the ones that wait on it)."""
    now = now or datetime.now(UTC)
    found = []
    for action in actions:
        if action.state != PARKED or action.error_code not in HOLD_REASONS:
            continue
        since = parked_since.get(action.key)
        held = now - datetime.fromisoformat(since) if since else None
        found.append(
            Hold(
                action.key,
                action.customer,
                action.error_code or "",
                since,
                round(held.total_seconds() / 3600, 1) if held is not None else None,
                held is not None
                and action.error_code == PARKED_CUSTOMER
                and held > RPL_REVIEW_LIMIT,
                (action.result or {}).get("subscriberId"),
            )
        )
    return found
