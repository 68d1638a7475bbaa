"""Call pickups: one per BroadWorks call pickup group."""

from __future__ import annotations

from migrate.load.handlers.call_group import handlers
from migrate.plan.actions import CREATE_CALL_PICKUP, FEATURE_DELETES

CREATE, DELETE = handlers("call_pickup", CREATE_CALL_PICKUP, FEATURE_DELETES["call_pickup"])
