"""Call parks: one per BroadWorks call park group, agents in park order."""

from __future__ import annotations

from migrate.load.handlers.call_group import handlers
from migrate.plan.actions import CREATE_CALL_PARK, FEATURE_DELETES

CREATE, DELETE = handlers("call_park", CREATE_CALL_PARK, FEATURE_DELETES["call_park"])
