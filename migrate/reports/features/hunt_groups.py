"""review.xlsx's "Hunt groups" sheet: one row per agent in hunt order (a group without
agents still has its row), with the policy and what BroadWorks had.

The call queues' sheet is the same layout with the queue's own columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from migrate.mapping.model import Model
from migrate.plan.model import CallFeature
from migrate.reports.xlsx import Column, SheetSpec

SHEET = "Hunt groups"
KIND = "hunt_group"


def agent_rows(model: Model, kind: str, extra: Any = lambda _f, _a: []) -> Iterator[list[Any]]:
    """``[feature columns…, order, agent, agent kind, weight, extra…]`` per agent."""
    features = sorted((f for f in model.features.values() if f.kind == kind), key=lambda f: f.id)
    for feature in features:
        head = _head(feature)
        agents = feature.webex.get("agents") or [{}]
        for order, agent in enumerate(agents, start=1):
            ref = agent.get("id") if isinstance(agent.get("id"), dict) else {}
            who = ref.get("$subscriber") or ref.get("$workspace")
            yield [
                *head,
                order if who else None,
                who,
                ("workspace" if "$workspace" in ref else "subscriber") if who else None,
                agent.get("weight"),
                *extra(feature, agent),
                json.dumps(feature.webex.get("callPolicies"), sort_keys=True)
                if order == 1
                else None,
            ]


def _head(feature: CallFeature) -> list[Any]:
    policy = (feature.webex.get("callPolicies") or {}).get("policy")
    return [
        feature.id,
        feature.customer_id,
        feature.location_id,
        feature.name,
        feature.phone_number,
        feature.extension,
        policy,
        feature.bw_values.get("policy"),
    ]


HEAD_COLUMNS = [
    Column("Feature ID", note="kind:BroadWorks service user id"),
    Column("Customer ID"),
    Column("Location ID"),
    Column("Name"),
    Column("Number"),
    Column("Extension"),
    Column("Webex policy"),
    Column("BroadWorks policy"),
    Column("Order"),
    Column("Agent (BroadWorks user)"),
    Column("Agent is"),
    Column("Weight %"),
]


def sheet(model: Model) -> SheetSpec:
    return SheetSpec(
        SHEET,
        [*HEAD_COLUMNS, Column("Call policies (Webex)", width=60)],
        lambda: agent_rows(model, KIND),
    )
