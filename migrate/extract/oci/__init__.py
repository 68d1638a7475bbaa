"""``extract --from-oci``: pull a customer's export from BroadWorks over OCI-P.

No OCI-P library on the package index fits: ``broadworks-ocip`` (BSD,
R25 schema) is blocking, decodes every response into objects and throws the
raw XML away (and anything after the first document in its buffer), has no
TLS and only the signed login; ``broadworks-ocip-soap`` is SOAP, not the
TCP port; ``mercury-ocip`` needs Python 3.12. The framing is small, so it
is written here (``wire``), keeping every response byte for byte.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.errors import PreconditionError
from migrate.extract.oci.saved import SavedExport
from migrate.extract.oci.session import Login, Pool, Target, parse_host
from migrate.extract.oci.walk import Scope, Walker, WalkStats
from migrate.extract.oci.wire import Dropped

USER_ENV = "MIGRATE_OCI_USER"
PASSWORD_ENV = "MIGRATE_OCI_PASSWORD"  # noqa: S105 - the variable's name, not a password
DEFAULT_CONCURRENCY = 4
DEFAULT_MAX_RPS = 50.0


@dataclass
class Connection:
    """Where and how to connect; the password stays in ``login`` (never printed)."""

    host: str
    port: int
    login: Login
    tls: ssl.SSLContext | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    max_rps: float = DEFAULT_MAX_RPS
    timeout: float = 60.0
    retries: int = 5

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass
class PullResult:
    export: Path
    address: str
    stats: WalkStats
    reconnects: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "export": str(self.export),
            "server": self.address,
            "reconnects": self.reconnects,
            "seconds": round(self.seconds, 3),
            **self.stats.as_dict(),
        }


def login_from_env(flow: str, environ: dict[str, str] | None = None) -> Login:
    env = os.environ if environ is None else environ
    user, password = env.get(USER_ENV, ""), env.get(PASSWORD_ENV, "")
    if not user or not password:
        raise PreconditionError(
            f"{USER_ENV} and {PASSWORD_ENV} must be set (the environment only: "
            "credentials are never read from a file or an option)"
        )
    return Login(user, password, flow)


def connection(
    address: str,
    login: Login,
    tls: bool = False,
    ca_file: Path | None = None,
    **options: Any,
) -> Connection:
    host, port = parse_host(address, tls)
    context = None
    if tls:
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    return Connection(host, port, login, context, **options)


def pull(
    conn: Connection,
    scope: Scope,
    export: Path,
    advance: Callable[[int], None] | None = None,
) -> PullResult:
    """Walk ``scope`` into the export folder ``export``; what is saved there is not asked again."""
    started = time.perf_counter()
    saved = SavedExport(export)
    try:
        saved.claim(scope.as_dict())
    except PreconditionError:
        saved.close()
        raise
    target = Target(conn.host, conn.port, conn.tls, conn.timeout, retries=conn.retries)

    async def run() -> tuple[WalkStats, int]:
        pool = Pool(target, conn.login, conn.concurrency, conn.max_rps)
        try:
            stats = await Walker(pool, saved, advance).walk(scope)
        finally:
            pool.close()
        return stats, pool.reconnects

    try:
        stats, reconnects = asyncio.run(run())
    except Dropped as err:
        raise PreconditionError(
            f"{conn.address}: {err}; what was answered is saved in {export}: "
            "run the same command again to resume"
        ) from None
    finally:
        saved.close()
    return PullResult(export, conn.address, stats, reconnects, time.perf_counter() - started)


__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RPS",
    "PASSWORD_ENV",
    "USER_ENV",
    "Connection",
    "Login",
    "PullResult",
    "Scope",
    "connection",
    "login_from_env",
    "pull",
]
