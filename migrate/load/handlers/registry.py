"""Every action type, forward and inverse, and its handler: the executor's one table.

A new action type is one module in this package and one line here.
"""

from __future__ import annotations

from migrate.load.handlers import (
    customer,
    device,
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
        location.CREATE,
        location.DELETE,
        numbers.ADD,
        numbers.REMOVE,
        subscriber.CREATE,
        subscriber.REMOVE,
        workspace.CREATE,
        workspace.DELETE,
        device.CREATE,
        device.DELETE,
        settings.APPLY,
        settings.RESTORE,
    )
}
