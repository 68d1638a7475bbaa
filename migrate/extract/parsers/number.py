"""Group DN assignments: every number of a group, ranges expanded."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import boolean, table
from migrate.extract.numbers import NumberError, RangeTooLarge, expand
from migrate.extract.parsers.base import Context, Sink, compact, join_key

# User types whose "Last Name" column holds a service instance's name.
INSTANCE_KINDS = {
    "Hunt Group": "hunt_group",
    "Call Center": "call_center",
    "Auto Attendant": "auto_attendant",
}


def dn_assignments(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId", "GroupId")
    for row_index, row in enumerate(table(data, "Phone Numbers"), start=1):
        cell = row.get("Phone Numbers")
        if cell is None:
            continue
        try:
            numbers = expand(cell, row.get("Country Code"), ctx.max_range)
        except RangeTooLarge as err:
            out.warning(
                "warning",
                "range-too-large",
                str(err),
                field="Phone Numbers",
                record=f"{ctx.label} row {row_index}",
            )
            continue
        except NumberError as err:
            out.warning(
                "warning",
                "bad-number",
                str(err),
                field="Phone Numbers",
                record=f"{ctx.label} row {row_index}",
            )
            continue
        user_id = row.get("User Id")
        user_type = row.get("User Type")
        for raw, e164 in numbers:
            out.record(
                "numbers",
                e164,
                "dn",
                compact(
                    {
                        "phone_number": e164,
                        "phone_number_raw": raw,
                        "sp_id": sp_id,
                        "group_id": group_id,
                        "user_id": user_id,
                        "user_type": user_type,
                        "activated": boolean(row.get("Activated")),
                    }
                ),
            )
        kind = INSTANCE_KINDS.get(user_type or "")
        if kind and user_id:
            # Supplementary: tells which group an instance belongs to; it does
            # not create an instance on its own (see store.PRIMARY_KINDS).
            out.record(
                "service_instances",
                user_id,
                "dn",
                compact(
                    {
                        "service_user_id": user_id,
                        "kind": kind,
                        "sp_id": sp_id,
                        "group_id": group_id,
                    }
                ),
            )


def group_key(sp_id: str, group_id: str) -> str:
    return join_key(sp_id, group_id)
