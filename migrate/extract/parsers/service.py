"""Service packs: what each pack bundles, so packages are chosen on services."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import boolean, table, text
from migrate.extract.parsers.base import Context, Sink, compact, join_key


def service_pack_details(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    name = ctx.key(data, "servicePackName")
    services = sorted({s for row in table(data, "Service") if (s := text(row.get("Service")))})
    out.record(
        "service_packs",
        join_key(sp_id, name),
        "detail",
        compact(
            {
                "sp_id": sp_id,
                "name": name,
                "description": text(data.get("servicePackDescription")),
                "is_available": boolean(data.get("isAvailableForUse")),
                "services": services,
            }
        ),
    )
