"""Every action type, forward and inverse, and its handler: the executor's one table.

A new action type is one module in this package and one line here.
"""

from __future__ import annotations

from migrate.load.handlers import (
    activation,
    auto_attendant,
    call_park,
    call_pickup,
    call_queue,
    customer,
    device,
    hunt_group,
    location,
    numbers,
    paging_group,
    schedule,
    settings,
    shared_lines,
    subscriber,
    workspace,
)
from migrate.load.handlers.base import Handler

HANDLERS: dict[str, Handler] = {
    handler.type: handler
    for handler in (
        customer.CREATE,
        customer.AWAIT,
        customer.REMOVE,
        customer.UPDATE,
        location.CREATE,
        location.DELETE,
        location.UPDATE,
        numbers.ADD,
        numbers.REMOVE,
        numbers.UPDATE,
        subscriber.CREATE,
        subscriber.REMOVE,
        subscriber.UPDATE,
        workspace.CREATE,
        workspace.DELETE,
        workspace.UPDATE,
        device.CREATE,
        device.DELETE,
        shared_lines.ADD,
        shared_lines.RESTORE,
        activation.ACTIVATE,
        activation.DEACTIVATE,
        settings.APPLY,
        settings.RESTORE,
        call_park.CREATE,
        call_park.DELETE,
        call_pickup.CREATE,
        call_pickup.DELETE,
        paging_group.CREATE,
        paging_group.DELETE,
        schedule.CREATE,
        schedule.DELETE,
        auto_attendant.CREATE,
        auto_attendant.DELETE,
        hunt_group.CREATE,
        hunt_group.DELETE,
        call_queue.CREATE,
        call_queue.DELETE,
    )
}
