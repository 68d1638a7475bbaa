"""Paging groups: number, extension, originators and targets."""

from __future__ import annotations

from migrate.load.handlers.call_group import handlers
from migrate.plan.actions import CREATE_PAGING_GROUP, FEATURE_DELETES

CREATE, DELETE = handlers("paging_group", CREATE_PAGING_GROUP, FEATURE_DELETES["paging_group"])
