"""A BroadWorks Application Server to rehearse ``extract --from-oci`` against.

It answers OCI-P over TCP on 127.0.0.1 from an export's saved request and
response pairs, with the login handshake, an ``ErrorResponse`` for what the
export does not hold, latency and dropped connections. It shares no code
with the OCI-P client it tests.
"""

from __future__ import annotations

from migrate.sandbox.broadworks.protocol import Asked, Credentials, signed_password
from migrate.sandbox.broadworks.replay import Replay, load
from migrate.sandbox.broadworks.server import (
    BroadWorksEmulator,
    EmulatorConfig,
    serve_export,
    server_tls,
)

__all__ = [
    "Asked",
    "BroadWorksEmulator",
    "Credentials",
    "EmulatorConfig",
    "Replay",
    "load",
    "serve_export",
    "server_tls",
    "signed_password",
]
