"""Actions: what ``load`` will do, one request-sized step at a time (DESIGN §6).

An action has a stable key derived from BroadWorks ids, a payload in Webex's
wire shape, the keys it depends on and its inverse. Values only known at run
time (the customer id Webex assigns, a location id) are references, resolved
by the executor from the results of the actions they name:
``{"$ref": "await_customer:ENT1", "field": "customerId"}``.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

CREATE_CUSTOMER = "create_customer"
AWAIT_CUSTOMER = "await_customer"
CREATE_LOCATION = "create_location"
ADD_NUMBERS = "add_numbers"
CREATE_SUBSCRIBER = "create_subscriber"
CREATE_WORKSPACE = "create_workspace"  # a place → a Webex Calling workspace
CREATE_DEVICE = "create_device"  # a phone by MAC for a person or a workspace
ADD_SHARED_LINES = "add_shared_lines"  # others' lines (shared call appearances) on a phone
# Run by `cutover`, not by `load`: the journal holds them, the plan does not, and
# `retry` finishes one a crash left unfinished.
ACTIVATE_NUMBERS = "activate_numbers"
FOLLOW_UP_TYPES: tuple[str, ...] = (ACTIVATE_NUMBERS,)
APPLY_PERSON_SETTINGS = "apply_person_settings"  # one Calling feature of a new person
TYPES: tuple[str, ...] = (
    CREATE_CUSTOMER,
    AWAIT_CUSTOMER,
    CREATE_LOCATION,
    ADD_NUMBERS,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    CREATE_DEVICE,
    ADD_SHARED_LINES,
    ACTIVATE_NUMBERS,
    APPLY_PERSON_SETTINGS,
)

# A location's call features, one create type per kind (after the people they name).
CREATE_SCHEDULE = "create_schedule"
CREATE_HUNT_GROUP = "create_hunt_group"
CREATE_CALL_QUEUE = "create_call_queue"
CREATE_AUTO_ATTENDANT = "create_auto_attendant"
CREATE_CALL_PARK = "create_call_park"
CREATE_CALL_PICKUP = "create_call_pickup"
CREATE_PAGING_GROUP = "create_paging_group"
# CallFeature.kind → its create action type.
FEATURE_CREATES: dict[str, str] = {
    "schedule": CREATE_SCHEDULE,
    "hunt_group": CREATE_HUNT_GROUP,
    "call_queue": CREATE_CALL_QUEUE,
    "auto_attendant": CREATE_AUTO_ATTENDANT,
    "call_park": CREATE_CALL_PARK,
    "call_pickup": CREATE_CALL_PICKUP,
    "paging_group": CREATE_PAGING_GROUP,
}
TYPES = (*TYPES, *FEATURE_CREATES.values())

# Updates: the object's fields changed in the model since it was created (DESIGN §6).
UPDATE_CUSTOMER = "update_customer"
UPDATE_LOCATION = "update_location"
UPDATE_NUMBERS = "update_numbers"  # numbers the model added to a location
UPDATE_SUBSCRIBER = "update_subscriber"
UPDATE_WORKSPACE = "update_workspace"
UPDATES: dict[str, str] = {
    CREATE_CUSTOMER: UPDATE_CUSTOMER,
    CREATE_LOCATION: UPDATE_LOCATION,
    ADD_NUMBERS: UPDATE_NUMBERS,
    CREATE_SUBSCRIBER: UPDATE_SUBSCRIBER,
    CREATE_WORKSPACE: UPDATE_WORKSPACE,
}  # a device is fixed by its MAC, model and owner: Webex offers no update of those
TYPES = (*TYPES, *UPDATES.values())

REMOVE_CUSTOMER = "remove_customer"
DELETE_LOCATION = "delete_location"
REMOVE_NUMBERS = "remove_numbers"
REMOVE_SUBSCRIBER = "remove_subscriber"
DELETE_WORKSPACE = "delete_workspace"
DELETE_DEVICE = "delete_device"
DEACTIVATE_NUMBERS = "deactivate_numbers"
RESTORE_PERSON_SETTINGS = "restore_person_settings"  # PUT back what was read before
# CallFeature.kind → the delete that undoes its create.
FEATURE_DELETES: dict[str, str] = {
    kind: create.replace("create_", "delete_", 1) for kind, create in FEATURE_CREATES.items()
}
RESTORE_DEVICE_MEMBERS = "restore_device_members"  # the phone's lines as read before

# The inverse of each action type, as rollback will run it (newest first).
INVERSES: dict[str, str | None] = {
    CREATE_CUSTOMER: REMOVE_CUSTOMER,
    AWAIT_CUSTOMER: None,  # waiting has nothing to undo
    CREATE_LOCATION: DELETE_LOCATION,
    ADD_NUMBERS: REMOVE_NUMBERS,
    CREATE_SUBSCRIBER: REMOVE_SUBSCRIBER,
    CREATE_WORKSPACE: DELETE_WORKSPACE,
    CREATE_DEVICE: DELETE_DEVICE,
    ADD_SHARED_LINES: RESTORE_DEVICE_MEMBERS,
    ACTIVATE_NUMBERS: DEACTIVATE_NUMBERS,
    # An update's inverse is the same update with the previous values; numbers a
    # plan added to a location are removed again.
    **{update: update for update in UPDATES.values()},
    UPDATE_NUMBERS: REMOVE_NUMBERS,
    APPLY_PERSON_SETTINGS: RESTORE_PERSON_SETTINGS,
    **{FEATURE_CREATES[kind]: delete for kind, delete in FEATURE_DELETES.items()},
}

# What a plan entry does to its object, as `plan` shows it (Terraform's + ~ - =).
CREATE = "create"
UPDATE = "update"
REMOVE = "remove"
UNCHANGED = "unchanged"
OPS = (CREATE, UPDATE, REMOVE, UNCHANGED)


def ref(action_key: str, result_field: str) -> dict[str, str]:
    """A value the executor takes from another action's result."""
    return {"$ref": action_key, "field": result_field}


def is_ref(value: Any) -> bool:
    return isinstance(value, dict) and "$ref" in value


def action_key(kind: str, subject: str) -> str:
    return f"{kind}:{subject}"


@dataclass(frozen=True)
class Action:
    key: str
    type: str
    customer: str
    ordinal: int
    payload: dict[str, Any]
    depends_on: tuple[str, ...] = ()
    inverse: dict[str, Any] | None = None
    # How the executor finds an object that may already exist (idempotency by lookup).
    lookup: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    # create | update | remove | unchanged; a remove runs only with `load --prune`.
    op: str = CREATE

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "customer": self.customer,
            "ordinal": self.ordinal,
            "payload": self.payload,
            "depends_on": list(self.depends_on),
            "inverse": self.inverse,
            "lookup": self.lookup,
            "summary": self.summary,
            "op": self.op,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Action:
        return cls(
            key=data["key"],
            type=data["type"],
            customer=data["customer"],
            ordinal=int(data["ordinal"]),
            payload=data["payload"],
            depends_on=tuple(data.get("depends_on") or ()),
            inverse=data.get("inverse"),
            lookup=data.get("lookup") or {},
            summary=data.get("summary") or "",
            op=data.get("op") or CREATE,
        )


class Growing:
    """The keys of ``base`` and those added here; ``base`` itself is never changed."""

    def __init__(self, base: Container[str]) -> None:
        self.base = base
        self.added: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.added or key in self.base

    def add(self, key: str) -> None:
        self.added.add(key)
