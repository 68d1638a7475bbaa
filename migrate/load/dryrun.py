"""``load --dry-run`` and ``rollback --dry-run``: the real executor, with writes kept back.

The transport in front of Webex lets reads through, so the dry-run sees what
already exists and would be adopted, and answers every write itself, the
way Webex would, with made-up ids (``dryrun-...``). Reads about those made-up
objects are answered here too: Webex has never heard of them, and neither
are reads about what a recorded DELETE removed: Webex would answer 404. What
the executor would have sent is recorded in order, without headers, so no
token can end up in the report.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from migrate.load import rollback
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.journal import JOURNAL_FILE, Journal, JournalAction
from migrate.load.runner import run_load
from migrate.plan.builder import Plan
from migrate.webex import Webex
from migrate.webex.person_settings import NEW_PERSON, feature_of

DRY = "dryrun-"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Location features: created under their location, listed org-wide under this name.
FEATURE_LISTS = ("/huntGroups", "/queues")


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    body: Any


@dataclass
class _Fake:
    """Just enough memory of the made-up objects to answer reads about them."""

    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subscribers: dict[str, dict[str, Any]] = field(default_factory=dict)
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)


class DryRunTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.recorded: list[Recorded] = []
        self.reads_sent = 0
        self._ids = itertools.count(1)
        self._fake = _Fake()
        self._deleted: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if request.method not in WRITE_METHODS:
            if url.path in self._deleted:
                return _json(404, {"message": "Not found"}, request)
            if DRY in str(url):
                return self._read_fake(request)
            self.reads_sent += 1
            return await self.inner.handle_async_request(request)
        body = json.loads(request.content) if request.content else None
        path = url.path
        self.recorded.append(Recorded(request.method, path, url.query.decode(), body))
        return self._write_fake(request, path, body)

    async def aclose(self) -> None:
        await self.inner.aclose()

    # -- writes ------------------------------------------------------------------

    def _new(self, kind: str) -> str:
        return f"{DRY}{kind}-{next(self._ids)}"

    def _write_fake(self, request: httpx.Request, path: str, body: Any) -> httpx.Response:
        body = body if isinstance(body, dict) else {}
        if request.method == "POST" and path.endswith("/wholesale/customers"):
            customer_id = self._new("customer")
            org_id = self._new("org")
            location = body.get("provisioningParameters", {}).get("calling", {}).get("location", {})
            self._fake.customers[customer_id] = {
                "id": customer_id,
                "orgId": org_id,
                "status": "provisioned",
                "externalId": body.get("externalId"),
                "packages": body.get("packages", []),
                # A workspace's create reads its common-area licence from here.
                "resourceDetails": {
                    "packages": [
                        {
                            "name": name,
                            "status": "provisioned",
                            "licenseIds": [f"{DRY}license-{name}"],
                        }
                        for name in body.get("packages", [])
                    ]
                },
            }
            self._fake.locations[org_id] = [
                {"id": self._new("location"), "name": location.get("name"), "orgId": org_id}
            ]
            url = str(request.url.copy_with(query=None)) + f"/{customer_id}"
            return _json(202, {"url": url}, request, headers={"Location": url})
        if request.method == "POST" and path.endswith("/wholesale/subscribers"):
            subscriber = {
                "id": self._new("subscriber"),
                "status": "provisioned",
                "email": body.get("email"),
                "customerId": body.get("customerId"),
                "personId": self._new("person"),
                "packages": body.get("packages"),
            }
            self._fake.subscribers[subscriber["id"]] = subscriber
            return _json(200, subscriber, request)
        if request.method == "POST" and path.endswith("/locations") and "/telephony/" not in path:
            location_id = self._new("location")
            org_id = request.url.params.get("orgId", "")
            self._fake.locations.setdefault(org_id, []).append(
                {"id": location_id, "name": body.get("name"), "orgId": org_id}
            )
            return _json(201, {"id": location_id}, request)
        if request.method == "POST" and path.endswith("/telephony/config/locations"):
            return _json(201, {"id": body.get("id")}, request)
        # Workspaces (201) and devices (200), as Webex answers them.
        if request.method == "POST" and path.endswith("/workspaces"):
            return _json(
                201,
                {
                    "id": self._new("workspace"),
                    "orgId": body.get("orgId"),
                    "displayName": body.get("displayName"),
                    "locationId": body.get("locationId"),
                    "calling": {"type": (body.get("calling") or {}).get("type")},
                },
                request,
            )
        if request.method == "POST" and path.endswith("/devices"):
            owner = {k: body[k] for k in ("personId", "workspaceId") if body.get(k)}
            device = {
                "id": self._new("device"),
                "mac": body.get("mac"),
                "product": body.get("model"),
                **owner,
            }
            self._fake.devices[device["id"]] = device
            return _json(200, device, request)
        if (
            request.method == "POST"
            and "/telephony/config/locations/" in path
            and not path.endswith("/numbers")
        ):  # a location's call feature (call park, pickup, paging ...): 201 with its id
            return _json(201, {"id": self._new("feature")}, request)
        if request.method == "DELETE":
            self._deleted.add(path)
            return httpx.Response(204, request=request)
        if request.method == "PUT":
            # An update answers with the object as it now is: its id and what was sent.
            return _json(200, {"id": path.rsplit("/", 1)[-1], **body}, request)
        return _json(200, {}, request)

    # -- reads about made-up objects ---------------------------------------------

    def _read_fake(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        query = parse_qs(request.url.query.decode())
        if "/wholesale/customers/" in path:
            customer = self._fake.customers.get(path.rsplit("/", 1)[-1])
            return _json(200 if customer else 404, customer or {"message": "Not found"}, request)
        if path.endswith("/telephony/config/locations"):
            # A made-up location was never enabled for calling: the executor enables it.
            return _json(200, {"locations": []}, request)
        if path.endswith("/locations"):
            org_id = query.get("orgId", [""])[0]
            name = query.get("name", [None])[0]
            items = [
                loc
                for loc in self._fake.locations.get(org_id, [])
                if name is None or loc["name"] == name
            ]
            return _json(200, {"items": items}, request)
        if path.endswith("/telephony/config/numbers"):
            return _json(200, {"phoneNumbers": []}, request)
        if path.endswith("/wholesale/subscribers"):
            return _json(200, {"items": []}, request)
        if path.endswith("/members") and "/telephony/config/devices/" in path:
            # A made-up phone has its owner alone on port 1, as Webex adds it.
            device = self._fake.devices.get(path.rsplit("/", 2)[-2], {})
            owner = device.get("personId") or device.get("workspaceId")
            member = {
                "id": owner,
                "firstName": "",
                "lastName": "",
                "port": 1,
                "primaryOwner": True,
                "lineType": "PRIMARY",
                "lineWeight": 1,
                "hotlineEnabled": False,
                "hotlineDestination": "",
                "allowCallDeclineEnabled": True,
                "memberType": "PEOPLE" if device.get("personId") else "PLACE",
            }
            body = {"model": device.get("product"), "members": [member] if owner else []}
            return _json(200, {**body, "maxLineCount": 1}, request)
        if path.endswith(FEATURE_LISTS):  # a made-up org has no hunt groups or queues yet
            return _json(200, {path.rsplit("/", 1)[-1]: []}, request)
        feature = feature_of(path)
        if feature is not None:  # a person made up here has Webex's defaults
            return _json(200, NEW_PERSON[feature], request)
        return _json(200, {"items": []}, request)


def _json(
    status: int, body: Any, request: httpx.Request, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, request=request, headers=headers)


Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]
Opener = Callable[[Wrap], AbstractAsyncContextManager[Webex]]


@dataclass
class DryRunResult:
    load: LoadResult
    recorded: list[Recorded]
    reads_sent: int
    actions: list[JournalAction]


def _scratch_copy(workspace: Path, scratch: Path) -> None:
    """The journal as it is now, into ``scratch``: the dry-run writes only there."""
    real = workspace / JOURNAL_FILE
    if real.exists():
        with (
            sqlite3.connect(real) as source,
            sqlite3.connect(scratch / JOURNAL_FILE) as copy,
        ):
            source.backup(copy)


class _Wraps:
    """The ``wrap`` handed to an opener, keeping the DryRunTransport it made."""

    def __init__(self) -> None:
        self.transports: list[DryRunTransport] = []

    def __call__(self, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        self.transports.append(DryRunTransport(inner))
        return self.transports[-1]


async def dry_run(
    workspace: Path,
    plan: Plan,
    opener: Opener,
    *,
    command: str = "load",
    select: Iterable[str] = (),
    batch_size: int | None = None,
    options: LoadOptions | None = None,
    prune: bool = False,
    batch: int | None = None,
) -> DryRunResult:
    """Run the executor on a throw-away copy of the journal, through a DryRunTransport.

    ``opener(wrap)`` gives the Webex to talk to with ``wrap`` in front of its
    transport: the command line's sandbox-or-real choice, or a test's.
    """
    wrap = _Wraps()
    with tempfile.TemporaryDirectory(prefix="migrate-dry-run-") as scratch:
        scratch_ws = Path(scratch)
        _scratch_copy(workspace, scratch_ws)
        async with opener(wrap) as webex:
            result = await run_load(
                scratch_ws,
                webex,
                plan,
                command=command,
                select=select,
                batch_size=batch_size,
                options=options,
                prune=prune,
                batch=batch,
            )
        keys = set(result.outcomes)
        with Journal(scratch_ws) as journal:
            # What this rehearsal did: actions an earlier run finished are not its work.
            actions = [a for a in journal.actions() if a.key in keys and a.run_id == result.run_id]
    transport = wrap.transports[0]
    return DryRunResult(result, transport.recorded, transport.reads_sent, actions)


@dataclass
class DryRunRollbackResult:
    rollback: rollback.RollbackResult
    recorded: list[Recorded]
    reads_sent: int
    actions: list[JournalAction]  # the chosen actions as the rollback would leave them


async def dry_run_rollback(
    workspace: Path,
    opener: Opener,
    *,
    customer: str | None = None,
    batch: int | None = None,
    run: int | None = None,
    options: LoadOptions | None = None,
) -> DryRunRollbackResult:
    """``rollback`` on a throw-away copy of the journal, through a DryRunTransport.

    The same steps (:func:`rollback.choose`) run through the same executor as a
    real rollback, so ``recorded`` is what that rollback would send.
    """
    wrap = _Wraps()
    with tempfile.TemporaryDirectory(prefix="migrate-dry-run-") as scratch:
        scratch_ws = Path(scratch)
        _scratch_copy(workspace, scratch_ws)
        with Journal(scratch_ws) as journal:
            steps = rollback.choose(journal, customer=customer, batch=batch, run=run)
            async with opener(wrap) as webex:
                result = await rollback.execute(webex, journal, steps, options)
            keys = {s.key for s in steps}
            actions = [a for a in journal.actions() if a.key in keys]
    transport = wrap.transports[0]
    return DryRunRollbackResult(result, transport.recorded, transport.reads_sent, actions)
