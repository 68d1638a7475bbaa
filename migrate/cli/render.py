"""Printing results: text for people, one JSON object with ``--json``; exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from migrate.stages.result import Advance, Progress, StageResult
from migrate.stages.settings import Settings


def emit(settings: Settings, payload: dict[str, Any], lines: Iterable[str]) -> None:
    if settings.json:
        click.echo(json.dumps(payload, sort_keys=True, default=str))
    else:
        for line in lines:
            click.echo(line)


def refusal(result: StageResult) -> None:
    """The one-line error of a stage that refused to go on, as the top level prints errors."""
    if result.error:
        click.echo(f"error: {' '.join(result.error.split())}", err=True)


def finish(result: StageResult) -> NoReturn:
    refusal(result)
    sys.exit(int(result.exit_code))


def progress_bar(settings: Settings) -> Progress | None:
    """A bar on stderr when it is a terminal (never with --json); quiet in pipes."""
    if settings.json or not sys.stderr.isatty():
        return None

    @contextmanager
    def bar(label: str, total: int) -> Iterator[Advance]:
        with click.progressbar(length=total, label=label, file=sys.stderr) as shown:
            yield shown.update

    return bar
