"""``migrate status``: where the load stands, per state and per customer."""

from __future__ import annotations

from collections import Counter, defaultdict

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.errors import PreconditionError
from migrate.load.journal import FAILED, JOURNAL_FILE, PARKED, STATES, Journal


@click.command("status")
@common_options
def command(settings: Settings) -> None:
    """Counts per action state, per customer, and what is failed or parked."""
    if not (settings.workspace / JOURNAL_FILE).exists():
        raise PreconditionError(
            f"{settings.workspace / JOURNAL_FILE}: no journal; nothing was loaded yet"
        )
    with Journal(settings.workspace) as journal:
        actions = journal.actions()
        runs = journal.runs()
    per_customer: dict[str, Counter[str]] = defaultdict(Counter)
    for action in actions:
        per_customer[action.customer][action.state] += 1
    totals = Counter(a.state for a in actions)
    attention = [a for a in actions if a.state in (FAILED, PARKED)]
    payload = {
        "counts": {s: totals.get(s, 0) for s in STATES},
        "customers": {c: dict(n) for c, n in sorted(per_customer.items())},
        "attention": [
            {
                "key": a.key,
                "state": a.state,
                "code": a.error_code,
                "message": a.error_message,
                "tracking_id": a.tracking_id,
            }
            for a in attention
        ],
        "runs": runs,
    }
    lines = [
        "actions: " + ", ".join(f"{totals.get(s, 0)} {s}" for s in STATES if totals.get(s)),
        f"runs: {len(runs)}"
        + (f" (last: {runs[-1]['command']} {runs[-1]['status']})" if runs else ""),
    ]
    for customer, states in sorted(per_customer.items()):
        lines.append(f"  {customer}: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())))
    for a in attention[:50]:
        lines.append(f"  {a.state} {a.key}: {a.error_code}: {a.error_message}")
    emit(settings, payload, lines)
