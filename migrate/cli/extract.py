"""``migrate extract EXPORT``: BroadWorks OCI-P export → inventory + extract.xlsx."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrate.cli.options import Settings, common_options
from migrate.cli.render import emit
from migrate.extract import extract
from migrate.extract.reader import Export
from migrate.reports.extract_report import write_extract_report


@click.command("extract")
@click.argument("export", type=click.Path(path_type=Path))
@common_options
def command(export: Path, settings: Settings) -> None:
    """Read a BroadWorks export (folder or .zip of OCI-P XML) into the inventory.

    Writes <workspace>/inventory/*.jsonl and <reports>/extract.xlsx. Exits 1
    when a document or record had to be dropped (see the Warnings sheet).
    """
    with Export(export) as opened:
        total = opened.count() if sys.stderr.isatty() and not settings.json else 0
    show_bar = total > 50
    with click.progressbar(
        length=total, label="extract", file=sys.stderr, hidden=not show_bar
    ) as bar:
        result = extract(export, settings.workspace, progress=bar.update)
    result.report = write_extract_report(settings.workspace, settings.reports / "extract.xlsx")
    counts = result.counts
    lines = [
        f"extracted {result.documents} documents from {export} in {result.seconds:.1f}s",
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
    emit(settings, result.as_dict(), lines)
    sys.exit(int(result.exit_code))
