"""Hunt groups → Webex hunt groups, call centers → call queues: the mapping, its issues,
"Not migrated" for the options Webex lacks (never the feature) and the review sheets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.plan import builder
from migrate.plan import model as wm
from migrate.plan.actions import (
    AWAIT_CUSTOMER,
    CREATE_SUBSCRIBER,
    CREATE_WORKSPACE,
    action_key,
    ref,
)
from migrate.plan.features import feature_actions
from tests.hunt_fixtures import (
    ALICE,
    BOB,
    CAROL,
    CC_VERSIONS,
    DAVE,
    HG_VERSIONS,
    LOBBY,
    acme_with_flows,
    hunt_group_case,
    write_cases,
)
from tests.migration_helpers import CONFIG, SAMPLES, stage


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hunt-map")
    acme_with_flows(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


def model(root: Path, entity: str) -> list[dict[str, Any]]:
    path = root / "w" / "model" / f"{entity}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def feature(root: Path, fid: str) -> dict[str, Any]:
    return next(f for f in model(root, "call_features") if f["id"] == fid)


def issues(root: Path, code: str) -> list[dict[str, Any]]:
    return [i for i in model(root, "issues") if i["code"] == code]


def test_every_instance_is_a_feature_and_none_is_not_migrated(mapped: Path) -> None:
    kinds = {f["id"]: f["kind"] for f in model(mapped, "call_features")}
    hgs = {f"hunt_group:hg{v.lower()}@acme-corp.com" for v in HG_VERSIONS}
    ccs = {f"call_queue:cc{v.lower()}@acme-corp.com" for v in CC_VERSIONS}
    assert hgs | ccs | {"hunt_group:hq-sales-hg@acme-corp.com"} <= set(kinds)
    assert {kinds[k] for k in hgs} == {"hunt_group"} and {kinds[k] for k in ccs} == {"call_queue"}
    not_migrated = {n["kind"] for n in model(mapped, "not_migrated")}
    assert not {"hunt_group", "call_center"} & not_migrated


def test_hunt_group_policy_agents_and_handling(mapped: Path) -> None:
    weighted = feature(mapped, "hunt_group:hg17sp4@acme-corp.com")["webex"]
    assert weighted["callPolicies"]["policy"] == "WEIGHTED"
    assert weighted["agents"] == [
        {"id": {"$subscriber": ALICE}, "weight": "50"},
        {"id": {"$subscriber": CAROL}, "weight": "30"},
        {"id": {"$workspace": LOBBY}, "weight": "20"},
    ]
    newest = feature(mapped, "hunt_group:hg20@acme-corp.com")
    body = newest["webex"]
    assert newest["phone_number"] == body["phoneNumber"] == "+12125550150"
    assert body["extension"] == "4307" and body["name"] == "HG 20"
    assert [a["id"] for a in body["agents"]] == [
        {"$subscriber": ALICE},
        {"$subscriber": CAROL},
        {"$workspace": LOBBY},
    ]
    assert all("weight" not in a for a in body["agents"])  # weights only with WEIGHTED
    policies = body["callPolicies"]
    assert policies["policy"] == "SIMULTANEOUS"
    assert policies["waitingEnabled"] is True
    # 30 s of forwarding timeout is five rings of about six seconds, with an issue saying so.
    assert policies["noAnswer"] == {
        "nextAgentEnabled": True,
        "nextAgentRings": 3,
        "forwardEnabled": True,
        "destination": "4101",
        "numberOfRings": 5,
    }
    assert policies["businessContinuityRedirect"] == {
        "enabled": True,
        "destination": "+12125550199",
    }
    rings = [i for i in issues(mapped, "seconds_as_rings") if i["key"] == newest["id"]]
    assert rings and rings[0]["value"] == "30" and rings[0]["proposed"] == "5"
    all_policies = {
        feature(mapped, f"hunt_group:hg{v.lower()}@acme-corp.com")["webex"]["callPolicies"][
            "policy"
        ]
        for v in HG_VERSIONS
    }
    assert all_policies == {"CIRCULAR", "REGULAR", "SIMULTANEOUS", "UNIFORM", "WEIGHTED"}


def test_call_queue_agents_joined_weights_skills_and_type(mapped: Path) -> None:
    newest = feature(mapped, "call_queue:cc22@acme-corp.com")["webex"]
    assert newest["callPolicies"]["policy"] == "WEIGHTED"
    assert newest["agents"] == [
        {"id": {"$subscriber": CAROL}, "weight": "60", "joinEnabled": True},
        {"id": {"$subscriber": DAVE}, "weight": "40", "joinEnabled": False},
        {"id": {"$subscriber": BOB}, "weight": "0", "joinEnabled": True},
    ]
    assert "hasCxEssentials" not in newest  # basic
    assert newest["queueSettings"]["queueSize"] == 19
    skill = feature(mapped, "call_queue:cc19sp1@acme-corp.com")["webex"]
    assert skill["callPolicies"]["routingType"] == "SKILL_BASED"
    assert [a.get("skillLevel") for a in skill["agents"]] == [3, 4, 5]
    assert skill["hasCxEssentials"] is True  # premium: a Customer Assist queue
    priority = feature(mapped, "call_queue:cc19@acme-corp.com")["webex"]
    assert all("skillLevel" not in a for a in priority["agents"])
    overflow = feature(mapped, "call_queue:cc16@acme-corp.com")["webex"]["queueSettings"]
    assert overflow["overflow"] == {
        "action": "TRANSFER_TO_PHONE_NUMBER",
        "transferNumber": "4101",
        "overflowAfterWaitEnabled": True,
        "overflowAfterWaitTime": 90,
        "playOverflowGreetingEnabled": True,
    }
    bounce = feature(mapped, "call_queue:cc17@acme-corp.com")["webex"]["callPolicies"]
    assert bounce["callBounce"]["alertAgentMaxSeconds"] == 30
    assert "callBounceOnHoldMaxSeconds" not in bounce["callBounce"]  # bounce on hold is off
    old = feature(mapped, "call_queue:cc14@acme-corp.com")["webex"]
    assert old["callPolicies"]["callBounce"] == {"callBounceEnabled": True, "callBounceMaxRings": 4}
    assert old["queueSettings"]["overflow"]["overflowAfterWaitTime"] == 120


def test_an_agent_without_a_queue_seat_gets_one_with_an_issue(mapped: Path) -> None:
    found = [i for i in issues(mapped, "queue_agent_package") if i["key"] == BOB]
    assert found and found[0]["value"] == "webex_voice"
    assert found[0]["proposed"] == "cx_essentials"
    bob = next(s for s in model(mapped, "subscribers") if s["id"] == BOB)
    assert bob["package"] == "cx_essentials"
    assert not [i for i in issues(mapped, "queue_agent_package") if i["key"] in (CAROL, DAVE)]


def test_options_webex_lacks_are_listed_beside_the_feature(mapped: Path) -> None:
    listed = {n["id"]: n for n in model(mapped, "not_migrated")}
    hg = listed["hunt_group_options:hg19sp1@acme-corp.com"]
    assert any(item.startswith("networkClassOfService = Standard") for item in hg["items"])
    assert any(item.startswith("includeHuntGroupNameInCLID") for item in hg["items"])
    cc = listed["call_queue_options:cc22@acme-corp.com"]
    assert any(item.startswith("wrapUpSeconds = 45") for item in cc["items"])
    announced = [
        n for n in listed.values() if any("overflow.audioMessageSelection" in i for i in n["items"])
    ]
    assert len(announced) == 1
    assert "hunt_group_options:hg14@acme-corp.com" not in listed  # nothing it lacks


def test_feature_numbers_go_to_the_location_and_to_nobody_else(mapped: Path) -> None:
    numbers = {n["id"]: n for n in model(mapped, "numbers")}
    assert numbers["+12125550150"]["assigned_to"] == "hg20@acme-corp.com"
    assert numbers["+12125550150"]["assignment"] == "service_instance"
    plan = builder.read(mapped / "w")
    added = {
        n
        for a in plan.actions
        if a.type == "add_numbers"
        for n in a.payload["body"]["phoneNumbers"]
    }
    assert {"+12125550150", "+12125550151", "+12125550120", "+12125550130"} <= added
    creates = {
        a.key: a for a in plan.actions if a.type in ("create_hunt_group", "create_call_queue")
    }
    assert len(creates) == len(HG_VERSIONS) + len(CC_VERSIONS) + 2
    hg20 = creates["create_hunt_group:hunt_group:hg20@acme-corp.com"]
    assert "add_numbers:acme-ent/acme-hq" in hg20.depends_on
    assert f"create_subscriber:{ALICE}" in hg20.depends_on
    assert f"create_workspace:{LOBBY}" in hg20.depends_on
    assert hg20.payload["body"]["agents"][0]["id"] == {
        "$ref": f"create_subscriber:{ALICE}",
        "field": "personId",
    }


def test_review_has_a_sheet_per_feature_with_one_row_per_agent(mapped: Path) -> None:
    book = openpyxl.load_workbook(mapped / "r" / "review.xlsx", read_only=True)
    hunt = list(book["Hunt groups"].iter_rows(values_only=True))
    head = hunt[0]
    rows = [dict(zip(head, r, strict=True)) for r in hunt[1:]]
    hg20 = [r for r in rows if r["Feature ID"] == "hunt_group:hg20@acme-corp.com"]
    assert [r["Agent (BroadWorks user)"] for r in hg20] == [ALICE, CAROL, LOBBY]
    assert [r["Agent is"] for r in hg20] == ["subscriber", "subscriber", "workspace"]
    queues = list(book["Call queues"].iter_rows(values_only=True))
    rows = [dict(zip(queues[0], r, strict=True)) for r in queues[1:]]
    cc22 = [r for r in rows if r["Feature ID"] == "call_queue:cc22@acme-corp.com"]
    assert [(r["Order"], r["Weight %"], r["Joined"]) for r in cc22] == [
        (1, "60", True),
        (2, "40", False),
        (3, "0", True),
    ]


def test_an_agent_the_review_made_a_workspace_follows_its_seat() -> None:
    location = wm.Location("c/g", "c", {}, "HQ", is_primary=True)
    feature = wm.CallFeature(
        id="hunt_group:hg@x",
        kind="hunt_group",
        customer_id="c",
        location_id="c/g",
        name="HG",
        bw_key={},
        webex={
            "name": "HG",
            "agents": [{"id": {"$subscriber": "ann@x"}}, {"id": {"$workspace": "lobby@x"}}],
        },
    )
    wait = action_key(AWAIT_CUSTOMER, "c")
    planned = {
        wait,
        action_key(CREATE_WORKSPACE, "ann@x"),
        action_key(CREATE_SUBSCRIBER, "lobby@x"),
    }
    actions, left = feature_actions(
        [feature],
        "c",
        {"c/g": location},
        wait,
        lambda _l: (wait, ref(wait, "locationId")),
        planned,
        0,
    )
    (action,) = actions
    assert left == []
    assert action.payload["body"]["agents"] == [
        {"id": ref(action_key(CREATE_WORKSPACE, "ann@x"), "workspaceId")},
        {"id": ref(action_key(CREATE_SUBSCRIBER, "lobby@x"), "personId")},
    ]


def test_a_number_or_extension_someone_else_has_is_not_taken(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "acme-enterprise", export)
    numbered = hunt_group_case(0, "20")  # +12125550150, and alice's extension
    numbered.body = numbered.body.replace(
        "<extension>4300</extension>", "<extension>4101</extension>"
    )
    bare = hunt_group_case(1, "19")  # no number, bob's extension
    bare.body = bare.body.replace("<extension>4301</extension>", "<extension>4102</extension>")
    taken = hunt_group_case(2, "17")  # carol's number
    taken.body = taken.body.replace(
        "<extension>4302</extension>",
        "<phoneNumber>2125550103</phoneNumber><countryCode>1</countryCode><extension>4302</extension>",
    )
    write_cases(export / "hq", "hq-flows", [numbered, bare, taken])
    root = stage(tmp_path, export, CONFIG)
    webex = {f["id"]: f["webex"] for f in model(root, "call_features")}
    assert "extension" not in webex["hunt_group:hg20@acme-corp.com"]  # it keeps its number
    assert webex["hunt_group:hg19@acme-corp.com"]["extension"] == "4102"
    assert "phoneNumber" not in webex["hunt_group:hg17@acme-corp.com"]
    found = {(i["key"], i["code"], i["severity"]) for i in model(root, "issues")}
    assert ("hunt_group:hg20@acme-corp.com", "extension_in_use", "warning") in found
    assert ("hunt_group:hg19@acme-corp.com", "extension_in_use", "blocker") in found
    assert ("hunt_group:hg17@acme-corp.com", "number_in_use", "blocker") in found
    carol = next(n for n in model(root, "numbers") if n["id"] == "+12125550103")
    assert carol["assigned_to"] == CAROL


def test_a_feature_with_a_blocker_is_left_alone_and_named() -> None:
    location = wm.Location("c/g", "c", {}, "HQ", is_primary=True)
    feature = wm.CallFeature(
        id="hunt_group:hg@x",
        kind="hunt_group",
        customer_id="c",
        location_id="c/g",
        name="HG",
        bw_key={},
        webex={"name": "HG", "agents": []},
    )
    wait = action_key(AWAIT_CUSTOMER, "c")
    blocked = {("call_feature", feature.id): "blocker invalid_number: HG: not a number"}
    actions, left = feature_actions(
        [feature],
        "c",
        {"c/g": location},
        wait,
        lambda _l: (wait, ref(wait, "locationId")),
        {wait},
        0,
        blocked,
    )
    assert actions == []
    assert left == [("call_feature", feature.id, "blocker invalid_number: HG: not a number")]
