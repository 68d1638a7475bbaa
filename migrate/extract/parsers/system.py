"""System lookups: languages (name → locale) and time zones (key → display name)."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import table, text
from migrate.extract.parsers.base import Context, Sink, compact


def languages(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    default = text(data.get("defaultLanguage"))
    for row in table(data, "Language"):
        name = text(row.get("Language"))
        if name is None:
            continue
        out.record(
            "languages",
            name,
            "detail",
            compact(
                {
                    "language": name,
                    "locale": text(row.get("Locale")),
                    "encoding": text(row.get("Encoding")),
                    "is_default": name == default,
                }
            ),
        )


def time_zones(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    for row in table(data, "Key"):
        key = text(row.get("Key"))
        if key is None:
            continue
        out.record(
            "time_zones",
            key,
            "detail",
            compact(
                {
                    "key": key,
                    "display_name": text(row.get("Display Name")),
                }
            ),
        )
