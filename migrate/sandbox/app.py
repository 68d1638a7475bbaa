"""The sandbox's app core: routing, auth, injected faults, error bodies and paging.

``SandboxApp.handle`` is a pure request → response function; handlers run under
the state's lock, and the front ends (``transport.py`` in-process, ``server.py``
over TCP) apply the response's ``delay`` and ``drop`` so latency never holds it.
The endpoints themselves live in ``routes/``, one module per resource, each
registering its handlers with :meth:`SandboxApp.route`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.clock import Clock, iso_ms
from migrate.sandbox.faults import FaultConfig, Faults
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.state import SandboxState
from migrate.sandbox.validation import Problem

log = logging.getLogger("migrate.sandbox")

API_PREFIX = "/v1"
SEGMENT = r"([^/]+)"  # one path segment, captured: the id in /customers/{id}

Handler = Callable[[SandboxRequest, re.Match[str]], SandboxResponse]

_FAULT_MESSAGES = {
    423: "The resource is locked; retry later.",
    429: "Too many requests; retry after the time in Retry-After.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service unavailable; retry later.",
    504: "Gateway timeout.",
}


@dataclass
class SandboxConfig:
    provisioning_delay_s: float = 0.0
    update_delay_s: float = 0.0
    delete_delay_s: float = 0.0
    billing_delay_s: float = 0.0
    tokens: set[str] | None = None  # None: any non-empty bearer token is accepted
    precheck_info_as_list: bool = False  # the spec's schema says object; its examples a list
    download_ttl_s: float = 1800.0  # the guide: a report URL works for 30 minutes
    faults: FaultConfig = field(default_factory=FaultConfig)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class SandboxApp:
    def __init__(self, state: SandboxState, clock: Clock, config: SandboxConfig) -> None:
        self.state = state
        self.clock = clock
        self.config = config
        self.faults = Faults(config.faults, clock)
        # Per-app secret: signed download URLs die with the sandbox that issued them.
        self.secret = uuid.uuid4().bytes
        # (method, path, status; 0 = no answer) of recent requests, for tests and rehearsals;
        # bounded so a long-running served sandbox does not grow without end.
        self.request_log: deque[tuple[str, str, int]] = deque(maxlen=100_000)
        self._answered = 0
        self._progress = threading.Condition()
        self._api: list[_Route] = []
        self._public: list[_Route] = []

    def route(self, method: str, pattern: str, handler: Handler, *, public: bool = False) -> None:
        """Serve ``method pattern``: under /v1 with auth and faults, or ``public``: the
        full path, no token and no faults (what a pre-signed download URL gets)."""
        compiled = re.compile(pattern + ("" if public else r"/?"))
        (self._public if public else self._api).append(_Route(method, compiled, handler))

    # ------------------------------------------------------------------ progress

    @property
    def answered(self) -> int:
        """Requests answered so far (a dropped one counts): how far a client has got."""
        with self._progress:
            return self._answered

    def wait_answered(self, count: int, timeout: float) -> bool:
        """Block until ``count`` requests have been answered; False on timeout."""
        with self._progress:
            return self._progress.wait_for(lambda: self._answered >= count, timeout)

    # ------------------------------------------------------------------ front door

    def handle(self, req: SandboxRequest) -> SandboxResponse:
        tracking = req.headers.get("trackingid") or f"SANDBOX_{uuid.uuid4()}"
        try:
            response = self._handle(req, tracking)
        except Exception as err:  # a sandbox bug: answer like a server would, and say so
            log.exception("sandbox error on %s %s", req.method, req.path)
            response = self._error(
                HttpError(500, f"Sandbox internal error: {type(err).__name__}.", 500), tracking
            )
        response.headers.append(("Trackingid", tracking))
        self.request_log.append((req.method, req.path, 0 if response.drop else response.status))
        with self._progress:
            self._answered += 1
            self._progress.notify_all()
        return response

    def _handle(self, req: SandboxRequest, tracking: str) -> SandboxResponse:
        public = self._match_public(req)
        if public is not None:
            handler, match = public
            return self._guard(lambda: self._run(handler, req, match), tracking)
        if not req.path.startswith(API_PREFIX + "/"):
            return self._error(
                HttpError(404, "The requested resource could not be found.", codes.NOT_FOUND),
                tracking,
            )
        path = req.path[len(API_PREFIX) :]
        token = self._token(req)
        if token is None:
            return self._error(
                HttpError(
                    401,
                    "The request requires a valid access token set in the Authorization "
                    "request header.",
                    codes.INVALID_TOKEN,
                ),
                tracking,
            )
        delay = self.faults.latency_s()
        wait = self.faults.rate_limited(token)
        if wait > 0:
            return self._delayed(
                self._error(
                    HttpError(
                        429,
                        "Too many requests; retry after the time in Retry-After.",
                        codes.RATE_LIMITED,
                        [("Retry-After", self._retry_after(wait))],
                    ),
                    tracking,
                ),
                delay,
            )
        scripted = self.faults.scripted(req.method, path)
        if scripted is not None and not scripted.commit:
            return self._delayed(
                self._fault_response(scripted.status, scripted.retry_after, tracking), delay
            )
        fc = self.config.faults
        if self.faults.chance(fc.error_429_rate):  # throttled at random, not by the bucket
            return self._delayed(self._fault_response(429, "1", tracking), delay)
        if self.faults.chance(fc.locked_rate):
            return self._delayed(self._fault_response(423, "1", tracking), delay)
        if self.faults.chance(fc.error_5xx_rate):
            return self._delayed(
                self._fault_response(self.faults.pick_5xx(), None, tracking), delay
            )
        response = self._guard(lambda: self._dispatch(req, path), tracking)
        if scripted is not None:  # commit=True: the work is done, the answer is lost
            response = self._fault_response(scripted.status, scripted.retry_after, tracking)
        elif self.faults.chance(fc.timeout_rate):
            response = self._fault_response(0, None, tracking)
        return self._delayed(response, delay)

    def _match_public(self, req: SandboxRequest) -> tuple[Handler, re.Match[str]] | None:
        for route in self._public:
            match = route.pattern.fullmatch(req.path)
            if match is not None and route.method == req.method:
                return route.handler, match
        return None

    def _dispatch(self, req: SandboxRequest, path: str) -> SandboxResponse:
        known_path = False
        for route in self._api:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            known_path = True
            if route.method == req.method:
                return self._run(route.handler, req, match)
        if known_path:
            raise HttpError(405, "Method not allowed.", 405)
        raise HttpError(404, "The requested resource could not be found.", codes.NOT_FOUND)

    def _run(self, handler: Handler, req: SandboxRequest, match: re.Match[str]) -> SandboxResponse:
        with self.state.lock:
            return handler(req, match)

    def _guard(self, work: Callable[[], SandboxResponse], tracking: str) -> SandboxResponse:
        try:
            return work()
        except HttpError as err:
            return self._error(err, tracking)

    def _delayed(self, response: SandboxResponse, delay: float) -> SandboxResponse:
        response.delay += delay
        return response

    def _token(self, req: SandboxRequest) -> str | None:
        scheme, _, token = req.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        if self.config.tokens is not None and token not in self.config.tokens:
            return None
        return token

    def _retry_after(self, seconds: float) -> str:
        whole = max(1, int(seconds + 0.999))
        if self.config.faults.retry_after_format == "http-date":
            # HTTP-date has 1 s resolution; round up so the client never comes back early.
            return format_datetime(self.clock.now() + timedelta(seconds=whole + 1), usegmt=True)
        return str(whole)

    def _fault_response(
        self, status: int, retry_after: str | None, tracking: str
    ) -> SandboxResponse:
        if status == 0:
            return SandboxResponse(504, drop=True)
        headers: list[tuple[str, str]] = []
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        elif status in (429, 423, 503):
            headers.append(("Retry-After", self._retry_after(1)))
        return self._error(
            HttpError(status, _FAULT_MESSAGES.get(status, "Injected fault."), status, headers),
            tracking,
        )

    def _error(self, err: HttpError, tracking: str) -> SandboxResponse:
        body = {
            "message": err.problems[0].description if err.problems else "Error",
            "errors": [
                {
                    "description": p.description,
                    "errorCode": p.error_code,
                    **({"fieldName": p.field} if p.field else {}),
                }
                for p in err.problems
            ],
            "trackingId": tracking,
        }
        return SandboxResponse.json(err.status, body, list(err.headers))

    # ------------------------------------------------------------------ for handlers

    def now_iso(self) -> str:
        return iso_ms(self.clock.now())


def json_body(req: SandboxRequest) -> Any:
    if not req.body:
        return {}
    ctype = req.headers.get("content-type", "application/json")
    if "json" not in ctype:
        raise HttpError(415, "Unsupported media type; send application/json.", 415)
    try:
        return json.loads(req.body)
    except ValueError as err:
        raise HttpError(
            400, f"The request body is not valid JSON: {err}.", codes.INVALID_PARAMETER_VALUE
        ) from None


def check(problems: list[Problem]) -> None:
    if problems:
        raise HttpError(400, problems)


def bad_request(message: str, field: str, code: int = codes.INVALID_PARAMETER_VALUE) -> HttpError:
    """A 400 naming the one field at fault."""
    return HttpError(400, [Problem(message, code, field)])


def page(
    req: SandboxRequest,
    items: list[Any],
    *,
    default_max: int,
    cap: int,
    key: str = "items",
    offset_name: str = "offset",
) -> SandboxResponse:
    """One page of ``items`` under ``key``, with RFC 5988 ``Link`` next/prev as Webex pages."""
    try:
        offset = int(req.param(offset_name) or 0)
        size = int(req.param("max") or default_max)
    except ValueError:
        raise HttpError(
            400, "offset and max must be integers.", codes.INVALID_PARAMETER_VALUE
        ) from None
    if offset < 0 or size < 1:
        raise HttpError(400, "offset must be >= 0 and max >= 1.", codes.INVALID_PARAMETER_VALUE)
    size = min(size, cap)  # Webex caps max silently and keeps paging with Link
    chunk = items[offset : offset + size]
    links = []

    def link(new_offset: int, rel: str) -> str:
        query = {k: v for k, v in req.query.items() if k not in (offset_name, "max")}
        query[offset_name] = [str(new_offset)]
        query["max"] = [str(size)]
        return f'<{req.url(req.path, query)}>; rel="{rel}"'

    if offset + size < len(items):
        links.append(link(offset + size, "next"))
    if offset > 0:
        links.append(link(max(0, offset - size), "prev"))
    headers = [("Link", ", ".join(links))] if links else []
    return SandboxResponse.json(200, {key: chunk}, headers)
