"""Sandbox faults: spec parsing, token bucket, 5xx/423/timeouts, latency that does not block."""

from __future__ import annotations

import http.client
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest

from migrate.sandbox import FakeClock, Sandbox, SandboxConfig, parse_fault_spec
from tests.webex_helpers import TOKEN, run

AUTH = {"Authorization": f"Bearer {TOKEN}"}
URL = "http://sandbox.invalid/v1/wholesale/customers"


def test_parse_fault_spec() -> None:
    config = parse_fault_spec(
        "latency=50, jitter=5,rate=6000,burst=20,5xx=0.1,locked=0.02,timeout=0.01,hang=2,"
        "error=0.1,provisioned_with_errors=0.2,pending_rpl_review=0.05,"
        "pending_user_migration=0.3,retry_after=http-date,seed=9"
    )
    assert (config.latency_ms, config.jitter_ms, config.rate_limit_per_min, config.burst) == (
        50,
        5,
        6000,
        20,
    )
    assert (config.error_5xx_rate, config.locked_rate, config.timeout_rate) == (0.1, 0.02, 0.01)
    assert config.timeout_hang_s == 2 and config.seed == 9
    assert config.customer_state_rates == {
        "error": 0.1,
        "provisioned_with_errors": 0.2,
        "pending_rpl_review": 0.05,
    }
    assert config.pending_user_migration_rate == 0.3
    assert config.retry_after_format == "http-date"
    assert parse_fault_spec("").latency_ms == 0
    for bad in ("latency", "bogus=1", "5xx=2", "latency=-1", "retry_after=soon", "rate=x"):
        with pytest.raises(ValueError):
            parse_fault_spec(bad)


def test_token_bucket_answers_429_with_retry_after_seconds() -> None:
    clock = FakeClock()
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("rate=60,burst=2")), clock=clock)
    client = httpx.Client(transport=sandbox.sync_transport(), headers=AUTH)
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get(URL)
    assert limited.headers["Retry-After"] == "1"
    assert limited.json()["errors"][0]["errorCode"] == 429
    assert limited.json()["trackingId"]
    other = httpx.Client(
        transport=sandbox.sync_transport(), headers={"Authorization": "Bearer someone-else"}
    )
    assert other.get(URL).status_code == 200  # one bucket per token
    clock.advance(1.0)
    assert client.get(URL).status_code == 200


def test_retry_after_http_date_form() -> None:
    clock = FakeClock(datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC))
    config = SandboxConfig(faults=parse_fault_spec("rate=60,burst=1,retry_after=http-date"))
    client = httpx.Client(transport=Sandbox(config, clock=clock).sync_transport(), headers=AUTH)
    assert client.get(URL).status_code == 200
    limited = client.get(URL)
    assert limited.status_code == 429
    when = parsedate_to_datetime(limited.headers["Retry-After"])
    assert 1 <= (when - clock.now()).total_seconds() <= 3


def test_random_faults_are_seeded_and_reproducible() -> None:
    def statuses(seed: int) -> list[int]:
        config = SandboxConfig(faults=parse_fault_spec(f"5xx=0.3,locked=0.1,seed={seed}"))
        client = httpx.Client(transport=Sandbox(config).sync_transport(), headers=AUTH)
        return [client.get(URL).status_code for _ in range(40)]

    first = statuses(3)
    assert first == statuses(3)
    assert first != statuses(4)
    assert {500, 502, 503, 504} & set(first) and 423 in first and 200 in first


def test_timeout_fault_in_process_raises_read_timeout_after_the_work_is_done() -> None:
    sandbox = Sandbox()
    sandbox.script_fault("POST", "/wholesale/customers", 0, commit=True)
    client = httpx.Client(transport=sandbox.sync_transport(), headers=AUTH)
    from tests.webex_helpers import customer_body

    with pytest.raises(httpx.ReadTimeout):
        client.post(URL, json=customer_body("lost"))
    assert sandbox.state.customer_by_external_id("lost") is not None
    assert client.post(URL, json=customer_body("lost")).status_code == 409


def test_unauthenticated_is_401_and_wrong_method_405() -> None:
    sandbox = Sandbox(SandboxConfig(tokens={TOKEN}))
    client = httpx.Client(transport=sandbox.sync_transport())
    response = client.get(URL)
    assert response.status_code == 401 and "access token" in response.json()["message"]
    assert client.get(URL, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.patch(URL, headers=AUTH).status_code == 405
    assert client.get(URL + "/x/y/z", headers=AUTH).status_code == 404
    assert (
        client.post(URL, headers={**AUTH, "Content-Type": "text/plain"}, content=b"x").status_code
        == 415
    )


def test_served_latency_is_concurrent_not_serialised() -> None:
    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=200")))
    with sandbox.serve(0) as server:
        durations: list[float] = []

        def one() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/v1/wholesale/customers", headers=AUTH)
            assert conn.getresponse().status == 200
            conn.close()

        threads = [threading.Thread(target=one) for _ in range(10)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        durations.append(time.perf_counter() - start)
    # Serialised, ten 200 ms requests would take 2 s.
    assert 0.2 <= durations[0] < 1.0, durations


def test_served_sandbox_binds_loopback_only() -> None:
    with Sandbox().serve(0) as server:
        assert server._server.server_address[0] == "127.0.0.1"
        assert server.url.startswith("http://127.0.0.1:")


def test_async_transport_applies_latency_without_blocking_the_loop() -> None:
    import asyncio

    sandbox = Sandbox(SandboxConfig(faults=parse_fault_spec("latency=100")))

    async def go() -> float:
        async with httpx.AsyncClient(transport=sandbox.transport(), headers=AUTH) as client:
            start = time.perf_counter()
            await asyncio.gather(*(client.get(URL) for _ in range(20)))
            return time.perf_counter() - start

    assert run(go()) < 0.6


def test_a_sandbox_bug_is_a_500_not_a_dropped_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = Sandbox()

    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(sandbox.app, "_dispatch", broken)
    client = httpx.Client(transport=sandbox.sync_transport(), headers=AUTH)
    response = client.get(URL)
    assert response.status_code == 500
    assert response.json()["message"] == "Sandbox internal error: KeyError."
