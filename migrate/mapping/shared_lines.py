"""Shared call appearances: which of a phone's other lines Webex can carry, on which port.

Webex adds another person's or workspace's line to a phone as a device member
(``PUT /telephony/config/devices/{id}/members``). The owner keeps port 1; the
shared appearances follow on ports 2, 3, ... in BroadWorks' line order, as long as
the model has line ports left (Webex's supported-devices list says how many). A
line whose user is not migrated, or that finds no free port, is listed as not
migrated with its reason.
"""

from __future__ import annotations

from migrate.mapping.model import Model
from migrate.mapping.rules import CALLING_PACKAGES
from migrate.mapping.supported_devices import Catalogue, shipped
from migrate.plan.model import Device, NotMigrated

FIRST_SHARED_PORT = 2  # port 1 is the owner's primary line
SHARED_LINE_REBUILD = (
    "after the move, add the line to the device in Control Hub "
    "(Devices > the device > Configure lines) as a shared line, or free a line key"
)


def shared_port(index: int) -> int:
    """The port of the ``index``-th carried shared line of a device."""
    return FIRST_SHARED_PORT + index


def _member_reason(model: Model, user: str) -> str | None:
    if user in model.workspaces:
        return None
    sub = model.subscribers.get(user)
    if sub is None or sub.skipped:
        return f"its user {user} is not migrated"
    if sub.package not in CALLING_PACKAGES:
        return f"its user {user} gets {sub.package}, which has no calling"
    return None


def place(model: Model, device: Device, catalogue: Catalogue | None = None) -> None:
    """Keep in ``device.shared_lines`` the lines Webex can carry, in port order."""
    wanted = [u for u in device.lines if u != device.owner]
    ports = (catalogue or shipped()).line_ports(device.model)
    placed: list[str] = []
    refused: list[tuple[str, str]] = []
    for user in wanted:
        reason = _member_reason(model, user)
        if reason is None and ports is None:
            reason = f"{device.model} is not in Webex's supported-devices list"
        elif reason is None and shared_port(len(placed)) > (ports or 0):
            reason = f"no free line key: {device.model} has {ports} line port(s)"
        if reason is None:
            placed.append(user)
        else:
            refused.append((user, reason))
    device.shared_lines = placed
    if not refused:
        return
    nid = f"shared_line:{device.id}"
    model.not_migrated[nid] = NotMigrated(
        nid,
        "shared_line",
        device.customer_id,
        device.location_id,
        dict(device.bw_key),
        device.device_name,
        [f"line {u} (shared call appearance): {why}" for u, why in refused],
        "; ".join(dict.fromkeys(why for _u, why in refused)),
        SHARED_LINE_REBUILD,
    )
