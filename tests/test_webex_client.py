"""The Webex client against the served sandbox (real TCP on 127.0.0.1)."""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from migrate.errors import ExitCode
from migrate.sandbox import FakeClock, Sandbox, SandboxConfig, parse_fault_spec
from migrate.webex import (
    MissingTokenError,
    RetryPolicy,
    Webex,
    WebexAuthError,
    WebexClient,
    WebexError,
    WebexRateLimited,
    WebexServerError,
    WebexTimeout,
)
from migrate.webex.errors import parse_error_body
from migrate.webex.retry import parse_retry_after
from tests.webex_helpers import (
    TOKEN,
    Sleeps,
    customer_body,
    fast_retry,
    in_process,
    over_tcp,
    run,
    served,
)


def posts(sandbox: Sandbox, path: str) -> int:
    return sum(1 for m, p, _ in sandbox.app.request_log if m == "POST" and p == path)


def gets(sandbox: Sandbox, prefix: str) -> int:
    return sum(1 for m, p, _ in sandbox.app.request_log if m == "GET" and p.startswith(prefix))


def test_paging_over_250_customers_follows_link_next() -> None:
    with served() as (sandbox, url):

        async def seed() -> None:
            async with in_process(sandbox) as webex:
                for i in range(250):
                    await webex.wholesale.provision_customer(customer_body(f"c{i:03d}"))

        run(seed())
        before = gets(sandbox, "/v1/wholesale/customers")

        async def walk() -> list[str]:
            async with over_tcp(url) as webex:
                return [c.external_id or "" async for c in webex.wholesale.list_customers()]

        ids = run(walk())
        assert sorted(ids) == [f"c{i:03d}" for i in range(250)]
        assert gets(sandbox, "/v1/wholesale/customers") - before == 3  # 100 + 100 + 50


def test_retry_after_seconds_on_429_from_the_token_bucket() -> None:
    clock = FakeClock(datetime.now(UTC))
    config = SandboxConfig(faults=parse_fault_spec("rate=60,burst=2"))
    with served(config, clock=clock) as (sandbox, url):
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.advance(seconds)  # the bucket refills in sandbox time

        async def go() -> int:
            async with over_tcp(url, sleep=sleep) as webex:
                return (
                    len([c async for c in webex.wholesale.list_customers()])
                    + len([c async for c in webex.wholesale.list_customers()])
                    + len([c async for c in webex.wholesale.list_customers()])
                )

        assert run(go()) == 0
        assert waits == [1.0]
        assert [s for _, _, s in sandbox.app.request_log] == [200, 200, 429, 200]


def test_retry_after_http_date_on_423() -> None:
    with served() as (sandbox, url):
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
        sandbox.script_fault("GET", "/wholesale/customers", 423, retry_after=when)
        sleeps = Sleeps()

        async def go() -> None:
            async with over_tcp(url, sleep=sleeps) as webex:
                assert [c async for c in webex.wholesale.list_customers()] == []

        run(go())
        assert len(sleeps.waits) == 1 and 1.0 <= sleeps.waits[0] <= 3.5


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Fri, 01 May 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_a_long_retry_after_is_capped_per_wait() -> None:
    with served() as (sandbox, url):
        sandbox.script_fault("GET", "/wholesale/customers", 429, retry_after="3600")
        sleeps = Sleeps()

        async def go() -> None:
            async with over_tcp(url, sleep=sleeps, retry=fast_retry(max_retry_after=60)) as w:
                [c async for c in w.wholesale.list_customers()]

        run(go())
        assert sleeps.waits == [60]


def test_attempts_are_capped_for_5xx_and_for_throttling() -> None:
    with served() as (sandbox, url):
        sandbox.script_fault("GET", "/wholesale/customers/.*", 503, times=50)
        sleeps = Sleeps()

        async def five_xx() -> WebexError:
            async with over_tcp(url, sleep=sleeps, retry=fast_retry(max_attempts=3)) as webex:
                with pytest.raises(WebexServerError) as caught:
                    await webex.wholesale.get_customer("abc")
                return caught.value

        err = run(five_xx())
        assert err.status == 503 and "3 attempts" in str(err) and not err.ambiguous
        assert gets(sandbox, "/v1/wholesale/customers/") == 3

        sandbox.script_fault("GET", "/wholesale/subscribers", 429, times=50, retry_after="1")

        async def throttled() -> None:
            async with over_tcp(
                url, sleep=sleeps, retry=fast_retry(max_throttled_attempts=4)
            ) as webex:
                with pytest.raises(WebexRateLimited):
                    [s async for s in webex.wholesale.list_subscribers()]

        run(throttled())
        assert gets(sandbox, "/v1/wholesale/subscribers") == 4


def test_5xx_on_a_get_is_retried_until_it_works() -> None:
    with served() as (sandbox, url):
        sandbox.script_fault("GET", "/wholesale/customers", 502, times=2)

        async def go() -> None:
            async with over_tcp(url, sleep=Sleeps()) as webex:
                assert [c async for c in webex.wholesale.list_customers()] == []

        run(go())
        assert [s for _, _, s in sandbox.app.request_log] == [502, 502, 200]


def test_an_ambiguous_post_is_never_repeated_blind() -> None:
    config = SandboxConfig(faults=parse_fault_spec("hang=1"))
    with served(config) as (sandbox, url):
        # The customer is created, then the answer never comes.
        sandbox.script_fault("POST", "/wholesale/customers", 0, commit=True)

        async def go() -> None:
            async with over_tcp(url, timeout=0.3, sleep=Sleeps()) as webex:
                with pytest.raises(WebexTimeout) as caught:
                    await webex.wholesale.provision_customer(customer_body("maybe"))
                assert caught.value.ambiguous
                assert "look it up" in str(caught.value)
                found = await webex.wholesale.find_customer("maybe")
                assert found is not None  # the caller adopts instead of re-creating

        run(go())
        assert posts(sandbox, "/v1/wholesale/customers") == 1

        sandbox.script_fault("POST", "/wholesale/customers", 500)

        async def five_hundred() -> None:
            async with over_tcp(url, sleep=Sleeps()) as webex:
                with pytest.raises(WebexServerError) as caught:
                    await webex.wholesale.provision_customer(customer_body("other"))
                assert caught.value.ambiguous and caught.value.status == 500

        run(five_hundred())
        assert posts(sandbox, "/v1/wholesale/customers") == 2

        sandbox.script_fault("POST", "/wholesale/customers", 429, retry_after="1")

        async def throttled() -> None:
            async with over_tcp(url, sleep=Sleeps()) as webex:
                await webex.wholesale.provision_customer(customer_body("third"))

        run(throttled())  # a 429 was refused, not done: repeating it is safe
        assert posts(sandbox, "/v1/wholesale/customers") == 4


def test_timeouts_on_safe_requests_are_retried_and_delete_after_a_lost_answer() -> None:
    config = SandboxConfig(faults=parse_fault_spec("hang=1"))
    with served(config) as (sandbox, url):

        async def setup() -> str:
            async with in_process(sandbox) as webex:
                return await webex.wholesale.provision_customer(customer_body("del"))

        customer_id = run(setup())
        sandbox.script_fault("GET", "/wholesale/customers", 0)
        sandbox.script_fault("DELETE", "/wholesale/customers/.*", 0, commit=True)

        async def go() -> None:
            async with over_tcp(url, timeout=0.3, sleep=Sleeps()) as webex:
                assert len([c async for c in webex.wholesale.list_customers()]) == 1
                await webex.wholesale.remove_customer(customer_id)  # 2nd try: 404 = done

        run(go())
        statuses = [(m, s) for m, _, s in sandbox.app.request_log]
        assert statuses[-4:] == [("GET", 0), ("GET", 200), ("DELETE", 0), ("DELETE", 404)]


def test_401_is_not_retried_and_maps_to_a_precondition_exit() -> None:
    with served(SandboxConfig(tokens={"the-right-token"})) as (sandbox, url):

        async def go() -> WebexError:
            async with over_tcp(url, sleep=Sleeps()) as webex:
                with pytest.raises(WebexAuthError) as caught:
                    [c async for c in webex.wholesale.list_customers()]
                return caught.value

        err = run(go())
        assert err.status == 401 and err.exit_code == ExitCode.PRECONDITION
        assert err.tracking_id and err.errors[0].error_code == 401
        assert len(sandbox.app.request_log) == 1


def test_missing_token_is_a_precondition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    with pytest.raises(MissingTokenError) as caught:
        WebexClient("http://127.0.0.1:9/v1")
    assert caught.value.exit_code == ExitCode.PRECONDITION
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", "from-env")
    assert run(_closing(WebexClient("http://127.0.0.1:9/v1")))


async def _closing(client: WebexClient) -> bool:
    await client.aclose()
    return True


def test_tracking_id_on_every_request_and_errors_carry_it() -> None:
    with served() as (sandbox, url):
        seen: list[str] = []

        async def go() -> WebexError:
            async with over_tcp(url) as webex:
                webex.client.tracking_prefix = "BW2WHOLESALE_run42"
                [c async for c in webex.wholesale.list_customers()]
                with pytest.raises(WebexError) as caught:
                    await webex.wholesale.provision_customer(customer_body("x", name="50% off"))
                return caught.value

        original = sandbox.app.handle

        def spy(req):  # type: ignore[no-untyped-def]
            seen.append(req.headers.get("trackingid", ""))
            return original(req)

        sandbox.app.handle = spy  # type: ignore[method-assign]
        err = run(go())
        assert len(seen) == 2
        assert all(re.fullmatch(r"BW2WHOLESALE_run42_[0-9a-f-]{36}", t) for t in seen), seen
        assert err.tracking_id == seen[1]
        assert err.status == 400 and err.errors[0].field_name == "customerInfo.name"


def test_token_never_appears_in_logs_or_exception_text(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    texts: list[str] = []
    config = SandboxConfig(tokens={"only-this-one"}, faults=parse_fault_spec("hang=1"))
    with caplog.at_level(logging.DEBUG), served(config) as (sandbox, url):

        async def go() -> None:
            async with Webex(
                url, token=TOKEN, timeout=0.3, sleep=Sleeps(), retry=fast_retry(max_attempts=2)
            ) as webex:
                texts.append(repr(webex.client))
                for call in (webex.wholesale.list_customers(),):
                    try:
                        [c async for c in call]
                    except WebexError as err:
                        texts.extend([str(err), repr(err), repr(err.args), str(err.__dict__)])
            sandbox.config.tokens = None
            sandbox.script_fault("POST", "/wholesale/customers", 0)
            sandbox.script_fault("GET", "/wholesale/customers/.*", 500, times=5)
            async with Webex(
                url, token=TOKEN, timeout=0.3, sleep=Sleeps(), retry=fast_retry(max_attempts=2)
            ) as webex:
                for coro in (
                    webex.wholesale.provision_customer(customer_body("t")),
                    webex.wholesale.get_customer("x"),
                ):
                    try:
                        await coro
                    except WebexError as err:
                        texts.extend([str(err), repr(err), repr(err.args), str(err.__dict__)])
                        cause = err.__cause__ or err.__context__
                        texts.append(repr(cause))

        run(go())
    out = capsys.readouterr()
    texts.extend([caplog.text, out.out, out.err])
    assert len(texts) >= 10 and "HTTP 401" in " ".join(texts)
    assert caplog.records  # something was logged, and none of it holds the token
    for text in texts:
        assert TOKEN not in text


def test_client_refuses_to_send_the_token_to_another_host() -> None:
    async def go() -> None:
        async with Webex("http://127.0.0.1:9/v1", token=TOKEN) as webex:
            with pytest.raises(WebexError) as caught:
                await webex.client.request("GET", "https://elsewhere.example/v1/x")
            assert "another host" in str(caught.value)

    run(go())


def test_parse_error_body_shapes() -> None:
    message, items, tracking = parse_error_body(
        '{"message":"bad","errors":[{"description":"d","errorCode":10022}],"trackingId":"T1"}'
    )
    assert (message, items[0].error_code, tracking) == ("bad", 10022, "T1")
    message, items, tracking = parse_error_body(
        '{"error":[{"key":"400","message":[{"description":"busy","code":"BATCH-1017023",'
        '"errorCode":25008}]}],"trackingId":"T2"}'
    )
    assert (message, items[0].error_code, tracking) == ("busy", 25008, "T2")
    message, items, tracking = parse_error_body("<html>Bad Gateway</html>")
    assert message == "<html>Bad Gateway</html>" and items == [] and tracking is None


def test_unknown_enum_values_pass_through() -> None:
    class Fake(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200,
                json={
                    "items": [
                        {
                            "id": "c1",
                            "status": "quantum_provisioning",
                            "packages": ["webex_hologram"],
                        }
                    ]
                },
            )

    async def go() -> None:
        async with Webex("http://x.invalid/v1", token=TOKEN, transport=Fake()) as webex:
            items = [c async for c in webex.wholesale.list_customers()]
            assert items[0].status == "quantum_provisioning"
            assert items[0].packages == ["webex_hologram"]

    run(go())


def test_retry_policy_backoff_is_jittered_and_capped() -> None:
    import random

    policy = RetryPolicy(backoff_base=1, backoff_max=8)
    rng = random.Random(1)
    values = [policy.backoff(n, rng) for n in range(1, 10) for _ in range(20)]
    assert all(0 <= v <= 8 for v in values)
    assert len(set(values)) > 100


def test_after_a_429_other_requests_hold_back_until_retry_after() -> None:
    with served() as (sandbox, url):
        sandbox.script_fault("GET", "/wholesale/customers", 429, retry_after="2")
        sleeps = Sleeps()

        async def go() -> None:
            async with over_tcp(url, sleep=sleeps) as webex:
                [c async for c in webex.wholesale.list_customers()]
                # Sleeps only records, so the 2 s have not passed: the next request waits.
                [s async for s in webex.wholesale.list_subscribers()]

        run(go())
        assert sleeps.waits[0] == 2.0
        assert len(sleeps.waits) == 2 and 1.5 < sleeps.waits[1] <= 2.0
        assert [s for _, _, s in sandbox.app.request_log] == [429, 200, 200]


def test_httpcore_finds_out_about_sniffio_once_not_per_request() -> None:
    # Installed, or remembered as missing: either way no import search per request.
    assert "sniffio" in sys.modules
    assert (sys.modules["sniffio"] is None) == (importlib.util.find_spec("sniffio") is None)
