"""The async Webex REST client: auth, TrackingID, retries, paging, errors.

Async because the loader provisions many customers at once and most of the
time goes into waiting on Webex (provisioning polls, Retry-After, latency):
one event loop with a concurrency cap carries hundreds of in-flight requests
without a thread each. Endpoint wrappers live in ``wholesale.py`` and
``calling.py``; this module knows nothing about the sandbox.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import random
import sys
import urllib.request
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

import httpx

from migrate.webex.errors import (
    MissingTokenError,
    WebexError,
    WebexTimeout,
    error_for_status,
    parse_error_body,
)
from migrate.webex.pacing import Pacer
from migrate.webex.paging import next_link, page_items
from migrate.webex.retry import SAFE_METHODS, RetryPolicy, parse_retry_after
from migrate.webex.transport import Http11Transport

# httpcore looks for sniffio on every request; where it is not installed each look is
# a full failed import search of sys.path (a fifth of the loader's CPU at 20 requests
# in flight). A None entry is Python's cached "not installed": the same answer, at once.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

DEFAULT_API_URL = "https://webexapis.com/v1"
TOKEN_ENV = "WEBEX_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token

log = logging.getLogger("migrate.webex")

Params = Mapping[str, str | int | bool | None]
# What httpx's AsyncClient sent by default, kept so that Webex sees the same requests.
BASE_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
    "User-Agent": f"python-httpx/{httpx.__version__}",
}
Sleep = Callable[[float], Awaitable[None]]


def _clean(params: Params | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


class WebexClient:
    """One authenticated session against a Webex base URL (real or sandbox).

    ``transport`` is any httpx async transport; the CLI passes the in-process
    sandbox's here. The token comes from ``token`` or ``WEBEX_ACCESS_TOKEN`` and is
    only ever put in the Authorization header of requests to the base URL's origin.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_API_URL,
        *,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 20,
        tracking_prefix: str = "BW2WHOLESALE",
        sleep: Sleep | None = None,
        seed: int | None = None,
    ) -> None:
        token = token if token is not None else os.environ.get(TOKEN_ENV, "")
        if not token.strip():
            raise MissingTokenError(
                f"no Webex access token: set {TOKEN_ENV} (a partner admin token with the "
                "wholesale scopes)"
            )
        self.__token = token.strip()
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(httpx.URL(self.base_url))
        self.retry = retry or RetryPolicy()
        self.tracking_prefix = tracking_prefix
        self._sleep: Sleep = sleep or asyncio.sleep
        self._rng = random.Random(seed)  # noqa: S311 - backoff jitter, not crypto
        self._slots = asyncio.Semaphore(max_concurrency)
        limits = httpx.Timeout(timeout)
        # API requests go straight to the transport: the AsyncClient's per-request work
        # (URL merging, cookies, auth and redirect hooks) is nothing this client uses.
        self._transport = transport or _api_transport(self.base_url, limits, max_concurrency)
        self._extensions = {"timeout": limits.as_dict()}
        # Pre-signed downloads (billing) leave the API's origin: a plain client for them.
        self._downloads = httpx.AsyncClient(
            transport=self._transport, timeout=limits, follow_redirects=False
        )
        # After a 429 that the pacer takes for the token's limit, every request of this
        # client holds back until the Retry-After has passed: the others would only be
        # refused too.
        self._resume_at = 0.0
        self.requests_sent = 0
        self.throttled = 0  # 429 and 423 answers: the price of going too fast
        self._pacer = Pacer()

    def __repr__(self) -> str:
        return f"WebexClient({self.base_url!r})"

    @property
    def pace(self) -> float | None:
        """Requests per second the client holds itself to; None while not pacing."""
        return self._pacer.rate

    async def aclose(self) -> None:
        await self._downloads.aclose()  # closes the transport too

    async def __aenter__(self) -> WebexClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ plumbing

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _target(self, path: str, query: dict[str, str]) -> httpx.URL:
        """The request's URL, parsed once; httpx encodes the query as it always did."""
        url = self.url(path)
        if query:
            url += ("&" if "?" in url else "?") + str(httpx.QueryParams(query))
        return httpx.URL(url)

    def new_tracking_id(self) -> str:
        return f"{self.tracking_prefix}_{uuid.uuid4()}"

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        safe: bool | None = None,
    ) -> httpx.Response:
        """Send one logical request, retrying what may be retried; raise WebexError on failure.

        ``safe`` says a repeat cannot do harm; by default GET/PUT/DELETE are safe and
        POST is not (the validate calls pass ``safe=True``).
        """
        method = method.upper()
        target = self._target(path, _clean(params))
        url = self.url(path)
        if _origin(target) != self._origin:
            raise WebexError(
                "refusing to send the access token to another host", method=method, url=url
            )
        repeatable = method in SAFE_METHODS if safe is None else safe
        attempts = throttled = 0
        maybe_applied = False
        just_waited = False
        loop = asyncio.get_running_loop()
        while True:
            hold = self._resume_at - loop.time()
            if hold > 0 and not just_waited:
                await self._sleep(hold)
            just_waited = False
            await self._pacer.wait(loop.time(), self._sleep)
            tracking = self.new_tracking_id()
            headers = {
                **BASE_HEADERS,
                "Authorization": f"Bearer {self.__token}",
                "TrackingID": tracking,
            }
            if json is not None:
                headers["Content-Type"] = "application/json;charset=utf-8"
            request = httpx.Request(
                method, target, headers=headers, json=json, extensions=self._extensions
            )
            try:
                async with self._slots:
                    self.requests_sent += 1
                    response = await self._transport.handle_async_request(request)
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
            except httpx.TransportError as exc:
                attempts += 1
                # A failure before the request left (connect) is harmless to repeat;
                # after that, the server may have acted on it.
                sent = not isinstance(
                    exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                )
                maybe_applied = maybe_applied or sent
                what = (
                    "timed out"
                    if isinstance(exc, httpx.TimeoutException)
                    else (f"connection failed ({type(exc).__name__})")
                )
                log.warning(
                    "%s %s %s (attempt %d, TrackingID %s)", method, url, what, attempts, tracking
                )
                if (sent and not repeatable) or attempts >= self.retry.max_attempts:
                    raise WebexTimeout(
                        f"{what}; "
                        + (
                            "the request may have been applied: look it up before retrying"
                            if sent and not repeatable
                            else f"gave up after {attempts} attempts"
                        ),
                        method=method,
                        url=url,
                        tracking_id=tracking,
                        ambiguous=sent and not repeatable,
                    ) from None
                await self._sleep(self.retry.backoff(attempts, self._rng))
                continue
            status = response.status_code
            log.debug("%s %s -> %d (TrackingID %s)", method, url, status, tracking)
            if status < 400:
                self._pacer.succeeded(loop.time())
                return response
            if status == 404 and method == "DELETE" and maybe_applied:
                # An earlier, unanswered attempt did the delete: that is success.
                return response
            if status in (429, 423):
                throttled += 1
                self.throttled += 1
                # 423 locks one resource and says nothing of the rate; a 429 holds every
                # request back only when the pacer takes it for the token's limit, not
                # for noise (which the refused request alone waits out).
                hold_all = status == 429 and self._pacer.throttled(loop.time())
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is None:
                    wait = self.retry.default_retry_after
                if throttled >= self.retry.max_throttled_attempts:
                    raise self._error(
                        response,
                        method,
                        url,
                        tracking,
                        extra=f" (gave up after {throttled} throttled attempts)",
                    )
                wait = min(wait, self.retry.max_retry_after)
                if hold_all and self.retry.throttle_jitter > 0:
                    wait += self._rng.uniform(0, self.retry.throttle_jitter)
                if hold_all:
                    self._resume_at = max(self._resume_at, loop.time() + wait)
                log.info(
                    "%s %s -> %d, waiting %.1fs (TrackingID %s)",
                    method,
                    url,
                    status,
                    wait,
                    tracking,
                )
                await self._sleep(wait)
                just_waited = True
                continue
            if status >= 500:
                attempts += 1
                maybe_applied = True
                if not repeatable:
                    raise self._error(response, method, url, tracking, ambiguous=True)
                if attempts >= self.retry.max_attempts:
                    raise self._error(
                        response,
                        method,
                        url,
                        tracking,
                        extra=f" (gave up after {attempts} attempts)",
                    )
                hinted = parse_retry_after(response.headers.get("Retry-After"))
                wait = hinted if hinted is not None else self.retry.backoff(attempts, self._rng)
                await self._sleep(min(wait, self.retry.max_retry_after))
                continue
            raise self._error(response, method, url, tracking, ambiguous=False)

    @staticmethod
    def _error(
        response: httpx.Response,
        method: str,
        url: str,
        tracking: str,
        *,
        ambiguous: bool = False,
        extra: str = "",
    ) -> WebexError:
        message, items, body_tracking = parse_error_body(response.text)
        tracking_id = body_tracking or response.headers.get("Trackingid") or tracking
        cls = error_for_status(response.status_code)
        if ambiguous:
            message += "; the request may have been applied: look it up before retrying"
        return cls(
            message + extra,
            status=response.status_code,
            errors=items,
            tracking_id=tracking_id,
            method=method,
            url=url,
            ambiguous=ambiguous,
        )

    # ------------------------------------------------------------------ conveniences

    async def get_json(self, path: str, params: Params | None = None) -> Any:
        return _json(await self.request("GET", path, params=params))

    async def send_json(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: Params | None = None,
        safe: bool | None = None,
    ) -> Any:
        return _json(await self.request(method, path, params=params, json=body, safe=safe))

    async def paginate(
        self, path: str, params: Params | None = None, *, item_key: str | None = "items"
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a list, following ``Link: rel="next"`` (params on the first page
        only: the next URL already carries them)."""
        url: str | None = path
        first = True
        seen: set[str] = set()
        while url is not None:
            response = await self.request("GET", url, params=params if first else None)
            first = False
            items = page_items(_json(response), item_key)
            for item in items:
                yield item
            url = next_link(response)
            if not items or url in seen:
                break  # defensive: an empty page or a loop ends the walk
            if url is not None:
                seen.add(url)

    async def download(self, url: str) -> bytes:
        """A pre-signed URL (billing CSV): fetched without the access token."""
        attempts = 0
        while True:
            attempts += 1
            try:
                response = await self._downloads.get(
                    url, headers={"TrackingID": self.new_tracking_id()}
                )
            except httpx.TransportError as exc:
                if attempts >= self.retry.max_attempts:
                    raise WebexTimeout(
                        f"download failed ({type(exc).__name__})",
                        method="GET",
                        url=url.split("?")[0],
                    ) from None
                await self._sleep(self.retry.backoff(attempts, self._rng))
                continue
            if response.status_code >= 500 and attempts < self.retry.max_attempts:
                await self._sleep(self.retry.backoff(attempts, self._rng))
                continue
            if response.status_code >= 400:
                # The query string is the signature: keep it out of the message.
                raise self._error(response, "GET", url.split("?")[0], "")
            return response.content


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _api_transport(
    base_url: str, timeout: httpx.Timeout, connections: int
) -> httpx.AsyncBaseTransport:
    """The lean HTTP/1.1 transport, or httpx's own where a proxy is configured for the
    API's host (the environment's, as httpx itself would read it)."""
    url = httpx.URL(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if proxy and not urllib.request.proxy_bypass(url.host):
        return httpx.AsyncHTTPTransport(
            proxy=proxy,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )
    return Http11Transport(timeout=timeout, max_keepalive=connections)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise WebexError(
            "Webex sent a body that is not JSON",
            status=response.status_code,
            method=response.request.method,
            url=str(response.request.url),
        ) from None
