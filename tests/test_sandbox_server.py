"""The served sandbox: a client hanging up is one debug line, never a traceback."""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import httpx
import pytest

from migrate.sandbox import Sandbox

LOGGER = "migrate.sandbox.server"


def hang_up_mid_request(port: int) -> None:
    """Send half a request, then close with RST (SO_LINGER 0), as a killed client does."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /v1/wholesale/customers HTTP/1.1\r\nHost: sandbox\r\n")
        time.sleep(0.05)  # let the server block reading the rest of the headers
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def wait_for_record(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = [r for r in caplog.records if r.name == LOGGER and text in r.getMessage()]
        if found:
            return found
        time.sleep(0.01)
    return []


def test_client_disconnect_is_one_debug_line(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    with Sandbox().serve(0) as server:
        hang_up_mid_request(server.port)
        records = wait_for_record(caplog, "disconnected")
        # The server keeps serving after the hang-up.
        answer = httpx.get(
            f"{server.url}/wholesale/customers", headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 200
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG
    assert "ConnectionResetError" in records[0].getMessage()
    assert records[0].exc_info is None
    err = capfd.readouterr().err
    assert "Traceback" not in err and "ConnectionResetError" not in err, err


def test_progress_counts_every_answer_and_wakes_a_waiter() -> None:
    sandbox = Sandbox()
    woke: list[bool] = []
    with sandbox.serve(0) as server:
        waiter = threading.Thread(target=lambda: woke.append(sandbox.app.wait_answered(3, 5)))
        waiter.start()
        with httpx.Client(base_url=server.url) as client:
            statuses = [client.get("/wholesale/customers").status_code for _ in range(3)]
        waiter.join(timeout=5)
        late = sandbox.app.wait_answered(4, timeout=0.05)
    assert statuses == [401, 401, 401]  # no token: answered all the same
    assert woke == [True] and sandbox.app.answered == 3 and late is False
