"""``migrate verify``: read the loaded customers back from Webex and compare with the plan."""

from __future__ import annotations

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish
from migrate.stages.settings import Settings
from migrate.stages.verify import VerifyOutcome, verify


def render(settings: Settings, outcome: VerifyOutcome) -> None:
    result = outcome.result
    counts = result.counts()
    lines = [
        f"verify: {len(result.customers)} customers, "
        + ", ".join(f"{n} {kind}s" for kind, n in result.checked.items())
        + f" compared; {len(result.differences)} differences"
        + (
            f" ({', '.join(f'{n} {p}' for p, n in counts.items() if n)})"
            if result.differences
            else ""
        )
    ]
    if result.not_loaded:
        lines.append(f"  not loaded yet (not verified): {', '.join(result.not_loaded)}")
    for d in result.differences[:30]:
        lines.append(f"  {d.problem} {d.kind} {d.key} ({d.customer}): {d.message}")
    for what, why in result.not_compared:
        lines.append(f"  not compared: {what}: {why}")
    lines.append(f"report: {outcome.report}")
    emit(settings, outcome.to_dict(), lines)


@click.command("verify")
@click.option(
    "--select", "select", multiple=True, metavar="ID", help="Only this customer (repeatable)."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Customers read at the same time.",
)
@common_options
def command(select: tuple[str, ...], concurrency: int, settings: Settings) -> None:
    """Prove nothing was lost: compare Webex with the plan (read-only).

    For every customer the journal shows as loaded, reads back the customer,
    its locations, numbers and subscribers and lists what is missing,
    unexpected or different (package, number, extension, location). Writes
    <reports>/verify.xlsx; exits 1 when anything differs. Sends no writes.
    """
    outcome = verify(settings, select=select, concurrency=concurrency)
    render(settings, outcome)
    finish(outcome)
