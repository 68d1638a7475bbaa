"""Group services (hunt groups, call centers, auto attendants…): listed to rebuild by hand."""

from __future__ import annotations

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.locations import ensure_location

_REBUILD = {
    "hunt_group": "rebuild as a Webex hunt group in Control Hub (same number, extension, "
    "policy and agents)",
    "call_center": "rebuild as a Webex call queue (Customer Experience) with the same "
    "agents and number",
    "auto_attendant": "rebuild as a Webex auto attendant: menus, schedules and greetings "
    "must be re-created",
}


def map_service_instance(ctx: BuildContext, instance: inv.ServiceInstance) -> None:
    if not instance.sp_id or not instance.group_id:
        return
    location = ensure_location(ctx, instance.sp_id, instance.group_id)
    items = []
    if instance.phone_number or instance.phone_number_raw:
        items.append(f"number {instance.phone_number or instance.phone_number_raw}")
    if instance.extension:
        items.append(f"extension {instance.extension}")
    if instance.policy:
        items.append(f"policy {instance.policy}")
    if instance.type:
        items.append(f"type {instance.type}")
    if instance.agents:
        items.append(f"{len(instance.agents)} agents: {', '.join(sorted(instance.agents))}")
    ctx.model.add_not_migrated(
        kind=instance.kind,
        key=instance.service_user_id,
        customer_id=location.customer_id,
        location_id=location.id,
        bw_key={"service_user_id": instance.service_user_id},
        name=instance.name,
        items=items,
        reason="not migrated — rebuild in Control Hub",
        rebuild=_REBUILD.get(instance.kind, "rebuild in Control Hub"),
    )
