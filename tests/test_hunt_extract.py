"""Hunt groups and call centers: every command version read by element name into one
group feature per instance, call centers merged from their several responses."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from migrate.extract import extract
from migrate.extract.oci import Scope, pull
from tests.extract_helpers import records, run
from tests.hunt_fixtures import (
    BOB,
    CAROL,
    DAVE,
    Case,
    agent_list_case,
    all_cases,
    bounced_case,
    call_center_case,
    hunt_group_case,
    overflow_case,
    user_call_center_case,
    write_cases,
)
from tests.migration_helpers import SAMPLES
from tests.oci_helpers import conn, emulator_of, entities

HGS, CCS, EXTRA = all_cases()
CASES = [*HGS, *CCS, *(c for c in EXTRA if c.response != "GroupCallCenterGetAgentListResponse")]
CASES.append(next(c for c in EXTRA if c.response == "GroupCallCenterGetAgentListResponse"))


def _contains(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(
            _contains(found.get(k), v) for k, v in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(found, list)
            and len(found) == len(wanted)
            and all(_contains(f, w) for f, w in zip(found, wanted, strict=True))
        )
    return bool(found == wanted)


def features(workspace: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records(workspace, "group_features")}


@pytest.mark.parametrize("case", CASES, ids=[c.response or c.request for c in CASES])
def test_every_command_version_is_read_by_name(tmp_path: Path, case: Case) -> None:
    write_cases(tmp_path / "x", "flows", [case], lists=False)
    result = run(tmp_path / "x", tmp_path / "w")
    assert result.unknown_commands == {}
    (record,) = records(tmp_path / "w", "group_features")
    assert record["id"] == case.service_user_id
    assert record["kind"] == ("hunt_group" if "HuntGroup" in case.response else "call_center")
    assert record["commands"] == [case.response]
    assert _contains(record["values"], case.values), record["values"]
    assert record["members"] == case.members
    assert "serviceUserId" not in record["values"]


def test_hunt_groups_keep_agents_in_order_with_weights(tmp_path: Path) -> None:
    write_cases(tmp_path / "x", "flows", HGS)
    run(tmp_path / "x", tmp_path / "w")
    found = features(tmp_path / "w")
    assert set(found) == {c.service_user_id for c in HGS}
    newest = found["hg20@acme-corp.com"]
    assert newest["name"] == "HG 20"
    assert newest["values"]["serviceInstanceProfile"]["phoneNumber"] == "2125550150"
    assert [r["Weight"] for r in newest["values"]["agentUserTable"]] == ["50", "30", "20"]
    # The older services_instances record is still written for the code that reads it.
    instances = {r["service_user_id"]: r for r in records(tmp_path / "w", "service_instances")}
    assert instances["hg20@acme-corp.com"]["group_id"] == "acme-hq"


def test_a_call_center_is_one_feature_from_all_its_responses(tmp_path: Path) -> None:
    cc = call_center_case(9, "22")
    # The agents' answers come first in the export: they must not hide the instance.
    parts = [
        user_call_center_case("23", DAVE, cc.service_user_id, "false"),
        user_call_center_case("19", CAROL, cc.service_user_id, "true"),
        cc,
        agent_list_case(cc.service_user_id),
        overflow_case("20", cc.service_user_id),
        bounced_case("17", cc.service_user_id),
    ]
    write_cases(tmp_path / "x", "flows", parts)
    run(tmp_path / "x", tmp_path / "w")
    (record,) = records(tmp_path / "w", "group_features")
    assert record["kind"] == "call_center"
    assert record["name"] == "CC 22"
    assert record["members"] == [CAROL, DAVE, BOB]
    values = record["values"]
    assert values["type"] == "Basic" and values["policy"] == "Weighted"
    assert values["agentJoined"] == {CAROL: "true", DAVE: "false"}
    assert values["overflow"]["audioUrlList"] == {"url1": "http://ann.example/overflow.wav"}
    assert values["bouncedCall"]["alertCallCenterCallOnHoldSeconds"] == "30"
    assert sorted(record["commands"]) == sorted(p.response for p in parts)


def test_an_agents_answer_alone_is_kept_without_a_group(tmp_path: Path) -> None:
    write_cases(
        tmp_path / "x",
        "flows",
        [user_call_center_case("", CAROL, "gone-cc@acme-corp.com", "true")],
        lists=False,
    )
    run(tmp_path / "x", tmp_path / "w")
    (record,) = records(tmp_path / "w", "group_features")
    assert record["sp_id"] == "" and record["group_id"] is None


def test_the_oci_walk_asks_what_the_folder_holds(tmp_path: Path) -> None:
    """``--from-oci`` gives the same group features: the newest version of each request."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / "acme-enterprise", export)
    hg = hunt_group_case(7, "20")
    cc = call_center_case(9, "22")
    write_cases(
        export / "hq",
        "hq-flows",
        [
            hg,
            cc,
            agent_list_case(cc.service_user_id),
            overflow_case("20", cc.service_user_id),
            bounced_case("17", cc.service_user_id),
            user_call_center_case("23", CAROL, cc.service_user_id, "false"),
        ],
    )
    extract(export, tmp_path / "folder")
    with emulator_of(export) as emu:
        pull(conn(emu), Scope("acme-ent"), tmp_path / "live" / "oci-export")
    asked_types = {a.type for a in emu.log}
    assert {
        "GroupCallCenterGetAgentListRequest",
        "GroupCallCenterOverflowGetRequest20",
        "GroupCallCenterBouncedCallGetRequest17",
        "UserCallCenterGetRequest23",
    } <= asked_types
    extract(tmp_path / "live" / "oci-export", tmp_path / "live")
    live = entities(tmp_path / "live")["group_features"]
    assert live == entities(tmp_path / "folder")["group_features"]
    by_id = {r["id"]: r for r in live}
    assert by_id[cc.service_user_id]["values"]["agentJoined"] == {CAROL: "false"}
    assert by_id[cc.service_user_id]["members"] == [CAROL, DAVE, BOB]
