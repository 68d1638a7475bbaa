"""``migrate extract EXPORT`` or ``--from-oci HOST``: BroadWorks → inventory + extract.xlsx."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from migrate.cli.oci_options import Source, source_options
from migrate.cli.options import common_options
from migrate.cli.render import emit, finish, progress_bar
from migrate.extract.oci import DEFAULT_CONCURRENCY, DEFAULT_MAX_RPS
from migrate.stages.extract import ExtractOutcome, extract, extract_from_oci
from migrate.stages.result import Advance, Progress
from migrate.stages.settings import Settings

MESSAGES_SHOWN = 5  # without -v


def render(settings: Settings, outcome: ExtractOutcome) -> None:
    result = outcome.extracted
    counts = result.counts
    lines = []
    if outcome.pulled is not None:
        pulled = outcome.pulled
        stats = pulled.stats
        lines.append(
            f"pulled from {pulled.address} in {pulled.seconds:.1f}s: {stats.saved} answers saved, "
            f"{stats.reused} already saved, {stats.declined} optional requests declined, "
            f"{stats.errors} errors, {pulled.reconnects} reconnects"
        )
        if stats.missing_groups:
            lines.append(f"  groups not found: {', '.join(stats.missing_groups)}")
    lines += [
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
    # The worst warnings by name (file, record, field): the rest are in extract.xlsx.
    shown = result.messages if settings.verbose else result.messages[:MESSAGES_SHOWN]
    lines += [f"  {message}" for message in shown]
    if len(shown) < len(result.messages):
        lines.append("  (more with -v; every warning is on the Warnings sheet of extract.xlsx)")
    lines.append(f"inventory: {result.inventory_dir}")
    lines.append(f"report:    {result.report}")
    emit(settings, outcome.to_dict(), lines)


def oci_progress(bar: Progress | None) -> Progress | None:
    """The bar for known totals; a running count on stderr when the total is unknown."""
    if bar is None:
        return None

    @contextmanager
    def shown(label: str, total: int) -> Iterator[Advance]:
        if total:
            with bar(label, total) as advance:
                yield advance
            return
        done = 0

        def count(step: int) -> None:
            nonlocal done
            done += step
            if done % 25 == 0:
                sys.stderr.write(f"\r{label}: {done} answers")
                sys.stderr.flush()

        yield count
        sys.stderr.write(f"\r{label}: {done} answers\n")

    return shown


@click.command("extract")
@source_options
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    envvar="MIGRATE_CONCURRENCY",
    help="OCI-P sessions at once.",
)
@click.option(
    "--max-rps",
    type=click.FloatRange(0),
    default=DEFAULT_MAX_RPS,
    show_default=True,
    envvar="MIGRATE_MAX_RPS",
    help="Most requests per second (0: no cap).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=60.0,
    show_default=True,
    envvar="MIGRATE_TIMEOUT",
    help="Seconds to wait for one answer before reconnecting.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    envvar="MIGRATE_PROGRESS",
    help="Show progress on stderr (only on a terminal).",
)
@common_options
def command(
    source: Source,
    concurrency: int,
    max_rps: float,
    timeout: float,
    progress: bool,
    settings: Settings,
) -> None:
    """Read a BroadWorks export (folder or .zip of OCI-P XML) into the inventory.

    With --from-oci, pull the export from the server first, into
    <workspace>/oci-export (a re-run asks only what is not saved yet).
    Writes <workspace>/inventory/*.jsonl and <reports>/extract.xlsx. Exits 1
    when a document or record had to be dropped (see the Warnings sheet).
    """
    bar = progress_bar(settings) if progress else None
    oci = source.pull("extract", concurrency, max_rps, timeout)
    if oci is None:
        assert source.export is not None  # pull() refuses neither
        outcome = extract(settings, source.export, bar)
    else:
        outcome = extract_from_oci(settings, *oci, oci_progress(bar))
    render(settings, outcome)
    finish(outcome)
