"""``migrate init [DIR]``: start a migration project with editable tables and config."""

from __future__ import annotations

from pathlib import Path

import click

from migrate.stages.init import CONFIG_NAME, MAPPINGS_NAME, InitResult, init


def render(result: InitResult) -> None:
    folder = result.directory
    click.echo(f"wrote {len(result.written)} files under {folder}:")
    click.echo(f"  {folder / CONFIG_NAME}   (every key commented; edit provisioning_id first)")
    click.echo(f"  {folder / MAPPINGS_NAME}/      (the mapping tables; see its README.md)")
    click.echo(
        f"next: cd {folder} && migrate extract EXPORT --mappings {MAPPINGS_NAME} "
        "(migrate.toml is read from the current folder)"
    )


@click.command("init")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
@click.option("--force", is_flag=True, help="Overwrite files that are already there.")
def command(directory: Path, force: bool) -> None:
    """Write an editable copy of the mapping tables (DIR/mappings/) and a commented
    DIR/migrate.toml for a new migration project.

    Refuses (exit 3), writing nothing, when one of those files exists; --force
    overwrites them. Pass the copy with --mappings DIR/mappings.
    """
    render(init(directory, force=force))
