"""Call parks, call pickups and paging groups loaded into the sandbox: verified, judged by
wxc_sdk (bodies we send parse into its models; it reads what the sandbox answers and
its own writes are taken), Webex's checks in the sandbox, and rollback."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from wxc_sdk.telephony.callpark import CallPark
from wxc_sdk.telephony.callpickup import CallPickup
from wxc_sdk.telephony.paging import Paging

from migrate.load import rollback
from migrate.load.dryrun import dry_run
from migrate.load.executor import LoadOptions
from migrate.load.journal import SUCCEEDED, Journal
from migrate.load.verify import verify
from migrate.plan import builder
from migrate.plan.actions import FEATURE_CREATES
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox, ServedSandbox
from migrate.webex import Webex, WebexError
from tests.call_group_fixtures import (
    ALICE,
    ANNA,
    BOB,
    DAVE,
    GRACE,
    acme_with_call_groups,
)
from tests.migration_helpers import CONFIG, SAMPLES, load, stage, with_webex
from tests.test_sandbox_wxc_sdk import unknown_fields, wxc

FEATURE_TYPES = ("create_call_park", "create_call_pickup", "create_paging_group")
# Path segment → wxc_sdk's model of the body and its members' fields.
MODELS: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {
    "callParks": (CallPark, ("agents",)),
    "callPickups": (CallPickup, ("agents",)),
    "paging": (Paging, ("originators", "targets")),
}


class Recording(httpx.AsyncBaseTransport):
    """Passes everything on; keeps every call group write (method, path, body)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[tuple[str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method != "GET" and segment_of(path):
            body = json.loads(request.content) if request.content else None
            self.writes.append((request.method, path, body))
        return await self.inner.handle_async_request(request)


def segment_of(path: str) -> str | None:
    parts = path.split("/")
    return next((p for p in parts if p in MODELS), None) if "/locations/" in path else None


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Sandbox, ServedSandbox, Recording]]:
    root = tmp_path_factory.mktemp("call-groups-load")
    acme_with_call_groups(root / "export", SAMPLES)
    stage(root, root / "export", CONFIG)
    shutil.copytree(root, root.parent / "fresh")  # staged, never loaded: for the dry run
    sandbox = Sandbox()
    recording = Recording(sandbox.transport())
    assert load(root, sandbox, transport=recording).ok
    with Journal(root / "w") as journal:
        for action in journal.actions():
            if action.type == "create_subscriber" and action.result:
                PEOPLE[action.key.split(":", 1)[1]] = action.result["personId"]
    with sandbox.serve(0) as server:
        yield root, sandbox, server, recording


def _groups(sandbox: Sandbox, kind: str) -> dict[str, Any]:
    return {g.name: g for g in sandbox.state.call_groups.values() if g.kind == kind}


def _person(sandbox: Sandbox, user_id: str) -> str:
    """The person a BroadWorks user became (by the journal of the loaded workspace)."""
    return PEOPLE[user_id]


PEOPLE: dict[str, str] = {}


def _place(sandbox: Sandbox, name: str) -> str:
    return next(w.id for w in sandbox.state.workspaces.values() if w.display_name == name)


def test_each_feature_is_made_once_with_its_members_in_order(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    root, sandbox, _server, _rec = loaded
    plan = builder.read(root / "w")
    planned = [a for a in plan.actions if a.type in FEATURE_TYPES]
    assert len(planned) == 9
    assert len(sandbox.state.call_groups) == 9
    parks, pickups = _groups(sandbox, "callParks"), _groups(sandbox, "callPickups")
    lobby = _place(sandbox, "Lobby Phone")
    assert parks["Front Park"].data["agents"] == [_person(sandbox, BOB), lobby]
    assert pickups["Ops Pickup"].data["agents"] == [
        _person(sandbox, GRACE),
        _person(sandbox, DAVE),
    ]
    paging = _groups(sandbox, "paging")["HQ All Call"]
    assert paging.data["targets"] == [
        _person(sandbox, ALICE),
        lobby,
        _person(sandbox, BOB),
        _person(sandbox, ANNA),
    ]
    # The paging group's number moved from the location's unassigned numbers to it.
    assert sandbox.state.numbers["+12125550151"].owner_id == paging.id
    with Journal(root / "w") as journal:
        states = {a.key: a.state for a in journal.actions()}
    assert {states[a.key] for a in planned} == {SUCCEEDED}


def test_verify_reads_every_feature_back_alike(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    root, sandbox, _server, _rec = loaded
    plan = builder.read(root / "w")
    result = with_webex(sandbox, lambda webex: verify(root / "w", webex, plan))
    features = [d for d in result.differences if d.kind == "call_feature"]
    assert features == []
    # The nine call groups, and whatever other features the sample builds.
    built = [a for a in plan.actions if a.type in FEATURE_CREATES.values()]
    assert len([a for a in built if a.type in FEATURE_TYPES]) == 9
    assert result.checked["call_feature"] == len(built)
    assert result.matched["call_feature"] == len(built)


def test_verify_sees_a_member_removed_in_webex(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording], tmp_path: Path
) -> None:
    root, sandbox, _server, _rec = loaded
    park = _groups(sandbox, "callParks")["Front Park"]
    saved = list(park.data["agents"])
    park.data["agents"] = saved[::-1]  # the order is part of a call park
    try:
        plan = builder.read(root / "w")
        result = with_webex(sandbox, lambda webex: verify(root / "w", webex, plan))
    finally:
        park.data["agents"] = saved
    wrong = [d for d in result.differences if d.kind == "call_feature"]
    assert [(d.key, d.field) for d in wrong] == [
        ("call_park:acme-ent/acme-hq/Front Park", "agents")
    ]


def _lifted(body: dict[str, Any], members: tuple[str, ...]) -> dict[str, Any]:
    """The body as wxc_sdk's model holds it: members as objects (its create sends ids)."""
    return {k: [{"id": m} for m in v] if k in members else v for k, v in body.items()}


def test_every_body_we_send_parses_into_wxc_sdk(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    _root, _sandbox, _server, recording = loaded
    seen = set()
    for method, path, body in recording.writes:
        segment = segment_of(path)
        assert segment is not None
        if method != "POST":
            continue
        seen.add(segment)
        model_type, members = MODELS[segment]
        model = model_type.model_validate(_lifted(body, members))
        assert unknown_fields(model) == [], body
        # The model gives our body back field for field: nothing was lost or renamed.
        # (Its create_or_update would too, but CallPark's dumps agents without aliases.)
        again = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert {k: [m["id"] for m in v] if k in members else v for k, v in again.items()} == body
    assert seen == set(MODELS)


def test_wxc_sdk_reads_every_feature(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    root, _sandbox, server, _rec = loaded
    plan = builder.read(root / "w")
    with Journal(root / "w") as journal:
        results = {a.key: a.result for a in journal.actions() if a.result}
    read = 0
    with wxc(server) as api:
        telephony = api.telephony
        for action in plan.actions:
            if action.type not in FEATURE_TYPES:
                continue
            result = results[action.key]
            org, location, fid = result["orgId"], result["locationId"], result["id"]
            body = action.payload["body"]
            if action.type == "create_call_park":
                park = telephony.callpark.details(location, fid, org_id=org)
                listed = list(telephony.callpark.list(location, org_id=org, name=body["name"]))
                assert [p.callpark_id for p in listed] == [fid]
                assert park.name == body["name"] and park.park_on_agents_enabled is True
                assert park.recall is not None and park.recall.option == "ALERT_PARKING_USER_ONLY"
                found: list[Any] = [(park, "agents")]
            elif action.type == "create_call_pickup":
                pickup = telephony.pickup.details(location, fid, org_id=org)
                assert pickup.name == body["name"]
                found = [(pickup, "agents")]
            else:
                paging = telephony.paging.details(location, fid, org_id=org)
                listed = list(telephony.paging.list(location_id=location, org_id=org))
                assert fid in {p.paging_id for p in listed}
                assert paging.extension == body["extension"]
                assert paging.phone_number == body.get("phoneNumber")
                found = [(paging, "originators"), (paging, "targets")]
            for model, field in found:
                assert unknown_fields(model) == [], model
                ids = [m.agent_id for m in getattr(model, field) or []]
                assert len(ids) == len(body[field])
            read += 1
    assert read == 9


def test_the_sandbox_takes_wxc_sdk_writes(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    _root, sandbox, server, _rec = loaded
    front = _groups(sandbox, "callParks")["Front Park"]
    org, location = front.org_id, front.location_id
    with wxc(server) as api:
        pickups, parks = api.telephony.pickup, api.telephony.callpark
        pickup_id = pickups.create(location, CallPickup(name="Spare Pickup"), org_id=org)
        assert pickups.details(location, pickup_id, org_id=org).name == "Spare Pickup"
        park_id = parks.create(location, CallPark.default(name="Spare Park"), org_id=org)
        park = parks.details(location, park_id, org_id=org)
        assert park.recall is not None and park.recall.option == "ALERT_PARKING_USER_ONLY"
        parks.update(location, park_id, CallPark(name="Spare Park 2"), org_id=org)
        assert parks.details(location, park_id, org_id=org).name == "Spare Park 2"
        pickups.delete_pickup(location, pickup_id, org_id=org)
        parks.delete_callpark(location, park_id, org_id=org)
    names = {g.name for g in sandbox.state.call_groups.values()}
    assert {"Spare Pickup", "Spare Park", "Spare Park 2"}.isdisjoint(names)
    assert len(names) == 9


def _post(sandbox: Sandbox, path: str, org: str, body: dict[str, Any]) -> WebexError | None:
    async def go(webex: Webex) -> None:
        await webex.client.send_json("POST", path, body, params={"orgId": org})

    try:
        with_webex(sandbox, go)
    except WebexError as err:
        return err
    return None


def test_the_sandbox_refuses_what_webex_refuses(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    _root, sandbox, _server, _rec = loaded
    front = _groups(sandbox, "callParks")["Front Park"]
    org, location = front.org_id, front.location_id
    base = f"telephony/config/locations/{location}"
    bob, grace = _person(sandbox, BOB), _person(sandbox, GRACE)
    anna = _person(sandbox, ANNA)
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("callParks", {"name": "Front Park"}, 409),  # names are unique per location
        ("callParks", {"name": "X", "agents": [bob]}, 409),  # Bob parks in Front Park
        ("callParks", {"name": "X", "agents": ["nobody"]}, 400),  # members must exist
        ("callParks", {"name": "X", "agents": [anna]}, 400),  # Anna is in Munich
        ("callParks", {"name": "X", "recall": {"option": "ALERT_HUNT_GROUP_ONLY"}}, 400),
        ("callParks", {"name": "X", "colour": "red"}, 400),  # no field Webex lacks
        ("callPickups", {"name": "X", "agents": [grace]}, 409),  # Grace is in Ops Pickup
        ("callPickups", {"name": "x" * 81}, 400),
        ("paging", {"name": "X"}, 400),  # a number or an extension
        ("paging", {"name": "X", "extension": "4190"}, 409),  # HQ All Call's
        ("paging", {"name": "X", "phoneNumber": "+12125550151"}, 409),
        ("paging", {"name": "X", "extension": "4198", "originators": [bob]}, 400),
        ("paging", {"name": "X" * 31, "extension": "4198"}, 400),
    ]
    for segment, body, status in cases:
        err = _post(sandbox, f"{base}/{segment}", org, body)
        assert err is not None and err.status == status, (segment, body, err)
    assert len(sandbox.state.call_groups) == 9


def test_rollback_removes_the_features_before_the_people_they_name(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording], tmp_path: Path
) -> None:
    root, sandbox, _server, _rec = loaded
    copy = Path(shutil.copytree(root, tmp_path / "copy"))
    shadow = Sandbox(state=sandbox.state.from_json(sandbox.state.to_json()))

    async def undo(webex: Webex) -> list[str]:
        with Journal(copy / "w") as journal:
            steps = rollback.choose(journal, customer="acme-ent")
            await rollback.execute(webex, journal, steps)
            return [s.type for s in steps]

    undone = with_webex(shadow, undo)
    assert sum(t in FEATURE_TYPES for t in undone) == 9
    log = [(method, path) for method, path, _status in shadow.app.request_log]
    features = [i for i, (m, p) in enumerate(log) if m == "DELETE" and segment_of(p)]
    people = [
        i
        for i, (m, p) in enumerate(log)
        if m == "DELETE" and ("/subscribers/" in p or "/workspaces/" in p)
    ]
    assert len(features) == 9 and people
    assert max(features) < min(people)
    assert shadow.state.call_groups == {}
    # The paging group's number was freed before the numbers went.
    assert all(n.owner_id is None for n in shadow.state.numbers.values())


def test_a_dry_run_lists_the_feature_creates_a_load_sends(
    loaded: tuple[Path, Sandbox, ServedSandbox, Recording],
) -> None:
    root, _sandbox, _server, recording = loaded
    fresh = root.parent / "fresh"
    plan = builder.read(fresh / "w")
    sandbox = Sandbox()

    def opener(wrap: Any) -> Webex:
        return Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=wrap(sandbox.transport()))

    found = asyncio.run(dry_run(fresh / "w", plan, opener, options=LoadOptions(poll_interval=0)))
    assert {a.state for a in found.actions} == {SUCCEEDED}
    assert sandbox.state.call_groups == {}
    dry = [(r.path.rsplit("/", 1)[-1], r.body) for r in found.recorded if segment_of(r.path)]
    sent = [(p.rsplit("/", 1)[-1], b) for m, p, b in recording.writes if m == "POST"]

    # Member ids are made up in a dry run: the same creates, names and shapes.
    def shapes(writes: list[tuple[str, Any]]) -> list[tuple[str, str, list[str]]]:
        return sorted((segment, body["name"], sorted(body)) for segment, body in writes)

    assert len(dry) == 9 and shapes(dry) == shapes(sent)
