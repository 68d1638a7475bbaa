"""Shared helpers for the Webex client, sandbox and contract tests (not a conftest:
the test folder's conftest.py belongs to everyone)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from migrate.sandbox import Sandbox, SandboxConfig
from migrate.webex import RetryPolicy, Webex

IN_PROCESS_URL = "http://sandbox.invalid/v1"
TOKEN = "sandbox-test-token-7f3a9c"  # distinctive, so a leak is easy to grep for

SPEC: dict[str, Any] = json.loads(
    resources.files("migrate").joinpath("data/specs/webex-wholesale.json").read_text("utf-8")
)


def customer_body(
    external_id: str,
    *,
    packages: list[str] | None = None,
    name: str = "Acme Pizza",
    location: bool = True,
) -> dict[str, Any]:
    address = {
        "addressLine1": "771 Alder Drive",
        "addressLine2": "Cisco Site 5",
        "city": "Milpitas",
        "stateOrProvince": "CA",
        "zipOrPostalCode": "95035",
        "country": "US",
    }
    body: dict[str, Any] = {
        "provisioningId": "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2",
        "packages": packages or ["webex_calling", "webex_meetings"],
        "externalId": external_id,
        "address": address,
        "customerInfo": {
            "name": name,
            "primaryEmail": f"admin@{external_id}.example",
            "language": "en",
        },
    }
    if location:
        body["provisioningParameters"] = {
            "calling": {
                "location": {
                    "name": "Head Office",
                    "address": dict(address),
                    "timezone": "America/Los_Angeles",
                    "language": "en_us",
                }
            }
        }
    return body


def subscriber_body(
    customer_id: str,
    email: str,
    *,
    package: str = "webex_calling",
    number: str | None = None,
    extension: str | None = "1001",
    location_id: str | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"firstName": "Jo", "lastName": "Bloggs"}
    if number:
        params["primaryPhoneNumber"] = number
    if extension:
        params["extension"] = extension
    if location_id:
        params["locationId"] = location_id
    return {
        "customerId": customer_id,
        "email": email,
        "packages": [package],
        "provisioningParameters": params,
    }


def fast_retry(**kwargs: Any) -> RetryPolicy:
    defaults: dict[str, Any] = {"backoff_base": 0.001, "backoff_max": 0.01, "throttle_jitter": 0.0}
    defaults.update(kwargs)
    return RetryPolicy(**defaults)


def in_process(sandbox: Sandbox, **kwargs: Any) -> Webex:
    kwargs.setdefault("retry", fast_retry())
    return Webex(IN_PROCESS_URL, token=TOKEN, transport=sandbox.transport(), **kwargs)


def over_tcp(url: str, **kwargs: Any) -> Webex:
    kwargs.setdefault("retry", fast_retry())
    return Webex(url, token=TOKEN, **kwargs)


@contextmanager
def served(config: SandboxConfig | None = None, **kwargs: Any) -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(config, **kwargs)
    with sandbox.serve(0) as server:
        yield sandbox, server.url


class Sleeps:
    """A client ``sleep`` that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


# ---------------------------------------------------------------- contract validation


def contract_spec(server_url: str = IN_PROCESS_URL) -> OpenAPI:
    spec = copy.deepcopy(SPEC)
    spec["servers"] = [{"url": server_url}]  # Cisco's file has none; Webex serves under /v1
    return OpenAPI.from_dict(spec)


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass
class _Response:
    status_code: int
    headers: Headers
    content_type: str
    data: bytes | None


def _adapt(request: httpx.Request, response: httpx.Response) -> tuple[_Request, _Response]:
    url = request.url
    query = ImmutableMultiDict(list(httpx.QueryParams(url.query.decode()).multi_items()))
    req = _Request(
        host_url=f"{url.scheme}://{url.netloc.decode()}",
        path=url.path,
        method=request.method.lower(),
        body=request.content or None,
        content_type=request.headers.get("content-type", "application/json").lower(),
        parameters=RequestParameters(
            query=query, header=Headers(list(request.headers.items())), cookie=ImmutableMultiDict()
        ),
    )
    resp = _Response(
        status_code=response.status_code,
        headers=Headers(list(response.headers.items())),
        content_type=response.headers.get("content-type", "application/json").lower(),
        data=response.content or None,
    )
    return req, resp


def is_wholesale(path: str) -> bool:
    return path.startswith(("/v1/wholesale/", "/v1/subscribers/"))


@dataclass
class ContractTransport(httpx.AsyncBaseTransport):
    """Wraps the in-process sandbox and checks every Wholesale exchange against the spec."""

    inner: httpx.AsyncBaseTransport
    openapi: OpenAPI = field(default_factory=contract_spec)
    checked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if is_wholesale(request.url.path):
            req, resp = _adapt(request, response)
            label = f"{request.method} {request.url.path} -> {response.status_code}"
            self.checked.append(label)
            try:
                self.openapi.validate_request(req)
            except Exception as err:
                self.failures.append(f"request {label}: {err!r} {_causes(err)}")
            if response.status_code < 300:
                try:
                    self.openapi.validate_response(req, resp)
                except Exception as err:
                    # openapi-core reads an empty ``content: {}`` as "a body is required";
                    # OpenAPI means "no body", which is what the sandbox sends.
                    spec_response = _declared_responses(request).get(str(response.status_code))
                    no_body = (
                        type(err).__name__ == "MissingData"
                        and not response.content
                        and spec_response is not None
                        and not spec_response.get("content")
                    )
                    if not no_body:
                        self.failures.append(f"response {label}: {err!r} {_causes(err)}")
            else:
                declared = _declared_statuses(self.openapi, request)
                if declared is not None and str(response.status_code) not in declared:
                    self.failures.append(f"status {label} not declared by the spec")
        return response


def _causes(err: BaseException) -> str:
    parts = []
    cause: BaseException | None = err
    while cause is not None:
        for sub in getattr(cause, "schema_errors", []) or []:
            parts.append(str(getattr(sub, "message", sub)))
        cause = cause.__cause__
    return "; ".join(parts)


def _declared_responses(request: httpx.Request) -> dict[str, Any]:
    path = request.url.path.removeprefix("/v1")
    for template, item in SPEC["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern + "/?", path):
            op = item.get(request.method.lower())
            if op is not None and not (template.endswith("}") and path.endswith("/validate")):
                return dict(op["responses"])
    return {}


def _declared_statuses(openapi: OpenAPI, request: httpx.Request) -> set[str] | None:
    responses = _declared_responses(request)
    return set(responses) if responses else None


def run(coro: Any) -> Any:
    """Run one coroutine; tests stay plain functions (no async plugin needed)."""
    import asyncio

    return asyncio.run(coro)


async def provisioned_customer(
    webex: Webex, external_id: str, **kwargs: Any
) -> tuple[str, str, str]:
    """Customer id, org id and the first location id of a freshly provisioned customer."""
    customer_id = await webex.wholesale.provision_customer(customer_body(external_id, **kwargs))
    customer = await webex.wholesale.wait_for_customer(customer_id, interval=0.001)
    assert customer.org_id is not None, customer
    locations = [loc async for loc in webex.calling.list_locations(customer.org_id)]
    return customer_id, customer.org_id, locations[0].id
