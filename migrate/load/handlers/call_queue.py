"""Call queues: looked up by name in their location, created (a Customer Assist queue
with ``hasCxEssentials``), deleted on rollback; the hunt groups' steps on the queues'
endpoints."""

from __future__ import annotations

from migrate.load.handlers.base import Handler
from migrate.load.handlers.hunt_group import creating, deleting
from migrate.plan.actions import CREATE_CALL_QUEUE, FEATURE_DELETES
from migrate.webex import Webex
from migrate.webex.hunt_groups import LocationFeatures


def _call_queues(webex: Webex) -> LocationFeatures:
    return webex.call_queues


DELETE_CALL_QUEUE = FEATURE_DELETES["call_queue"]
CREATE = Handler(CREATE_CALL_QUEUE, creating(_call_queues), inverse=DELETE_CALL_QUEUE)
DELETE = Handler(DELETE_CALL_QUEUE, deleting(_call_queues), requires=("id", "locationId"))
