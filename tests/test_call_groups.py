"""Call park, call pickup and paging: each command version into the inventory, the
mapping to Webex bodies with the issues Webex's rules raise, and the review sheets."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.extract.parsers import call_groups
from migrate.plan import builder
from tests.call_group_fixtures import (
    ALICE,
    ANNA,
    BOB,
    CAROL,
    DAVE,
    FIXTURES,
    FRANCOIS,
    GRACE,
    HENRY,
    LOBBY,
    PAGING,
    PAGING_BARE,
    PAGING_MTL,
    PAGING_OLD,
    ZOE,
    acme_with_call_groups,
    write_fixtures,
)
from tests.extract_helpers import by_key, run
from tests.migration_helpers import SAMPLES, common, invoke, stage

HQ_PARK = "acme-ent/acme-hq/call_park"
HQ_PICKUP = "acme-ent/acme-hq/call_pickup"

# (fixture index, inventory id, field, what it holds): one or more per command version.
EXPECTED: list[tuple[int, str, str, Any]] = [
    (0, f"{HQ_PARK}/Back Park", "name", "Back Park"),
    (1, f"{HQ_PARK}/Front Park", "members", [BOB, ALICE, LOBBY]),
    (1, f"{HQ_PARK}/Front Park", "values.recallTo", "Parking User Only"),
    (2, f"{HQ_PARK}/Back Park", "values.recallAlternateUserId", "old-hunt@acme-corp.com"),
    (3, f"{HQ_PARK}/Legacy Park", "members", [HENRY]),
    (
        3,
        f"{HQ_PARK}/Legacy Park",
        "values.users",
        [{"User Id": HENRY, "Last Name": "Park", "First Name": "Henry"}],
    ),
    (4, HQ_PARK, "values.alternateUserRecallTimerSeconds", "30"),
    (4, HQ_PARK, "kind", "call_park_settings"),
    (5, "acme-ent/acme-mtl/call_park", "values.displayTimerSeconds", "10"),
    (6, f"{HQ_PICKUP}/Ops Pickup", "group_id", "acme-hq"),
    (7, f"{HQ_PICKUP}/Sales Pickup", "members", [DAVE, BOB, LOBBY]),
    (10, "acme-ent/acme-mtl/call_pickup/Montreal Pickup", "members", [ZOE, FRANCOIS]),
    (11, PAGING, "name", "HQ All Call"),
    (11, PAGING_OLD, "values.isActive", "false"),
    (12, PAGING, "values.originatorCLIDPrefix", "Page"),
    (12, PAGING, "values.serviceInstanceProfile.extension", "4190"),
    (13, PAGING, "values.originators", [GRACE, HENRY]),
    (14, PAGING, "members", [ALICE, LOBBY, BOB, ANNA]),
    (15, PAGING_OLD, "values.deliverOriginatorCLIDInstead", "false"),
    (22, PAGING_MTL, "values.serviceInstanceProfile.name", "Montreal Page"),
]


def _field(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value[part]
    return value


@pytest.mark.parametrize(("index", "key", "path", "wanted"), EXPECTED)
def test_each_command_version_lands_in_the_inventory(
    tmp_path: Path, index: int, key: str, path: str, wanted: Any
) -> None:
    write_fixtures(tmp_path / "export", "one", [FIXTURES[index]])
    run(tmp_path / "export", tmp_path / "w")
    record = by_key(tmp_path / "w", "group_features", "id")[key]
    assert _field(record, path) == wanted
    assert FIXTURES[index][0] in record["commands"]


def test_every_parser_of_the_family_has_a_fixture() -> None:
    bases = {re.sub(r"\d+(sp\d+)?$", "", response) for response, *_ in FIXTURES}
    assert bases == set(call_groups.PARSERS)
    versions = {response for response, *_ in FIXTURES}
    assert {
        "GroupCallParkGetInstanceResponse",
        "GroupCallParkGetInstanceResponse16sp2",
        "GroupCallParkGetResponse",
        "GroupCallParkGetResponse16sp2",
        "GroupGroupPagingGetInstanceResponse",
        "GroupGroupPagingGetInstanceResponse17sp3",
        "GroupGroupPagingGetInstanceResponse19sp1",
    } <= versions


def test_paging_parts_merge_into_one_record(tmp_path: Path) -> None:
    write_fixtures(tmp_path / "export", "all", FIXTURES)
    run(tmp_path / "export", tmp_path / "w")
    paging = by_key(tmp_path / "w", "group_features", "id")[PAGING]
    assert (paging["sp_id"], paging["group_id"], paging["kind"]) == (
        "acme-ent",
        "acme-hq",
        "paging_group",
    )
    assert paging["values"]["originators"] == [GRACE, HENRY]
    assert paging["values"]["confirmationToneTimeoutSeconds"] == "1"
    assert paging["members"] == [ALICE, LOBBY, BOB, ANNA]
    assert len(paging["commands"]) == 4


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("call-groups")
    acme_with_call_groups(root / "export", SAMPLES)
    return stage(root, root / "export")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _features(root: Path) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in _jsonl(root / "w" / "model" / "call_features.jsonl")}


def test_call_parks_map_with_agents_in_order_and_their_recall(staged: Path) -> None:
    features = _features(staged)
    front = features["call_park:acme-ent/acme-hq/Front Park"]
    # Alice is in Back Park first (by name): Webex takes her in one call park only.
    assert front["webex"] == {
        "name": "Front Park",
        "recall": {"option": "ALERT_PARKING_USER_ONLY"},
        "agents": [{"$subscriber": BOB}, {"$workspace": LOBBY}],
        "parkOnAgentsEnabled": True,
    }
    back = features["call_park:acme-ent/acme-hq/Back Park"]
    assert back["webex"]["agents"] == [{"$subscriber": CAROL}, {"$subscriber": ALICE}]
    # Its alternate recall user is no hunt group of the export: parking user only, an issue.
    assert back["webex"]["recall"] == {"option": "ALERT_PARKING_USER_ONLY"}
    issues = {i["id"]: i for i in _jsonl(staged / "w" / "model" / "issues.jsonl")}
    back_id = "call_park:acme-ent/acme-hq/Back Park"
    recall = issues[f"call_park_recall_not_a_hunt_group:call_feature:{back_id}:recallTo"]
    assert recall["proposed"] == "ALERT_PARKING_USER_ONLY"
    twice = issues[
        "call_park_member_in_two_groups:call_feature:call_park:acme-ent/acme-hq/Front Park:agents"
    ]
    assert twice["value"] == ALICE and "Back Park" in twice["proposed"]


def test_pickups_keep_one_group_per_person_and_their_own_location(staged: Path) -> None:
    features = _features(staged)
    assert features["call_pickup:acme-ent/acme-hq/Ops Pickup"]["webex"]["agents"] == [
        {"$subscriber": GRACE},
        {"$subscriber": DAVE},
    ]
    assert features["call_pickup:acme-ent/acme-hq/Sales Pickup"]["members"] == [BOB, LOBBY]
    assert features["call_pickup:acme-ent/acme-mtl/Montreal Pickup"]["members"] == [ZOE, FRANCOIS]
    left = {n["id"]: n for n in _jsonl(staged / "w" / "model" / "not_migrated.jsonl")}
    ops = left["call_pickup:acme-ent/acme-hq/Ops Pickup"]
    assert ops["items"] == [f"agent {ANNA}: is in location acme-ent/acme-muc, not acme-ent/acme-hq"]
    sales = left["call_pickup:acme-ent/acme-hq/Sales Pickup"]
    assert "Ops Pickup" in sales["items"][0] and DAVE in sales["items"][0]


def test_paging_groups_take_their_number_and_list_what_webex_lacks(staged: Path) -> None:
    features = _features(staged)
    hq = features[f"paging_group:{PAGING}"]
    assert hq["webex"] == {
        "name": "HQ All Call",
        "phoneNumber": "+12125550151",
        "extension": "4190",
        "enabled": True,
        "originatorCallerIdEnabled": True,
        "originators": [{"$subscriber": GRACE}, {"$subscriber": HENRY}],
        "targets": [
            {"$subscriber": ALICE},
            {"$workspace": LOBBY},
            {"$subscriber": BOB},
            {"$subscriber": ANNA},
        ],
    }
    assert features[f"paging_group:{PAGING_OLD}"]["webex"]["enabled"] is False
    # The paging group's number moves to it, and to nobody else.
    numbers = {n["id"]: n for n in _jsonl(staged / "w" / "model" / "numbers.jsonl")}
    assert numbers["+12125550151"]["assigned_to"] == PAGING
    assert numbers["+12125550151"]["assignment"] == "service_instance"
    left = {n["id"]: n for n in _jsonl(staged / "w" / "model" / "not_migrated.jsonl")}
    assert left[f"paging_group:{PAGING}"]["items"] == [
        "confirmationToneTimeoutSeconds 1",
        "originatorCLIDPrefix Page",
    ]
    # No number and no extension: Webex cannot build it; it is listed, not planned.
    assert f"paging_group:{PAGING_BARE}" not in features
    assert "no number and no extension" in left[f"paging_group:{PAGING_BARE}"]["reason"]
    park_settings = left["call_park_settings:acme-ent/acme-hq"]
    assert (
        "recallTimerSeconds 45: Call Park settings › recall time (30–600 s)"
        in park_settings["items"]
    )


def test_plan_builds_features_after_their_members_and_with_the_number(staged: Path) -> None:
    plan = builder.read(staged / "w")
    keys = [a.key for a in plan.actions]
    paging = next(a for a in plan.actions if a.key == f"create_paging_group:paging_group:{PAGING}")
    assert "add_numbers:acme-ent/acme-hq" in paging.depends_on
    assert (
        "+12125550151"
        in next(a for a in plan.actions if a.key == "add_numbers:acme-ent/acme-hq").payload["body"][
            "phoneNumbers"
        ]
    )
    for action in plan.actions:
        if action.type in ("create_call_park", "create_call_pickup", "create_paging_group"):
            assert action.inverse is not None and action.inverse["type"] == action.type.replace(
                "create_", "delete_"
            )
            assert action.lookup == {
                "locationId": action.payload["locationId"],
                "name": action.payload["name"],
            }
            for dep in action.depends_on:
                assert keys.index(dep) < keys.index(action.key)
    # Henry is left alone by the sample (a duplicate email): dropped from the park, named.
    legacy = next(a for a in plan.actions if a.key.endswith("/Legacy Park"))
    assert legacy.payload["body"]["agents"] == []
    assert any(
        item.key == f"call_park:acme-ent/acme-hq/Legacy Park/subscriber {HENRY}"
        for item in plan.left_alone
    )


def test_review_has_a_sheet_per_feature_with_a_row_per_member(staged: Path) -> None:
    book = openpyxl.load_workbook(staged / "r" / "review.xlsx", read_only=True)
    assert {"Call park", "Call pickup", "Paging"} <= set(book.sheetnames)
    rows = list(book["Call park"].iter_rows(values_only=True))
    header = rows[0]
    front = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[2] == "Front Park"]
    assert [(r["Member order"], r["BroadWorks user"], r["Moves to Webex"]) for r in front] == [
        (1, BOB, "yes"),
        (2, ALICE, "no"),
        (3, LOBBY, "yes"),
    ]
    paging = list(book["Paging"].iter_rows(values_only=True))
    hq = [dict(zip(paging[0], r, strict=True)) for r in paging[1:] if r[2] == "HQ All Call"]
    assert [(r["Role"], r["BroadWorks user"]) for r in hq] == [
        ("originator", GRACE),
        ("originator", HENRY),
        ("target", ALICE),
        ("target", LOBBY),
        ("target", BOB),
        ("target", ANNA),
    ]


def test_recall_to_a_hunt_group_of_the_export_names_that_feature(
    staged: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(staged, tmp_path / "case"))
    hunt = {"id": "old-hunt@acme-corp.com", "kind": "hunt_group", "sp_id": "acme-ent"}
    hunt |= {"group_id": "acme-hq", "name": "Old Hunt"}
    with (root / "w" / "inventory" / "group_features.jsonl").open("a") as out:
        out.write(json.dumps(hunt) + "\n")
    code, _out, err = invoke("map", *common(root))
    assert code == 0, err
    back = _features(root)["call_park:acme-ent/acme-hq/Back Park"]
    assert back["webex"]["recall"] == {
        "option": "ALERT_PARKING_USER_FIRST_THEN_HUNT_GROUP",
        "huntGroupId": {"$feature": "hunt_group:old-hunt@acme-corp.com"},
    }
    assert back["depends_on"] == ["hunt_group:old-hunt@acme-corp.com"]
