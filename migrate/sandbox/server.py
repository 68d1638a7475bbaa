"""The served front end: a threaded HTTP/1.1 server bound to 127.0.0.1 only.

One thread per connection, so a request sleeping for injected latency never
delays the others; keep-alive spares a TCP handshake per request.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from migrate.sandbox.app import SandboxApp
from migrate.sandbox.http import SandboxRequest

HOST = "127.0.0.1"

log = logging.getLogger("migrate.sandbox.server")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a request held by a timeout fault must not stall shutdown
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, port: int, app: SandboxApp) -> None:
        self.app = app
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            # A client hanging up (killed, or dropping a kept-alive socket) is routine here:
            # the crash tests do it on purpose. A traceback would bury real errors.
            host, port = client_address[:2]
            log.debug("client %s:%s disconnected: %s", host, port, type(error).__name__)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # Headers and body leave in one segment with Nagle off: otherwise keep-alive
    # write-write-read hits the 40 ms delayed-ACK stall and caps a connection at ~25 req/s.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or f"{HOST}:{self.server.server_address[1]}"
        request = SandboxRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            origin=f"http://{host}",
        )
        response = self.server.app.handle(request)
        if response.delay > 0:
            time.sleep(response.delay)
        if response.drop:
            # A timeout: hold the request, then hang up without a status line.
            time.sleep(self.server.app.config.faults.timeout_hang_s)
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        # Silent: request lines would flood a benchmark's stderr.
        return


class ServedSandbox:
    """A running server; use as a context manager or call ``close()``."""

    def __init__(self, app: SandboxApp, port: int = 0) -> None:
        self._server = _Server(port, app)
        self.port: int = self._server.server_address[1]
        self.url = f"http://{HOST}:{self.port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServedSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def wait(self) -> None:
        """Block until interrupted (the CLI's foreground mode)."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)
