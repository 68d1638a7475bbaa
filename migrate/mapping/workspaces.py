"""Places become workspaces; each migrated device gets the owner Webex will know.

Runs after the reviewer's overrides and ``finalize``: a place stays an
editable subscriber row in review.xlsx (skip, extension, location and package
can be overridden there), so the final say on what is a workspace, and on
whose device is whose, can only be taken once those edits are in.

* every active subscriber that is a place, or has the common-area package,
  becomes a :class:`Workspace` in its location with its number and extension;
  Wholesale takes no common-area subscriber, so the plan creates a workspace
  instead of a subscriber for it;
* a device goes to its primary line's owner: a person (``personId``) or a
  workspace (``workspaceId``). A device whose owner is not migrated, or has
  no calling, is not migrated either, with the reason;
* the other lines of a device (shared call appearances) go to ``shared_lines``
  (ports and what cannot be carried).
"""

from __future__ import annotations

from migrate.mapping import shared_lines
from migrate.mapping.model import Model
from migrate.mapping.rules import CALLING_PACKAGES, is_workspace
from migrate.plan.model import Device, NotMigrated, Workspace


def derive(model: Model) -> None:
    """Fill ``model.workspaces`` and each device's owner kind and shared lines."""
    _workspaces(model)
    for device in model.sorted_devices():
        _owner(model, device)


def _workspaces(model: Model) -> None:
    model.workspaces.clear()
    names: dict[tuple[str, str], str] = {}
    for sub in model.sorted_subscribers():
        if not is_workspace(sub):
            continue
        base = " ".join(p for p in (sub.first_name, sub.last_name) if p) or sub.id
        name = base
        if (sub.location_id, name.casefold()) in names:
            # Idempotency looks a workspace up by name in its location: names must differ.
            name = f"{base} ({sub.extension or sub.phone_number or sub.id})"
            model.issues.warning(
                "duplicate_workspace_name",
                entity="subscriber",
                key=sub.id,
                customer_id=sub.customer_id,
                message=f"workspace name {base!r} is also "
                f"{names[(sub.location_id, base.casefold())]}'s in "
                f"{sub.location_id}: renamed",
                field="name",
                value=base,
                proposed=name,
            )
        names[(sub.location_id, name.casefold())] = sub.id
        model.workspaces[sub.id] = Workspace(
            id=sub.id,
            customer_id=sub.customer_id,
            location_id=sub.location_id,
            bw_key=dict(sub.bw_key),
            name=name,
            phone_number=sub.phone_number,
            extension=sub.extension,
        )
        number = model.numbers.get(sub.phone_number or "")
        if number is not None and number.assigned_to == sub.id:
            number.assignment = "workspace"


def _owner(model: Model, device: Device) -> None:
    device.owner_kind = None
    device.shared_lines = []
    if not device.migrate:
        return  # already listed as not migrated, with its lines
    reason: str | None = None
    owner = device.owner
    workspace = model.workspaces.get(owner or "")
    sub = model.subscribers.get(owner or "")
    if owner is None:
        reason = "no user on the device: nothing to assign it to"
    elif workspace is not None:
        device.owner_kind = "workspace"
        workspace.devices.append(device.id)
    elif sub is None or sub.skipped:
        reason = f"its owner {owner} is not migrated"
    elif sub.package not in CALLING_PACKAGES:
        reason = f"its owner {owner} gets {sub.package}, which has no calling"
    else:
        device.owner_kind = "person"
    if reason is not None:
        device.migrate, device.reason = False, reason
        model.issues.warning(
            "device_owner_not_migrated",
            entity="device",
            key=device.id,
            customer_id=device.customer_id,
            message=f"{reason}: the device is not migrated",
            field="owner",
            value=owner,
        )
        items = [f"type {device.device_type or '?'}"]
        if device.mac:
            items.append(f"MAC {device.mac}")
        items.extend(f"line {u}" for u in device.lines)
        nid = f"device:{device.id}"
        model.not_migrated[nid] = NotMigrated(
            nid,
            "device",
            device.customer_id,
            device.location_id,
            dict(device.bw_key),
            device.device_name,
            items,
            reason,
            "add the device in Control Hub once it has a migrated owner",
        )
        return
    shared_lines.place(model, device)
