"""``migrate synthetic EXPORT_DIR --users N``: write a synthetic BroadWorks export.

Not a pipeline stage, so it takes only the options that mean something to it
(no workspace, reports or Webex options); ``--json`` and ``-v`` behave as
everywhere else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from migrate.synthetic import MANIFEST_NAME, SyntheticResult, generate


def _summary(result: SyntheticResult) -> str:
    counts = result.counts
    return (
        f"synthetic: {counts['users']:,} users, {counts['groups']:,} groups, "
        f"{counts['service_providers']:,} service providers, {counts['devices']:,} devices, "
        f"{counts['numbers']:,} numbers -> {result.path} "
        f"({result.documents:,} documents, {result.bytes_written / 1e6:,.1f} MB, "
        f"{result.seconds:.1f} s, {result.users_per_second:,.0f} users/s; "
        f"expected counts in {MANIFEST_NAME})"
    )


def _payload(result: SyntheticResult) -> dict[str, object]:
    return {
        "path": str(result.path),
        "seed": result.seed,
        "users": result.users,
        "counts": result.counts,
        "quirks": result.quirks,
        "documents": result.documents,
        "files": result.files,
        "bytes": result.bytes_written,
        "seconds": round(result.seconds, 3),
        "users_per_second": round(result.users_per_second),
        "manifest": str(result.path / MANIFEST_NAME),
    }


@click.command("synthetic")
@click.argument("export_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--users", type=click.IntRange(min=1), required=True, help="How many users to write (exactly)."
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="The same seed writes byte-identical files.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    envvar="MIGRATE_WORKERS",
    help="Processes writing a folder export in parallel; the output does not change.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    default=False,
    envvar="MIGRATE_JSON",
    help="Print the result as one JSON object instead of text.",
)
@click.option(
    "-v", "--verbose", count=True, envvar="MIGRATE_VERBOSE", help="More detail on stderr."
)
def command(
    export_dir: Path, users: int, seed: int, workers: int, as_json: bool, verbose: int
) -> None:
    """Write a synthetic export of USERS users into EXPORT_DIR (a new or empty folder, or a new
    NAME.zip: one file, much faster on a slow disk).

    Same convention and quirks as the samples: request/response document
    pairs, every response version R20-R25, ISO-8859-1 and UTF-8, DN ranges,
    MPP/Poly/Yealink/generic/ATA/soft-client devices, shared lines, places,
    hunt groups, call centers, auto attendants, a few ErrorResponses.
    synthetic-manifest.json at the export's root holds the exact counts extract should find.
    """
    show_bar = sys.stderr.isatty() and not as_json
    if show_bar:
        with click.progressbar(length=users, label="writing users", file=sys.stderr) as bar:
            seen = 0

            def advance(done: int) -> None:
                nonlocal seen
                bar.update(done - seen)
                seen = done

            result = generate(export_dir, users, seed, progress=advance, workers=workers)
    else:
        result = generate(export_dir, users, seed, workers=workers)
    if as_json:
        click.echo(json.dumps(_payload(result), sort_keys=True))
        return
    click.echo(_summary(result))
    if verbose:
        for name, value in result.quirks.items():
            click.echo(f"  {name}: {value:,}", err=True)
