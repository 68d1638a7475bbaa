"""Hunt groups and call queues through load, verify and rollback against the sandbox,
judged by wxc_sdk: every body we send parses into its model, and wxc_sdk reads back
every feature with the same agents, order and policy."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wxc_sdk.rest import RestError
from wxc_sdk.telephony.callqueue import (
    CallQueue,
    CallQueueCallPolicies,
    CQRoutingType,
    QueueSettings,
)
from wxc_sdk.telephony.hg_and_cq import Agent, Policy
from wxc_sdk.telephony.huntgroup import HGCallPolicies, HuntGroup

from migrate.load import rollback
from migrate.load.journal import SUCCEEDED, Journal
from migrate.load.verify import verify
from migrate.plan import builder
from migrate.plan.actions import FEATURE_CREATES
from migrate.sandbox import Sandbox, ServedSandbox
from tests.hunt_fixtures import acme_with_flows
from tests.migration_helpers import CONFIG, SAMPLES, load, stage, webex_for, with_webex
from tests.test_sandbox_wxc_sdk import Recorder, Sent, unknown_fields, wxc

CREATES = {"create_hunt_group": "huntGroups", "create_call_queue": "queues"}
MODELS: dict[str, type[HuntGroup] | type[CallQueue]] = {
    "huntGroups": HuntGroup,
    "queues": CallQueue,
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hunt-load")
    acme_with_flows(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


@pytest.fixture(scope="module")
def loaded(
    staged: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Sandbox, ServedSandbox, list[Sent]]]:
    root = Path(shutil.copytree(staged, tmp_path_factory.mktemp("loaded") / "case"))
    sandbox = Sandbox()
    recorder = Recorder(sandbox.transport())
    assert load(root, sandbox, recorder).ok
    with sandbox.serve(0) as server:
        yield root, sandbox, server, recorder.sent


def planned(root: Path) -> dict[str, Any]:
    plan = builder.read(root / "w")
    return {a.key: a for a in plan.actions if a.type in CREATES}


def person(sandbox: Sandbox, email: str) -> str:
    return next(s.person_id for s in sandbox.state.subscribers.values() if s.email == email)


def test_each_feature_exists_once_with_its_agents_in_order(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    root, sandbox, _server, _sent = loaded
    actions = planned(root)
    state = sandbox.state
    names = Counter(f.name for f in [*state.hunt_groups.values(), *state.call_queues.values()])
    assert set(names.values()) == {1}
    assert set(names) == {a.payload["name"] for a in actions.values()}
    with Journal(root / "w") as journal:
        journaled = {a.key: a for a in journal.actions() if a.type in CREATES}
    assert {a.state for a in journaled.values()} == {SUCCEEDED}
    hg = state.hunt_groups[
        journaled["create_hunt_group:hunt_group:hg17sp4@acme-corp.com"].result["id"]
    ]
    lobby = next(w.id for w in state.workspaces.values() if w.phone_number == "+12125550110")
    assert [(a["id"], a["weight"]) for a in hg.body["agents"]] == [
        (person(sandbox, "alice.johnson@acme-corp.com"), "50"),
        (person(sandbox, "carol.nguyen@acme-corp.com"), "30"),
        (lobby, "20"),
    ]
    assert hg.body["callPolicies"]["policy"] == "WEIGHTED"
    cq = state.call_queues[
        journaled["create_call_queue:call_queue:cc19sp1@acme-corp.com"].result["id"]
    ]
    assert cq.body["hasCxEssentials"] is True
    # Numbers moved from "unassigned on the location" to the feature.
    assert state.numbers["+12125550150"].owner_id in state.hunt_groups
    assert state.numbers["+12125550151"].owner_id in state.call_queues


def test_every_body_we_send_parses_into_wxc_sdk(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    _root, _sandbox, _server, sent = loaded
    seen: Counter[str] = Counter()
    for write in sent:
        family = next((f for f in MODELS if write.path.endswith(f"/{f}")), None)
        if write.method != "POST" or family is None:
            continue
        seen[family] += 1
        model = MODELS[family].model_validate(write.body)
        assert unknown_fields(model) == [], write.body
        # What we send is what wxc_sdk itself would send for that model.
        assert model.create_or_update() == write.body
        if family == "queues":
            assert set(write.params) <= {"orgId", "hasCxEssentials"}
    assert seen["huntGroups"] == 9 and seen["queues"] == 11


def test_wxc_sdk_reads_every_feature_as_it_was_planned(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    root, _sandbox, server, _sent = loaded
    with Journal(root / "w") as journal:
        results = {a.key: a.result or {} for a in journal.actions()}
    with wxc(server) as api:
        for key, action in planned(root).items():
            result = results[key]
            org, location = result["orgId"], result["locationId"]
            if action.type == "create_hunt_group":
                read: HuntGroup | CallQueue = api.telephony.huntgroup.details(
                    location, result["id"], org_id=org
                )
                listed = list(api.telephony.huntgroup.list(org_id=org, location_id=location))
            else:
                read = api.telephony.callqueue.details(location, result["id"], org_id=org)
                listed = list(api.telephony.callqueue.list(org_id=org, location_id=location))
            assert unknown_fields(read) == [], read
            assert [u for m in listed for u in unknown_fields(m)] == []
            assert result["id"] in {m.id for m in listed}
            body = action.payload["body"]
            assert read.name == body["name"]
            assert read.extension == body.get("extension")
            assert read.call_policies is not None
            assert read.call_policies.policy == body["callPolicies"]["policy"]
            agents = read.agents or []
            assert len(agents) == len(body["agents"])
            for agent, wanted in zip(agents, body["agents"], strict=True):
                ref = wanted["id"]
                assert agent.agent_id == results[ref["$ref"]][ref["field"]]
                assert agent.weight == wanted.get("weight")
                assert agent.join_enabled == wanted.get("joinEnabled", agent.join_enabled)


def test_the_sandbox_takes_wxc_sdk_creates_and_refuses_what_webex_refuses(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:

    _root, sandbox, server, _sent = loaded
    existing = next(iter(sandbox.state.hunt_groups.values()))
    agent = existing.body["agents"][0]["id"]
    org, location = existing.org_id, existing.location_id
    with wxc(server) as api:
        hg = HuntGroup(
            name="Made by wxc_sdk",
            extension="4888",
            call_policies=HGCallPolicies(policy=Policy.regular),
            agents=[Agent(agent_id=agent)],
        )
        new_id = api.telephony.huntgroup.create(location, hg, org_id=org)
        assert api.telephony.huntgroup.details(location, new_id, org_id=org).name == hg.name
        for bad in (
            hg.model_copy(update={"extension": "4889"}),  # the same name again
            hg.model_copy(update={"name": "Other", "extension": "4888"}),  # the same extension
            hg.model_copy(
                update={"name": "Other", "extension": "4890", "agents": [Agent(agent_id="nobody")]}
            ),
            hg.model_copy(
                update={
                    "name": "Other",
                    "extension": "4891",
                    "agents": [Agent(agent_id=agent, weight="100")],
                }
            ),  # a weight without WEIGHTED
        ):
            with pytest.raises(RestError):
                api.telephony.huntgroup.create(location, bad, org_id=org)
        api.telephony.huntgroup.delete_huntgroup(location, new_id, org_id=org)
    assert new_id not in sandbox.state.hunt_groups


def test_verify_reads_every_feature_back_and_names_what_differs(
    staged: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(staged, tmp_path / "case"))
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    plan = builder.read(root / "w")

    def run() -> Any:
        return with_webex(sandbox, lambda webex: verify(root / "w", webex, plan))

    clean = run()
    assert clean.ok, clean.differences
    assert len(planned(root)) == 20
    others = builder.read(root / "w").actions
    built = [a for a in others if a.type in FEATURE_CREATES.values()]
    assert clean.checked["call_feature"] == len(built)
    hg = next(f for f in sandbox.state.hunt_groups.values() if f.name == "HG 20")
    hg.body["agents"].reverse()
    hg.body["callPolicies"]["policy"] = "CIRCULAR"
    cq = next(f for f in sandbox.state.call_queues.values() if f.name == "CC 22")
    cq.body["agents"][1]["joinEnabled"] = True
    found = {(d.key, d.field) for d in run().differences}
    assert ("hunt_group:hg20@acme-corp.com", "agents") in found
    assert ("hunt_group:hg20@acme-corp.com", "callPolicies.policy") in found
    assert ("call_queue:cc22@acme-corp.com", "agents") in found


def test_rollback_deletes_features_before_the_people_they_name(
    staged: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(staged, tmp_path / "case"))
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    sandbox.app.request_log.clear()

    async def go() -> rollback.RollbackResult:
        with Journal(root / "w") as journal:
            steps = rollback.choose(journal, customer="acme-ent")
            async with webex_for(sandbox) as webex:
                return await rollback.execute(webex, journal, steps)

    asyncio.run(go())
    assert not sandbox.state.hunt_groups and not sandbox.state.call_queues
    deletes = [
        (i, path)
        for i, (method, path, status) in enumerate(sandbox.app.request_log)
        if method == "DELETE" and status < 300
    ]
    features = [i for i, p in deletes if "/huntGroups/" in p or "/queues/" in p]
    people = [i for i, p in deletes if "/subscribers/" in p or "/workspaces/" in p]
    assert len(features) == 20 and people
    assert max(features) < min(people)


def test_a_feature_already_there_is_found_by_name_not_made_twice(
    staged: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(staged, tmp_path / "case"))
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    again = Path(shutil.copytree(staged, tmp_path / "again"))
    (again / "w" / "journal.sqlite").unlink(missing_ok=True)
    before = {f.id for f in sandbox.state.hunt_groups.values()}
    assert load(again, sandbox).ok
    assert {f.id for f in sandbox.state.hunt_groups.values()} == before
    with Journal(again / "w") as journal:
        adopted = [a.key for a in journal.actions() if a.type in CREATES and a.adopted]
    assert len(adopted) == 20


def test_the_sandbox_checks_call_queues_as_webex_does(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    _root, sandbox, server, _sent = loaded
    existing = next(f for f in sandbox.state.call_queues.values() if f.name == "CC 22")
    carol, dave = (a["id"] for a in existing.body["agents"][:2])
    org, location = existing.org_id, existing.location_id
    weighted = CallQueueCallPolicies(
        routing_type=CQRoutingType.priority_based, policy=Policy.weighted
    )
    good = CallQueue(
        name="Queue by wxc_sdk",
        extension="4777",
        call_policies=weighted,
        queue_settings=QueueSettings(queue_size=5),
        agents=[Agent(agent_id=carol, weight="70"), Agent(agent_id=dave, weight="30")],
    )
    with wxc(server) as api:
        queues = api.telephony.callqueue
        new_id = queues.create(location, good, org_id=org, has_cx_essentials=True)
        made = queues.details(location, new_id, org_id=org)
        assert made.has_cx_essentials is True
        assert [(a.agent_id, a.weight) for a in made.agents or []] == [
            (carol, "70"),
            (dave, "30"),
        ]
        for bad in (
            good.model_copy(
                update={
                    "name": "Q2",
                    "extension": "4778",
                    "agents": [
                        Agent(agent_id=carol, weight="70"),
                        Agent(agent_id=dave, weight="20"),
                    ],
                }
            ),  # weights that do not sum to 100
            good.model_copy(
                update={
                    "name": "Q3",
                    "extension": "4779",
                    "agents": [Agent(agent_id=carol, weight="100", skill_level=3)],
                }
            ),  # a skill level without skill-based routing
            good.model_copy(
                update={
                    "name": "Q4",
                    "extension": "4780",
                    "queue_settings": QueueSettings(queue_size=0),
                }
            ),  # no queue
            good.model_copy(update={"name": "Q5", "extension": existing.extension}),  # taken
        ):
            with pytest.raises(RestError):
                queues.create(location, bad, org_id=org)
        queues.delete_queue(location, new_id, org_id=org)
    assert new_id not in sandbox.state.call_queues
