"""A faithful in-memory Webex (Wholesale + the Calling calls a migration needs).

It shares no code with ``migrate.webex``: it is the thing the client is tested
against. Build one with :class:`Sandbox`, then either hand
``sandbox.transport()`` to an httpx client (in-process, no sockets) or
``sandbox.serve(port)`` a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from migrate.sandbox import seeding
from migrate.sandbox.app import SandboxApp, SandboxConfig
from migrate.sandbox.clock import Clock, FakeClock
from migrate.sandbox.faults import FaultConfig, ScriptedFault, parse_fault_spec
from migrate.sandbox.lifecycle import settle
from migrate.sandbox.routes import auto_attendants as auto_attendant_routes
from migrate.sandbox.routes import billing as billing_routes
from migrate.sandbox.routes import call_groups as call_group_routes
from migrate.sandbox.routes import customers as customer_routes
from migrate.sandbox.routes import device_members as device_member_routes
from migrate.sandbox.routes import devices as device_routes
from migrate.sandbox.routes import hunt_groups as hunt_group_routes
from migrate.sandbox.routes import licenses as license_routes
from migrate.sandbox.routes import locations as location_routes
from migrate.sandbox.routes import numbers as number_routes
from migrate.sandbox.routes import people as people_routes
from migrate.sandbox.routes import person_settings as person_settings_routes
from migrate.sandbox.routes import schedules as schedule_routes
from migrate.sandbox.routes import sub_partners as sub_partner_routes
from migrate.sandbox.routes import subscribers as subscriber_routes
from migrate.sandbox.routes import workspaces as workspace_routes
from migrate.sandbox.routes.sub_partners import add_sub_partner
from migrate.sandbox.seeding import SeedError
from migrate.sandbox.server import ServedSandbox
from migrate.sandbox.state import Activation, SandboxState, SubPartner
from migrate.sandbox.transport import AsyncSandboxTransport, SandboxTransport

__all__ = [
    "IN_PROCESS_URL",
    "SANDBOX_TOKEN",
    "AsyncSandboxTransport",
    "Clock",
    "FakeClock",
    "FaultConfig",
    "Sandbox",
    "SandboxConfig",
    "SandboxState",
    "SandboxTransport",
    "ScriptedFault",
    "SeedError",
    "ServedSandbox",
    "parse_fault_spec",
]

# The base URL to give a client that uses ``Sandbox.transport()``: any URL works (no
# socket is opened); ``.invalid`` (RFC 2606) guarantees a mistake never reaches a network.
IN_PROCESS_URL = "http://sandbox.invalid/v1"
# The token to use with ``--sandbox`` when WEBEX_ACCESS_TOKEN is unset: the sandbox
# accepts any bearer token unless ``SandboxConfig.tokens`` says otherwise.
SANDBOX_TOKEN = "sandbox"  # noqa: S105 - not a secret

# Every emulated resource, each registering its own routes on the app. Imported under
# aliases: ``billing`` and ``devices`` would shadow the sandbox's own modules of those names.
RESOURCES = (
    customer_routes,
    subscriber_routes,
    sub_partner_routes,
    billing_routes,
    location_routes,
    number_routes,
    people_routes,
    person_settings_routes,
    license_routes,
    workspace_routes,
    device_routes,
    call_group_routes,
    device_member_routes,
    schedule_routes,
    auto_attendant_routes,
    hunt_group_routes,
)


class Sandbox:
    """State + clock + faults, with the hooks tests use to steer it."""

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        clock: Clock | None = None,
        state: SandboxState | None = None,
        state_file: Path | None = None,
    ) -> None:
        self.config = config or SandboxConfig()
        self.clock = clock or Clock()
        if state is None and state_file is not None and state_file.exists():
            state = SandboxState.load(state_file)
        self.state = state or SandboxState(seed=self.config.faults.seed)
        self.state_file = state_file
        self.app = SandboxApp(self.state, self.clock, self.config)
        for resource in RESOURCES:
            resource.register(self.app)

    # -- front ends

    def transport(self) -> AsyncSandboxTransport:
        return AsyncSandboxTransport(self.app)

    def sync_transport(self) -> SandboxTransport:
        return SandboxTransport(self.app)

    def serve(self, port: int = 0) -> ServedSandbox:
        return ServedSandbox(self.app, port)

    def save(self, path: Path | None = None) -> None:
        target = path or self.state_file
        if target is None:
            raise ValueError("no state file given")
        self.state.save(target)

    # -- steering (tests, rehearsals)

    @property
    def faults(self) -> FaultConfig:
        return self.config.faults

    def script_fault(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        commit: bool = False,
    ) -> ScriptedFault:
        """Make the next ``times`` matching requests fail; status 0 means a timeout."""
        fault = ScriptedFault(method, path, status, times, retry_after, commit)
        self.config.faults.scripted.append(fault)
        return fault

    def add_sub_partner(
        self,
        *,
        org_id: str | None = None,
        name: str | None = None,
        provisioning_state: str = "active",
    ) -> SubPartner:
        return add_sub_partner(
            self.state, org_id=org_id, name=name, provisioning_state=provisioning_state
        )

    def seed(self, data: Any) -> list[dict[str, Any]]:
        """Add orgs that were in Webex before the migration (:mod:`.seeding`): their
        locations, numbers and people, no wholesale customer. Returns their ids."""
        return seeding.seed(self.state, self.clock, data)

    def resolve_rpl_review(self, customer_id: str, *, approve: bool = True) -> None:
        """Cisco's Ops decision on a Restricted/Denied Persons review."""
        with self.state.lock:
            customer = self.state.customers[customer_id]
            if customer.status != "pending_rpl_review":
                raise ValueError(f"customer is {customer.status}, not pending_rpl_review")
            customer.final_status = "provisioned" if approve else "error"
            customer.status = "provisioning"
            customer.ready_at = self.clock.time()
            settle(self.state, self.clock, customer)

    def complete_user_migration(self, subscriber_id: str) -> None:
        """The user accepted the consent email: the subscriber becomes provisioned."""
        with self.state.lock:
            sub = self.state.subscribers[subscriber_id]
            sub.status = "provisioned"
            sub.activations.append(Activation(sub.packages[0], self.clock.time()))

    def set_activity(
        self, subscriber_id: str, stretches: list[tuple[str, datetime, datetime | None]]
    ) -> None:
        """Replace a subscriber's billing history: (package, from, until or None) stretches."""
        with self.state.lock:
            sub = self.state.subscribers[subscriber_id]
            sub.activations = [
                Activation(package, start.timestamp(), end.timestamp() if end else None)
                for package, start, end in stretches
            ]
