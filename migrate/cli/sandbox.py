"""``migrate sandbox serve``: the Webex sandbox as a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType

import click

from migrate.cli.options import common_options
from migrate.cli.render import emit
from migrate.stages.sandbox import (
    BroadWorksOptions,
    ServeOptions,
    seed_workspace,
    serve_broadworks,
)
from migrate.stages.sandbox import serve as serve_sandbox
from migrate.stages.settings import Settings


@click.group("sandbox")
def command() -> None:
    """A local Webex to rehearse against (Wholesale + Calling, in memory)."""


@command.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    envvar="MIGRATE_SANDBOX_PORT",
    help="TCP port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--latency-ms", type=click.FloatRange(0), default=None, help="Added to every API response."
)
@click.option(
    "--rate-limit",
    "rate_limit",
    type=click.FloatRange(0),
    default=None,
    metavar="PER_MIN",
    help="Requests per minute per token before 429 + Retry-After.",
)
@click.option(
    "--faults",
    default="",
    envvar="MIGRATE_SANDBOX_FAULTS",
    metavar="SPEC",
    help="key=value,... e.g. '5xx=0.02,timeout=0.01,error=0.1,seed=7' (see README).",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Load state from FILE if it exists; save it there on exit.",
)
@click.option(
    "--provisioning-delay",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    help="Seconds a new customer stays 'provisioning'.",
)
@click.option(
    "--billing-delay",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    help="Seconds a billing report stays IN_PROGRESS.",
)
@click.option(
    "--sub-partner",
    "sub_partners",
    multiple=True,
    metavar="ORG_ID[:NAME]",
    help="A sub-partner the sandbox knows (Cisco sets them up, not the API); repeatable.",
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="JSON of orgs already in Webex (locations, numbers, people); see README.",
)
def serve(
    port: int,
    latency_ms: float | None,
    rate_limit: float | None,
    faults: str,
    state_file: Path | None,
    provisioning_delay: float,
    billing_delay: float,
    sub_partners: tuple[str, ...],
    seed: Path | None,
) -> None:
    """Serve the sandbox at http://127.0.0.1:PORT/v1 until interrupted.

    Point the toolkit at it with --api-url http://127.0.0.1:PORT/v1.
    """
    sandbox, server = serve_sandbox(
        ServeOptions(
            port=port,
            latency_ms=latency_ms,
            rate_limit_per_min=rate_limit,
            faults=faults,
            state_file=state_file,
            provisioning_delay_s=provisioning_delay,
            billing_delay_s=billing_delay,
            sub_partners=sub_partners,
            seed=seed,
        )
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Webex sandbox listening on {server.url} (Ctrl-C to stop)", err=True)
    # The URL alone on stdout, so a script can read it (port 0 picks a free port).
    click.echo(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if state_file is not None:
            sandbox.save()
            click.echo(f"state saved to {state_file}", err=True)


@command.command("seed")
@click.argument("seed_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@common_options
def seed(seed_file: Path, settings: Settings) -> None:
    """Put orgs that are already in Webex into the workspace's --sandbox.

    SEED_FILE is JSON: {"orgs": [{"name", "locations": [...], "people": [...]}]}
    (README, "Customers already on Webex"). Prints each org's id, for the
    org_id of migrate.toml or the Webex org ID column of review.xlsx.
    """
    seeded = seed_workspace(settings.workspace, seed_file)
    lines = [
        f"{org['name']}: org {org['id']}, {len(org['locations'])} locations, "
        f"{len(org['people'])} people"
        for org in seeded
    ]
    emit(settings, {"orgs": seeded}, lines)


@command.group("broadworks")
def broadworks() -> None:
    """A local BroadWorks (OCI-P over TCP) replaying an export, for extract --from-oci."""


@broadworks.command("serve")
@click.argument("export", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=2208,
    show_default=True,
    envvar="MIGRATE_BROADWORKS_PORT",
    help="TCP port on 127.0.0.1 (0: any free port).",
)
@click.option("--latency-ms", type=click.FloatRange(0), default=0.0, show_default=True)
@click.option(
    "--drop-every",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Drop the connection instead of answering every Nth request.",
)
@click.option(
    "--user",
    default="admin",
    show_default=True,
    envvar="MIGRATE_OCI_USER",
    help="The login it accepts; the password is MIGRATE_OCI_PASSWORD (any when unset).",
)
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Serve TLS with this certificate (PEM) and --tls-key.",
)
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append every data request (type, keys, outcome) to FILE as JSON lines.",
)
def broadworks_serve(
    export: Path,
    port: int,
    latency_ms: float,
    drop_every: int | None,
    user: str,
    tls_cert: Path | None,
    tls_key: Path | None,
    log_file: Path | None,
) -> None:
    """Answer OCI-P at 127.0.0.1:PORT from EXPORT's request/response pairs until interrupted."""
    emulator, bound = serve_broadworks(
        BroadWorksOptions(
            export=export,
            port=port,
            latency_ms=latency_ms,
            drop_every=drop_every,
            user=user,
            password=os.environ.get("MIGRATE_OCI_PASSWORD") or None,
            tls_cert=tls_cert,
            tls_key=tls_key,
            log_file=log_file,
        )
    )
    click.echo(
        f"BroadWorks emulator replaying {export} ({len(emulator.replay.answers)} answers) "
        f"on 127.0.0.1:{bound} (Ctrl-C to stop)",
        err=True,
    )
    click.echo(f"127.0.0.1:{bound}")

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
