"""Printing results: text for people, one JSON object with ``--json``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import click

from migrate.cli.options import Settings


def emit(settings: Settings, payload: dict[str, Any], lines: Iterable[str]) -> None:
    if settings.json:
        click.echo(json.dumps(payload, sort_keys=True, default=str))
    else:
        for line in lines:
            click.echo(line)
