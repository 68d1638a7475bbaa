"""The sandbox's own request/response records and error, independent of any HTTP library."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from migrate.sandbox.validation import Problem


@dataclass
class SandboxRequest:
    method: str
    path: str  # e.g. /v1/wholesale/customers, no query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    origin: str  # scheme://host[:port], used to build Location, Link and download URLs

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def params(self, name: str) -> list[str]:
        # Webex documents arrays as CSV; repeated parameters are accepted too.
        return [v for raw in self.query.get(name, []) for v in raw.split(",") if v]

    def url(self, path: str, query: dict[str, list[str]] | None = None) -> str:
        text = f"{self.origin}{path}"
        if query:
            text += "?" + urlencode([(k, v) for k, vs in query.items() for v in vs])
        return text


@dataclass
class SandboxResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    delay: float = 0.0  # seconds the front end waits before answering (latency faults)
    drop: bool = False  # a timeout: the front end never answers

    @classmethod
    def json(
        cls, status: int, data: Any, headers: list[tuple[str, str]] | None = None
    ) -> SandboxResponse:
        body = json.dumps(data, separators=(",", ":")).encode()
        return cls(
            status, [("Content-Type", "application/json;charset=UTF-8"), *(headers or [])], body
        )

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class HttpError(Exception):
    """An error answer: the app core renders it as Webex's ``message``/``errors[]`` body."""

    def __init__(
        self,
        status: int,
        problems: list[Problem] | str,
        code: int | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, code if code is not None else status)]
        super().__init__(problems[0].description if problems else str(status))
        self.status = status
        self.problems = problems
        self.headers = headers or []
