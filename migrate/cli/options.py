"""Options every stage command accepts after its name (DESIGN §8).

Each option also reads ``MIGRATE_<NAME>`` from the environment, so a shell
that exports ``MIGRATE_WORKSPACE`` once can run the stages one after another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from migrate.stages.settings import DEFAULT_API_URL, Settings

F = TypeVar("F", bound=Callable[..., Any])


def _settings_from(kwargs: dict[str, Any]) -> Settings:
    config = kwargs.pop("config")
    if config is None and Path("migrate.toml").is_file():
        config = Path("migrate.toml")
    return Settings(
        workspace=kwargs.pop("workspace"),
        reports=kwargs.pop("reports"),
        config=config,
        mappings=kwargs.pop("mappings"),
        sandbox=kwargs.pop("sandbox"),
        api_url=kwargs.pop("api_url"),
        json=kwargs.pop("as_json"),
        verbose=kwargs.pop("verbose"),
    )


def common_options(func: F) -> F:
    """Add the common options and pass them to ``func`` as ``settings``."""
    options = [
        click.option(
            "-w",
            "--workspace",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("work"),
            show_default=True,
            envvar="MIGRATE_WORKSPACE",
            help="Folder where every stage keeps its state.",
        ),
        click.option(
            "--reports",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("reports"),
            show_default=True,
            envvar="MIGRATE_REPORTS",
            help="Folder for the Excel and HTML reports.",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            envvar="MIGRATE_CONFIG",
            help="migrate.toml (default: ./migrate.toml when present).",
        ),
        click.option(
            "--mappings",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            envvar="MIGRATE_MAPPINGS",
            help="Folder of mapping tables; a table missing there falls back to the shipped one.",
        ),
        click.option(
            "--sandbox",
            is_flag=True,
            default=False,
            envvar="MIGRATE_SANDBOX",
            help="Talk to the embedded Webex sandbox (no account, no network).",
        ),
        click.option(
            "--api-url",
            default=DEFAULT_API_URL,
            show_default=True,
            envvar="MIGRATE_API_URL",
            help="Webex API base URL, e.g. http://127.0.0.1:8080/v1 for a served sandbox.",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            default=False,
            envvar="MIGRATE_JSON",
            help="Print the result as one JSON object instead of text.",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            envvar="MIGRATE_VERBOSE",
            help="More detail on stderr.",
        ),
    ]

    def wrapper(**kwargs: Any) -> Any:
        settings = _settings_from(kwargs)
        return func(settings=settings, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    decorated: Callable[..., Any] = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]
