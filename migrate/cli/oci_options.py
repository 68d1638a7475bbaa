"""Where a BroadWorks export comes from: an EXPORT path, or ``--from-oci HOST`` with its scope.

``extract`` and ``run`` take the same source options (sqlite-utils' reusable
decorators); :meth:`Source.pull` checks them together and names what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import click

from migrate.errors import InputError
from migrate.extract.oci import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RPS,
    PASSWORD_ENV,
    USER_ENV,
    Connection,
    Scope,
    connection,
    login_from_env,
)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Source:
    """The source options as given; ``export`` or ``server`` (with a scope), not both."""

    export: Path | None
    server: str | None
    enterprise: str | None
    service_provider: str | None
    groups: tuple[str, ...]
    tls: bool
    ca_file: Path | None
    flow: str

    def pull(
        self,
        command: str,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_rps: float = DEFAULT_MAX_RPS,
        timeout: float = 60.0,
    ) -> tuple[Connection, Scope] | None:
        """The server and scope to pull, or None to read ``export``; refuses a mix (exit 2)."""
        if self.server is None:
            if self.export is None:
                raise InputError(f"{command}: give an EXPORT folder or zip, or --from-oci HOST")
            return None
        if self.export is not None:
            raise InputError(f"{command}: give an EXPORT or --from-oci, not both")
        if (self.enterprise is None) == (self.service_provider is None):
            raise InputError(f"{command} --from-oci: give --enterprise ID or --service-provider ID")
        if self.groups and self.enterprise is not None:
            raise InputError(f"{command} --from-oci: --group goes with --service-provider")
        sp = self.enterprise or self.service_provider
        assert sp is not None  # exactly one of the two, checked above
        flow = ("plain" if self.tls else "signed") if self.flow == "auto" else self.flow
        conn = connection(
            self.server,
            login_from_env(flow),
            tls=self.tls,
            ca_file=self.ca_file,
            concurrency=concurrency,
            max_rps=max_rps,
            timeout=timeout,
        )
        return conn, Scope(sp, self.groups, self.enterprise is not None)


_OPTIONS = [
    click.argument("export", type=click.Path(path_type=Path), required=False),
    click.option(
        "--from-oci",
        "server",
        metavar="HOST[:PORT]",
        default=None,
        envvar="MIGRATE_FROM_OCI",
        help=f"Pull the export live over OCI-P (port 2208, 2209 with --tls); "
        f"credentials from {USER_ENV} and {PASSWORD_ENV}.",
    ),
    click.option(
        "--enterprise",
        metavar="ID",
        default=None,
        envvar="MIGRATE_ENTERPRISE",
        help="The enterprise to pull.",
    ),
    click.option(
        "--service-provider",
        metavar="ID",
        default=None,
        envvar="MIGRATE_SERVICE_PROVIDER",
        help="The service provider to pull.",
    ),
    click.option(
        "--group",
        "groups",
        metavar="ID",
        multiple=True,
        envvar="MIGRATE_GROUP",
        help="Only this group of the service provider (repeatable).",
    ),
    click.option("--tls", is_flag=True, envvar="MIGRATE_TLS", help="Connect with TLS."),
    click.option(
        "--ca-file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        envvar="MIGRATE_CA_FILE",
        help="CA bundle that signed the server's certificate (default: the system's).",
    ),
    click.option(
        "--login",
        "flow",
        type=click.Choice(["auto", "signed", "plain"]),
        default="auto",
        show_default=True,
        envvar="MIGRATE_LOGIN",
        help="signed: AuthenticationRequest + LoginRequest14sp4; plain: LoginRequest22V5 "
        "(auto: plain over TLS, signed otherwise).",
    ),
]


def source_options(func: F) -> F:
    """Add EXPORT and the --from-oci options; pass them to ``func`` as ``source``."""

    # wraps() also carries the options already attached to ``func`` (click keeps
    # them on the function), whichever order the decorators come in.
    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        given = {f.name: kwargs.pop(f.name) for f in fields(Source)}
        return func(source=Source(**given), **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]
