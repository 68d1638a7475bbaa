"""``migrate extract EXPORT``: BroadWorks OCI-P export → inventory + extract.xlsx."""

from __future__ import annotations

from pathlib import Path

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit, finish, progress_bar
from migrate.stages.extract import ExtractOutcome, extract
from migrate.stages.settings import Settings


def render(settings: Settings, outcome: ExtractOutcome) -> None:
    result = outcome.extracted
    counts = result.counts
    lines = [
        f"extracted {result.documents} documents from {outcome.export} in {result.seconds:.1f}s",
        "  "
        + ", ".join(
            f"{n} {entity.replace('_', ' ')}"
            for entity, n in counts.items()
            if entity != "warnings"
        ),
        f"  warnings: {counts.get('warnings', 0)}"
        + (
            f" ({', '.join(f'{n} {s}' for s, n in result.warnings.items())})"
            if result.warnings
            else ""
        ),
    ]
    if result.unknown_commands:
        lines.append(f"  unknown command types counted: {sum(result.unknown_commands.values())}")
    lines.append(f"inventory: {result.inventory_dir}")
    lines.append(f"report:    {result.report}")
    emit(settings, outcome.to_dict(), lines)


@click.command("extract")
@click.argument("export", type=click.Path(path_type=Path))
@common_options
def command(export: Path, settings: Settings) -> None:
    """Read a BroadWorks export (folder or .zip of OCI-P XML) into the inventory.

    Writes <workspace>/inventory/*.jsonl and <reports>/extract.xlsx. Exits 1
    when a document or record had to be dropped (see the Warnings sheet).
    """
    outcome = extract(settings, export, progress_bar(settings))
    render(settings, outcome)
    finish(outcome)
