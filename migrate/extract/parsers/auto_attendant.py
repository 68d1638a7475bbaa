"""An auto attendant's whole configuration, beside its ``service_instances`` record.

Every release from R14 to R24 reads through this one parser, by element name:
``businessHours`` is a schedule name up to R17 and ``{type, name}`` from R17sp1
(``holidayScheduleName`` became ``holidaySchedule`` then); ``type`` and
``holidayMenu`` arrive in R19, ``firstDigitTimeoutSeconds`` in R20, the operator
announcement in R24. Each menu's ``keyConfiguration`` is always a list of
``{key, entry: {description, action, phoneNumber, submenuId}}``.
"""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import as_list, text
from migrate.extract.parsers import service_instance
from migrate.extract.parsers.base import Context, Sink, compact
from migrate.extract.parsers.user_settings import plain

ENTITY = "group_features"
MENUS = ("businessHoursMenu", "afterHoursMenu", "holidayMenu")


def _menu(raw: Any) -> Any:
    menu = plain(raw)
    if isinstance(menu, dict):
        menu["keyConfiguration"] = [k for k in as_list(menu.get("keyConfiguration")) if k]
    return menu


def auto_attendant(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    service_instance.auto_attendant(data, ctx, out)  # "Not migrated" and numbers read it
    service_user_id = ctx.key(data, "serviceUserId")
    profile = data.get("serviceInstanceProfile")
    profile = profile if isinstance(profile, dict) else {}
    values = {
        k: _menu(v) if k in MENUS else plain(v)
        for k, v in data.items()
        if v is not None and k != "serviceUserId"
    }
    out.record(
        ENTITY,
        service_user_id,
        "detail",
        compact(
            {
                "id": service_user_id,
                "kind": "auto_attendant",
                # The response names neither: the instance list or DN list of the
                # group does, and the mapper takes them from there.
                "sp_id": ctx.optional_key(data, "serviceProviderId") or "",
                "group_id": ctx.optional_key(data, "groupId"),
                "name": text(profile.get("name")),
                "values": values,
                "commands": [ctx.ctype.name],
            }
        ),
    )
