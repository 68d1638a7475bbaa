"""``migrate status``: where the load stands, per state and per customer."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit
from migrate.stages.settings import Settings
from migrate.stages.status import StatusOutcome, status


def render(settings: Settings, outcome: StatusOutcome) -> None:
    totals, runs = outcome.counts, outcome.runs
    lines = [
        # ``counts`` holds every state, in the journal's order.
        "actions: " + ", ".join(f"{n} {state}" for state, n in totals.items() if n),
        f"runs: {len(runs)}"
        + (f" (last: {runs[-1]['command']} {runs[-1]['status']})" if runs else ""),
    ]
    interrupted = outcome.interrupted
    if interrupted:
        lines.append(
            "interrupted runs (the process died; `migrate retry` reconciles them): "
            + ", ".join(f"{r['run_id']} ({r['command']}, {r['started_at']})" for r in interrupted)
        )
    for number, batch in outcome.batches.items():
        counted: dict[str, int] = batch["states"]
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counted.items()))
        lines.append(f"batch {number}: {', '.join(batch['customers'])} ({summary})")
    for customer, states in sorted(outcome.customers.items()):
        counts = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        switch = outcome.cutover.get(customer, {})
        shown = f"{switch.get('state')}" + (f" at {switch['at']}" if switch.get("at") else "")
        lines.append(f"  {customer}: {counts}" + (f" [{shown}]" if switch else ""))
    if outcome.holds:
        overdue = sum(h.overdue for h in outcome.holds)
        lines.append(
            f"held by Webex: {len(outcome.holds)}" + (f" ({overdue} overdue)" if overdue else "")
        )
        lines += [f"  {h.customer} {h.key}: {h.describe()}" for h in outcome.holds]
    for a in outcome.attention[:50]:
        lines.append(f"  {a.state} {a.key}: {a.error_code}: {a.error_message}")
    emit(settings, outcome.to_dict(), lines)


@click.command("status")
@common_options
def command(settings: Settings) -> None:
    """Counts per action state, per customer, what is failed or parked, since when
    Webex holds a customer (flagged past Cisco's 72-hour review) and runs a killed
    process left interrupted."""
    render(settings, status(settings))
