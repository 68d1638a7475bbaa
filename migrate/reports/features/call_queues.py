"""review.xlsx's "Call queues" sheet: one row per agent in order, with whether the agent
joined, its skill, the queue type and the queue and overflow settings."""

from __future__ import annotations

import json
from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.features.hunt_groups import HEAD_COLUMNS, agent_rows
from migrate.reports.xlsx import Column, SheetSpec

SHEET = "Call queues"
KIND = "call_queue"


def _queue(feature: CallFeature, agent: dict[str, Any]) -> list[Any]:
    return [
        agent.get("joinEnabled"),
        agent.get("skillLevel"),
        feature.bw_values.get("type"),
        "Customer Assist" if feature.webex.get("hasCxEssentials") else "Call queue",
        json.dumps(feature.webex.get("queueSettings"), sort_keys=True),
    ]


def sheet(model: Model) -> SheetSpec:
    return SheetSpec(
        SHEET,
        [
            *HEAD_COLUMNS,
            Column("Joined"),
            Column("Skill level"),
            Column("BroadWorks type"),
            Column("Webex queue"),
            Column("Queue settings (Webex)", width=60),
            Column("Call policies (Webex)", width=60),
        ],
        lambda: agent_rows(model, KIND, _queue),
    )
