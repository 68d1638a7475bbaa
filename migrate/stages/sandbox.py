"""``sandbox serve``: the Webex sandbox as a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import ConfigError
from migrate.sandbox import Sandbox, SandboxConfig, SeedError, ServedSandbox, parse_fault_spec
from migrate.sandbox.broadworks import BroadWorksEmulator, Credentials, EmulatorConfig, server_tls
from migrate.sandbox.broadworks import load as load_replay
from migrate.workspace import Workspace


@dataclass(frozen=True)
class ServeOptions:
    port: int = 8080
    latency_ms: float | None = None
    rate_limit_per_min: float | None = None
    faults: str = ""
    state_file: Path | None = None
    provisioning_delay_s: float = 0.0
    billing_delay_s: float = 0.0
    sub_partners: tuple[str, ...] = ()  # ORG_ID or ORG_ID:NAME
    seed: Path | None = None  # orgs that predate the migration (sandbox/seeding.py)


def parse_sub_partner(spec: str) -> tuple[str, str | None]:
    """``ORG_ID[:NAME]`` → (org id, name or None). Webex org ids hold no colon."""
    org_id, _, name = spec.partition(":")
    org_id, name = org_id.strip(), name.strip()
    if not org_id or any(c.isspace() for c in org_id):
        raise ConfigError(f"--sub-partner {spec!r}: expected ORG_ID or ORG_ID:NAME")
    return org_id, name or None


def serve(options: ServeOptions) -> tuple[Sandbox, ServedSandbox]:
    """Start the served sandbox; the caller waits on it and closes it (and saves the state)."""
    try:
        fault_config = parse_fault_spec(options.faults)
    except ValueError as err:
        raise ConfigError(f"--faults: {err}") from None
    if options.latency_ms is not None:
        fault_config.latency_ms = options.latency_ms
    if options.rate_limit_per_min is not None:
        fault_config.rate_limit_per_min = options.rate_limit_per_min or None
    config = SandboxConfig(
        provisioning_delay_s=options.provisioning_delay_s,
        update_delay_s=options.provisioning_delay_s,
        delete_delay_s=options.provisioning_delay_s,
        billing_delay_s=options.billing_delay_s,
        faults=fault_config,
    )
    partners = [parse_sub_partner(spec) for spec in options.sub_partners]
    sandbox = Sandbox(config, state_file=options.state_file)
    for org_id, name in partners:
        sandbox.add_sub_partner(org_id=org_id, name=name)
    if options.seed is not None:
        apply_seed(sandbox, options.seed)
    try:
        return sandbox, sandbox.serve(options.port)
    except OSError as err:
        raise ConfigError(f"cannot listen on 127.0.0.1:{options.port}: {err.strerror}") from None


def apply_seed(sandbox: Sandbox, path: Path) -> list[dict[str, Any]]:
    """Seed ``sandbox`` from the JSON file ``path``; a bad file is a ConfigError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path}: not JSON: {err}") from None
    try:
        return sandbox.seed(data)
    except SeedError as err:
        raise ConfigError(f"{path}: {err}") from None


def seed_workspace(workspace: Path, path: Path) -> list[dict[str, Any]]:
    """Seed the ``--sandbox`` of ``workspace`` (its saved state) from ``path``."""
    ws = Workspace(workspace)
    ws.ensure()
    sandbox = Sandbox(state_file=ws.sandbox_state)
    seeded = apply_seed(sandbox, path)
    sandbox.save()
    return seeded


@dataclass(frozen=True)
class BroadWorksOptions:
    export: Path
    port: int = 2208
    latency_ms: float = 0.0
    drop_every: int | None = None
    user: str = "admin"
    password: str | None = None  # from MIGRATE_OCI_PASSWORD; any password when None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    log_file: Path | None = None


def serve_broadworks(options: BroadWorksOptions) -> tuple[BroadWorksEmulator, int]:
    """Start the BroadWorks emulator on 127.0.0.1; returns it and the port it bound."""
    if (options.tls_cert is None) != (options.tls_key is None):
        raise ConfigError("--tls-cert and --tls-key go together")
    config = EmulatorConfig(
        latency_ms=options.latency_ms,
        drop_every=options.drop_every,
        credentials=Credentials(options.user, options.password),
        tls=server_tls(options.tls_cert, options.tls_key)
        if options.tls_cert and options.tls_key
        else None,
        log_file=options.log_file,
    )
    try:
        emulator = BroadWorksEmulator(load_replay(options.export), config)
        return emulator, emulator.start(options.port)
    except OSError as err:
        raise ConfigError(f"cannot listen on 127.0.0.1:{options.port}: {err.strerror}") from None
