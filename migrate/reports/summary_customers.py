"""The Customers table of ``summary.html``: one row per customer, its status read from
the states of its load actions, those needing attention first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from migrate.load import journal as jr
from migrate.load.cutover_states import LOADING, tallied_states
from migrate.load.verify import VerifyResult
from migrate.plan import model as wm
from migrate.plan.actions import CREATE_CUSTOMER
from migrate.reports.saved import SavedResults
from migrate.workspace import Workspace


@dataclass(frozen=True)
class CustomerStatus:
    id: str
    name: str
    status: str
    subscribers_planned: int
    subscribers_loaded: int
    actions: str
    verify: str
    cutover: str = ""  # staged | cut over at … | rolled back at … | cutover unfinished


def _customer_status(
    customer_id: str,
    found: Counter[str],
    left_alone: dict[str, str],
    create_state: dict[str, str],
    diffs: Counter[str],
) -> str:
    """One customer's status from the states of its load actions."""
    if customer_id in left_alone:
        return "blocked"
    if not found or set(found) == {jr.PENDING}:
        return "not loaded"
    if found.get(jr.FAILED) or found.get(jr.SKIPPED) or found.get(jr.STARTED):
        return "failed"
    if found.get(jr.PARKED):
        return "parked"
    if create_state.get(customer_id) == jr.ROLLED_BACK:
        return "rolled back"
    if set(found) == {jr.SUCCEEDED}:
        return "differs" if diffs.get(customer_id) else "loaded"
    return "partial"


def _cutover_text(state: str, at: str, record: dict[str, object]) -> str:
    if state == LOADING:
        return ""  # not staged yet: the status column says why
    text = f"{state} at {at}" if at else state
    return f"{text} (forced)" if record.get("forced") and record.get("state") == state else text


def _verify_text(customer_id: str, verified: VerifyResult | None, diffs: Counter[str]) -> str:
    if verified is None or customer_id not in verified.customers:
        return "not verified"
    if diffs.get(customer_id):
        return f"{diffs[customer_id]} differences"
    return "no differences"


_URGENT = ("blocked", "failed", "differs", "parked", "partial")


def customer_rows(
    ws: Workspace,
    saved: SavedResults,
    left_alone: dict[str, str],
    planned_subs: Counter[str],
    loaded_subs: Counter[str],
    diffs: Counter[str],
) -> list[CustomerStatus]:
    """One row per customer of the model, those needing attention first."""
    by_customer: dict[str, Counter[str]] = {}
    create_state: dict[str, str] = {}
    for customer, _batch, kind, state, count, _at in saved.tally:
        by_customer.setdefault(customer, Counter())[state] += count
        if kind == CREATE_CUSTOMER:  # one a customer
            create_state[customer] = state
    switched = tallied_states(saved.tally)
    rows = []
    for customer in sorted(wm.read(ws.root, "customers"), key=lambda c: c.id):
        found = by_customer.get(customer.id, Counter())
        rows.append(
            CustomerStatus(
                customer.id,
                customer.name,
                _customer_status(customer.id, found, left_alone, create_state, diffs),
                planned_subs.get(customer.id, 0),
                loaded_subs.get(customer.id, 0),
                ", ".join(f"{n} {s}" for s, n in sorted(found.items()))
                or (left_alone.get(customer.id, "") if customer.id in left_alone else "none"),
                _verify_text(customer.id, saved.verified, diffs),
                _cutover_text(
                    switched[customer.id].state if customer.id in switched else LOADING,
                    switched[customer.id].at if customer.id in switched else "",
                    saved.cutover.get(customer.id) or {},
                ),
            )
        )
    rows.sort(
        key=lambda r: (
            r.status not in _URGENT,
            _URGENT.index(r.status) if r.status in _URGENT else 0,
            r.id,
        )
    )
    return rows
