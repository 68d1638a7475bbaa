"""What the Webex client raises. No message ever contains the access token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from migrate.errors import ExitCode, MigrateError, PreconditionError


@dataclass(frozen=True)
class ErrorItem:
    """One entry of a Webex error body's ``errors[]``."""

    description: str
    error_code: int | str | None = None
    field_name: str | None = None


class MissingTokenError(PreconditionError):
    """No access token: ``WEBEX_ACCESS_TOKEN`` is unset and none was passed."""


class WebexError(MigrateError):
    """Webex answered with an error, or did not answer usably.

    ``ambiguous`` is True when the request may have taken effect although no
    success came back (a POST that timed out or got a 5xx): the caller must look
    the object up before trying again.
    """

    exit_code = ExitCode.ITEMS_FAILED

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: list[ErrorItem] | None = None,
        tracking_id: str | None = None,
        method: str = "",
        url: str = "",
        ambiguous: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors or []
        self.tracking_id = tracking_id
        self.method = method
        self.url = url
        self.ambiguous = ambiguous

    @property
    def error_codes(self) -> list[int | str]:
        return [e.error_code for e in self.errors if e.error_code is not None]

    def __str__(self) -> str:
        where = f"{self.method} {self.url}".strip()
        status = f" HTTP {self.status}" if self.status is not None else ""
        codes = ",".join(str(c) for c in self.error_codes)
        parts = [f"{where}{status}: {self.message}"]
        if codes:
            parts.append(f"errorCode {codes}")
        if self.tracking_id:
            parts.append(f"trackingId {self.tracking_id}")
        return " ".join(" ; ".join(parts).split())


class WebexAuthError(WebexError):
    """401: the token is missing, wrong or expired. Nothing will work until it is fixed."""

    exit_code = ExitCode.PRECONDITION


class WebexNotFound(WebexError):
    """404."""


class WebexConflict(WebexError):
    """409: the object exists or is in a state that forbids the change."""


class WebexRateLimited(WebexError):
    """429 or 423 still coming back after the retry cap."""


class WebexServerError(WebexError):
    """5xx after the retry cap, or on a request that cannot be repeated safely."""


class WebexTimeout(WebexError):
    """No response in time (or the connection dropped) after the retry cap."""


def error_for_status(status: int) -> type[WebexError]:
    if status == 401:
        return WebexAuthError
    if status == 404:
        return WebexNotFound
    if status == 409:
        return WebexConflict
    if status in (423, 429):
        return WebexRateLimited
    if status >= 500:
        return WebexServerError
    return WebexError


def parse_error_body(text: str) -> tuple[str, list[ErrorItem], str | None]:
    """Both Webex error shapes (research §1.7); falls back to the raw text."""
    try:
        data: Any = json.loads(text) if text else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return (" ".join(text.split())[:300] or "no error body"), [], None
    items: list[ErrorItem] = []
    for entry in data.get("errors") or []:
        if isinstance(entry, dict):
            items.append(
                ErrorItem(
                    str(entry.get("description", "")),
                    entry.get("errorCode", entry.get("code")),
                    entry.get("fieldName"),
                )
            )
    # Webex Calling's shape: {"error": [{"key": "400", "message": [{description, code, ...}]}]}
    for entry in data.get("error") or [] if isinstance(data.get("error"), list) else []:
        for msg in (entry.get("message") or []) if isinstance(entry, dict) else []:
            if isinstance(msg, dict):
                items.append(
                    ErrorItem(
                        str(msg.get("description", "")), msg.get("errorCode", msg.get("code"))
                    )
                )
    message = data.get("message")
    if not isinstance(message, str) or not message:
        message = items[0].description if items else "no error message"
    tracking = data.get("trackingId")
    return message, items, tracking if isinstance(tracking, str) else None
