"""BroadWorks group → Wholesale location (its address is the emergency address)."""

from __future__ import annotations

from migrate import inventory as inv
from migrate.mapping import timezone
from migrate.mapping.addresses import map_address
from migrate.mapping.context import BuildContext
from migrate.mapping.customers import ensure_customer
from migrate.mapping.names import clean_name
from migrate.plan.model import Location


def ensure_location(ctx: BuildContext, sp_id: str, group_id: str) -> Location:
    """The location of a group, mapped (with its customer) the first time it is asked for."""
    lid = f"{sp_id}/{group_id}"
    location = ctx.model.locations.get(lid)
    if location is not None:
        return location
    customer = ensure_customer(ctx, sp_id, group_id)
    group = ctx.groups.get((sp_id, group_id))
    if group is None:
        ctx.issues.blocker(
            "missing_group",
            entity="location",
            key=lid,
            customer_id=customer.id,
            message=f"group {group_id!r} of {sp_id!r} is not in the inventory "
            "(its GroupGet failed?)",
        )
        group = inv.Group(sp_id=sp_id, group_id=group_id)
    name, name_raw = clean_name(
        ctx.issues, group.name, group_id, entity="location", key=lid, customer_id=customer.id
    )
    location = Location(
        id=lid,
        customer_id=customer.id,
        bw_key={"sp_id": sp_id, "group_id": group_id},
        name=name,
        name_raw=name_raw,
    )
    location.address = map_address(
        ctx.issues, ctx.tables, group.address, entity="location", key=lid, customer_id=customer.id
    )
    if not location.address.country and customer.address.country:
        location.address.country = customer.address.country
    if group.time_zone:
        location.time_zone_raw = group.time_zone
        location.time_zone = timezone.resolve(group.time_zone)
        if location.time_zone is None:
            ctx.issues.blocker(
                "unknown_time_zone",
                entity="location",
                key=lid,
                customer_id=customer.id,
                message=f"time zone {group.time_zone!r} is not an IANA zone",
                field="time_zone",
                value=group.time_zone,
            )
    location.calling_line_id_number = group.calling_line_id_number
    location.emergency_location_identifier = (
        ctx.config.emergency_location_identifiers.get(lid)
        or ctx.config.emergency_location_identifier
    )
    ctx.model.locations[lid] = location
    return location
