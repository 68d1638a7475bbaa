"""``migrate map``: inventory → wholesale model + reports/review.xlsx."""

from __future__ import annotations

from pathlib import Path

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit
from migrate.stages.map import MapResult, map_inventory
from migrate.stages.settings import Settings


def render(settings: Settings, result: MapResult, overrides: Path | None = None) -> None:
    counts = result.counts
    lines = [
        f"mapped {counts['customers']} customers, {counts['locations']} locations, "
        f"{counts['subscribers']} subscribers, {counts['numbers']} numbers, "
        f"{counts['devices']} devices; {counts['not_migrated']} items not migrated",
        f"issues: {result.issues['blocker']} blockers, {result.issues['warning']} warnings",
    ]
    if overrides is not None:
        lines.append(
            f"overrides: {result.overrides.get('applied', 0)} applied, "
            f"{result.overrides.get('refused', 0)} refused"
        )
    lines += [f"model: {result.model_dir}", f"review: {result.review}"]
    emit(settings, result.to_dict(), lines)


@click.command("map")
@click.option(
    "--overrides",
    "overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="MIGRATE_OVERRIDES",
    help="A reviewed review.xlsx whose edits (email, package, location, extension, "
    "skip) are applied on top of the mapping.",
)
@common_options
def command(settings: Settings, overrides: Path | None) -> None:
    """Map the inventory to the Wholesale model and write review.xlsx.

    Reads WORKSPACE/inventory, the mapping tables (--mappings, default the
    shipped ones) and migrate.toml; writes WORKSPACE/model/*.jsonl and
    REPORTS/review.xlsx. Edit the yellow columns of the Subscribers sheet and
    run again with --overrides to apply them.
    """
    render(settings, map_inventory(settings, overrides), overrides)
