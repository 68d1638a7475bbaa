"""Where each customer stands in its cutover, from the journal alone (``status``,
the summary, ``cutover``): pure counting, none of the machinery that switches numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from migrate.load import journal as jr
from migrate.load.journal import JournalAction
from migrate.plan.actions import ACTIVATE_NUMBERS

STAGED = "staged"
CUT_OVER = "cut over"
ROLLED_BACK = "rolled back"
UNFINISHED = "cutover unfinished"
LOADING = "not staged"


@dataclass(frozen=True)
class CustomerCutover:
    state: str  # staged | cut over | rolled back | cutover unfinished | not staged
    at: str = ""  # when it was cut over (or switched back off)


def customer_states(actions: Iterable[JournalAction]) -> dict[str, CustomerCutover]:
    """Each customer's cutover state, from the journal's actions alone."""
    by_customer: dict[str, list[JournalAction]] = {}
    for action in actions:
        by_customer.setdefault(action.customer, []).append(action)
    out = {}
    for customer, group in sorted(by_customer.items()):
        switches = [a for a in group if a.type == ACTIVATE_NUMBERS]
        out[customer] = cutover_state(
            Counter(a.state for a in switches),
            max((a.updated_at or "" for a in switches), default=""),
            all(a.state == jr.SUCCEEDED for a in group),
        )
    return out


def tallied_states(tally: Iterable[jr.Tally]) -> dict[str, CustomerCutover]:
    """:func:`customer_states` from the journal's tally: the same answer, counted by
    sqlite instead of walking every action."""
    switches: dict[str, Counter[str]] = {}
    switched_at: dict[str, str] = {}
    states: dict[str, set[str]] = {}
    for customer, _batch, kind, state, count, at in tally:
        states.setdefault(customer, set()).add(state)
        if kind == ACTIVATE_NUMBERS:
            switches.setdefault(customer, Counter())[state] += count
            switched_at[customer] = max(switched_at.get(customer, ""), at)
    return {
        customer: cutover_state(
            switches.get(customer, Counter()),
            switched_at.get(customer, ""),
            found == {jr.SUCCEEDED},
        )
        for customer, found in sorted(states.items())
    }


def cutover_state(switches: Counter[str], at: str, all_succeeded: bool) -> CustomerCutover:
    """A customer's cutover state from its number switches' states (and when the last
    one changed) and whether every one of its actions succeeded."""
    total = sum(switches.values())
    if total and switches[jr.SUCCEEDED] == total:
        return CustomerCutover(CUT_OVER, at)
    if total and switches[jr.ROLLED_BACK] == total:
        return CustomerCutover(ROLLED_BACK, at)
    if total:
        return CustomerCutover(UNFINISHED, at)
    return CustomerCutover(STAGED if all_succeeded else LOADING)
