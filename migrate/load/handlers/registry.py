"""Every action type, forward and inverse, and its handler: the executor's one table.

A new action type is one module in this package and one line here.
"""

from __future__ import annotations

from migrate.load.handlers import (
    activation,
    call_queue,
    customer,
    device,
    hunt_group,
    location,
    numbers,
    settings,
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
        activation.ACTIVATE,
        activation.DEACTIVATE,
        settings.APPLY,
        settings.RESTORE,
        hunt_group.CREATE,
        hunt_group.DELETE,
        call_queue.CREATE,
        call_queue.DELETE,
    )
}
