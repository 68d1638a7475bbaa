"""Per-user service settings: extracted by name in every command version, mapped to the
Webex person feature that carries them or listed on "Not migrated", the decision an
override of the review's "Call settings" sheet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.errors import ConfigError
from migrate.extract.parsers.user_settings import SERVICES
from migrate.mapping.tables import load_tables, shipped_dir
from migrate.stages.map import run_map
from tests.extract_helpers import records, run
from tests.migration_helpers import CONFIG, SAMPLES, stage
from tests.ocip import command, el, write_pair
from tests.settings_fixtures import FIXTURES, acme_with_settings, write_settings

ALICE = "alice.johnson@acme-corp.com"
CAROL = "carol.nguyen@acme-corp.com"


def _contains(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(
            _contains(found.get(k), v) for k, v in wanted.items()
        )
    return bool(found == wanted)


@pytest.mark.parametrize("index", range(len(FIXTURES)), ids=[f[0] for f in FIXTURES])
def test_every_command_version_is_read_by_name(tmp_path: Path, index: int) -> None:
    response, _request, _body, values = FIXTURES[index]
    write_settings(tmp_path / "x", "s", [("zoe@x", index)])
    result = run(tmp_path / "x", tmp_path / "w")
    assert result.unknown_commands == {}
    (record,) = records(tmp_path / "w", "user_settings")
    assert record["user_id"] == "zoe@x"
    assert record["commands"] == [response]
    assert record["service"] in set(SERVICES.values())
    assert _contains(record["values"], values), record["values"]
    assert "userId" not in record["values"]


def test_tables_and_repeated_elements_become_lists(tmp_path: Path) -> None:
    sim_ring = next(i for i, f in enumerate(FIXTURES) if f[0].startswith("UserSimultaneous"))
    speed = next(i for i, f in enumerate(FIXTURES) if f[0].startswith("UserSpeedDial100"))
    write_settings(tmp_path / "x", "s", [("zoe@x", sim_ring), ("zoe@x", speed)])
    run(tmp_path / "x", tmp_path / "w")
    ring, dial = records(tmp_path / "w", "user_settings")
    assert ring["values"]["simultaneousRingNumber"] == [
        {"phoneNumber": "9175550133", "answerConfirmationRequired": "true"},
        {"phoneNumber": "4102", "answerConfirmationRequired": "false"},
    ]
    assert ring["values"]["criteriaTable"][0]["Criteria Name"] == "After hours"
    assert [e["speedCode"] for e in dial["values"]["speedDialEntry"]] == ["10", "11"]


def test_one_record_per_user_and_service_from_several_responses(tmp_path: Path) -> None:
    indices = [
        i for i, f in enumerate(FIXTURES) if "VoiceMessaging" in f[0] and not f[0].endswith("23")
    ]
    write_settings(tmp_path / "x", "s", [("zoe@x", i) for i in indices])
    run(tmp_path / "x", tmp_path / "w")
    (record,) = records(tmp_path / "w", "user_settings")
    assert record["service"] == "voice_messaging"
    assert len(record["commands"]) == len(indices)
    values = record["values"]
    # The greeting's rings and the advanced mailbox limit sit beside the management fields.
    assert values["noAnswerNumberOfRings"] == "4"
    assert values["groupMailServerFullMailboxLimit"] == "300"
    assert "isActive" in values


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("settings")
    acme_with_settings(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


def model(root: Path, entity: str) -> list[dict[str, Any]]:
    path = root / "w" / "model" / f"{entity}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_value_is_migrated_or_listed_and_never_both(mapped: Path) -> None:
    settings = model(mapped, "person_settings")
    listed = {
        n["bw_key"]["user_id"]: n["items"]
        for n in model(mapped, "not_migrated")
        if n["kind"] == "call_settings"
    }
    for record in records(mapped / "w", "user_settings"):
        for name in record["values"]:
            bw = f"{record['service']}.{name}"
            holders = [s for s in settings if s["subscriber_id"] == record["user_id"]]
            where = [s for s in holders if bw in s["bw_values"]]
            assert len(where) == 1, (record["user_id"], bw)
            on_list = any(i.startswith(f"{bw}=") for i in listed.get(record["user_id"], []))
            assert on_list == (where[0]["decision"] == "list"), (record["user_id"], bw)


def test_values_are_normalised_with_issues_for_what_webex_bounds(mapped: Path) -> None:
    by_id = {s["id"]: s for s in model(mapped, "person_settings")}
    forwarding = by_id[f"{ALICE}/callForwarding"]["webex"]
    assert forwarding["callForwarding"]["always"] == {
        "enabled": True,
        "destination": "+12125550111",
        "ringReminderEnabled": True,
    }
    assert forwarding["callForwarding"]["busy"]["destination"] == "4199"  # an extension
    assert forwarding["callForwarding"]["noAnswer"]["numberOfRings"] == 20
    assert forwarding["businessContinuity"] == {"enabled": True, "destination": "+12125550122"}
    voicemail = by_id[f"{ALICE}/voicemail"]["webex"]
    assert voicemail["messageStorage"] == {
        "storageType": "EXTERNAL",
        "externalEmail": "vm@acme-corp.com",
        "mwiEnabled": False,
    }
    ring = by_id[f"{ALICE}/simultaneousRing"]["webex"]
    assert ring["phoneNumbers"] == [
        {"phoneNumber": "+19175550133", "answerConfirmationRequiredEnabled": True},
        {"phoneNumber": "4102", "answerConfirmationRequiredEnabled": False},
    ]
    reach = by_id[f"{ALICE}/singleNumberReach"]["webex"]
    assert reach == {
        "enabled": True,
        "alertAllNumbersForClickToDialCallsEnabled": False,
        "numbers": [
            {
                "phoneNumber": "+19175550144",
                "enabled": True,
                "name": "Mobile",
                "answerConfirmationEnabled": False,
                "doNotForwardCallsEnabled": False,
            }
        ],
    }
    codes = {i["code"] for i in model(mapped, "issues") if i["key"] == ALICE}
    assert "reach_detail_not_migrated" in codes  # the outbound alternate number
    (issue,) = [
        i
        for i in model(mapped, "issues")
        if i["code"] == "rings_out_of_range" and i["key"] == ALICE
    ]
    assert (issue["value"], issue["proposed"]) == ("30", "20")


def test_selective_forward_and_sequential_ring_are_mapped_their_criteria_listed(
    mapped: Path,
) -> None:
    by_id = {s["id"]: s for s in model(mapped, "person_settings")}
    assert by_id[f"{ALICE}/selectiveForward"]["webex"] == {
        "enabled": True,
        "defaultPhoneNumberToForward": "+12125550177",
        "ringReminderEnabled": False,
    }
    assert by_id[f"{ALICE}/sequentialRing"]["webex"] == {
        "enabled": True,  # its one criterion is active
        "ringBaseLocationFirstEnabled": True,
        "baseLocationNumberOfRings": 3,
        "continueIfBaseLocationIsBusyEnabled": True,
        "phoneNumbers": [{"phoneNumber": "+19175550166", "numberOfRings": 3}],
    }
    (alice,) = [n for n in model(mapped, "not_migrated") if n["id"] == f"call_settings:{ALICE}"]
    items = alice["items"]
    location = "broadworks_anywhere.locations.9175550144"
    assert f"{location}.outboundAlternateNumber=2125550100" in items
    assert f"{location}.broadworksCallControl=false" in items
    assert "sequential_ring.callerMayStopSearch=false" in items
    for service in ("call_forwarding_selective", "sequential_ring", "simultaneous_ring_personal"):
        (criteria,) = [i for i in items if i.startswith(f"{service}.criteriaTable=")]
        assert "Criteria Name=After hours" in criteria and "Time Schedule=Evenings" in criteria


def test_numbers_beyond_what_webex_takes_are_listed(tmp_path: Path) -> None:
    export = acme_with_settings(tmp_path / "export", SAMPLES)
    numbers = "".join(
        el(
            "simultaneousRingNumber",
            phoneNumber=f"917555{i:04d}",
            answerConfirmationRequired="false",
        )
        for i in range(11)
    )
    write_pair(
        export / "hq",
        "hq-carol-ring",
        [command("UserSimultaneousRingPersonalGetRequest17", el("userId", CAROL))],
        [
            command(
                "UserSimultaneousRingPersonalGetResponse17",
                el("isActive", "true") + el("doNotRingIfOnCall", "false") + numbers,
            )
        ],
    )
    root = stage(tmp_path, export, CONFIG)
    by_id = {s["id"]: s for s in model(root, "person_settings")}
    ring = by_id[f"{CAROL}/simultaneousRing"]["webex"]["phoneNumbers"]
    assert [n["phoneNumber"] for n in ring] == [f"+1917555{i:04d}" for i in range(10)]
    (carol,) = [n for n in model(root, "not_migrated") if n["id"] == f"call_settings:{CAROL}"]
    assert (
        "simultaneous_ring_personal.simultaneousRingNumber.9175550010="
        "answerConfirmationRequired=false, phoneNumber=9175550010"
    ) in carol["items"]
    (issue,) = [
        i
        for i in model(root, "issues")
        if i["code"] == "too_many_destinations" and i["key"] == CAROL
    ]
    assert (issue["value"], issue["proposed"]) == ("11", "10")


def _review_rows(path: Path) -> tuple[Any, list[str]]:
    book = openpyxl.load_workbook(path)
    sheet = book["Call settings"]
    return book, [c.value for c in sheet[1]]


def test_the_decision_column_round_trips_through_overrides(mapped: Path, tmp_path: Path) -> None:
    root = tmp_path / "case"
    shutil.copytree(mapped, root)
    review = root / "r" / "review.xlsx"
    book, header = _review_rows(review)
    sheet = book["Call settings"]
    key, decision = header.index("Setting ID"), header.index("Decision")
    rows = {row[key].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows[f"{ALICE}/callWaiting"][decision].value == "migrate"
    rows[f"{ALICE}/callWaiting"][decision].value = "list"
    # Listed because BroadWorks has no Webex field for it: back to migrate is refused.
    rows[f"{ALICE}/remote_office"][decision].value = "migrate"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)

    run_map(root / "w", root / "r", root / "migrate.toml", None, edited)
    by_id = {s["id"]: s for s in model(root, "person_settings")}
    assert by_id[f"{ALICE}/callWaiting"]["decision"] == "list"
    assert by_id[f"{ALICE}/callWaiting"]["overridden"] is True
    assert by_id[f"{ALICE}/remote_office"]["decision"] == "list"
    (alice,) = [n for n in model(root, "not_migrated") if n["id"] == f"call_settings:{ALICE}"]
    assert "call_waiting.isActive=false" in alice["items"]
    log = {
        (o["key"], o["result"])
        for o in map(json.loads, (root / "w/model/overrides.jsonl").read_text().splitlines())
    }
    assert {(f"{ALICE}/callWaiting", "applied"), (f"{ALICE}/remote_office", "refused")} <= log
    # The new workbook shows the override, and mapping with it again changes nothing.
    book, header = _review_rows(root / "r" / "review.xlsx")
    again = {r[0]: r for r in book["Call settings"].iter_rows(min_row=2, values_only=True)}
    assert again[f"{ALICE}/callWaiting"][header.index("Decision")] == "list"
    # ... and switching it back restores the action's values.
    book["Call settings"].cell(
        row=1 + 1 + sorted(again).index(f"{ALICE}/callWaiting"),
        column=header.index("Decision") + 1,
    ).value = "migrate"
    book.save(edited)
    run_map(root / "w", root / "r", root / "migrate.toml", None, edited)
    by_id = {s["id"]: s for s in model(root, "person_settings")}
    assert by_id[f"{ALICE}/callWaiting"]["decision"] == "migrate"
    (alice,) = [n for n in model(root, "not_migrated") if n["id"] == f"call_settings:{ALICE}"]
    assert not any(i.startswith("call_waiting.isActive") for i in alice["items"])


def test_a_user_left_without_calling_by_review_has_its_settings_listed(
    mapped: Path, tmp_path: Path
) -> None:
    root = tmp_path / "case"
    shutil.copytree(mapped, root)
    book = openpyxl.load_workbook(root / "r" / "review.xlsx")
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    user, package = header.index("User ID"), header.index("Package")
    for row in sheet.iter_rows(min_row=2):
        if row[user].value == ALICE:
            row[package].value = "webex_meetings"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    run_map(root / "w", root / "r", root / "migrate.toml", None, edited)
    alices = [s for s in model(root, "person_settings") if s["subscriber_id"] == ALICE]
    assert alices and all(s["decision"] == "list" for s in alices)
    assert "webex_meetings has no Webex Calling" in alices[0]["reason"]
    (alice,) = [n for n in model(root, "not_migrated") if n["id"] == f"call_settings:{ALICE}"]
    assert "call_forwarding_always.forwardToPhoneNumber=2125550111" in alice["items"]
    assert "do_not_disturb.ringSplash=true" in alice["items"]


def test_an_unknown_decision_names_sheet_row_and_column(mapped: Path, tmp_path: Path) -> None:
    root = tmp_path / "case"
    shutil.copytree(mapped, root)
    book, header = _review_rows(root / "r" / "review.xlsx")
    book["Call settings"].cell(row=2, column=header.index("Decision") + 1).value = "maybe"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    with pytest.raises(ConfigError, match=r"sheet Call settings: row 2: column Decision"):
        run_map(root / "w", root / "r", root / "migrate.toml", None, edited)


def test_an_edited_table_moves_a_service_and_is_validated(tmp_path: Path) -> None:
    folder = tmp_path / "mappings"
    folder.mkdir()
    text = (shipped_dir() / "call_settings.csv").read_text()
    (folder / "call_settings.csv").write_text(
        text.replace(
            "call_waiting,isActive,callWaiting,enabled,migrate,",
            "call_waiting,isActive,callWaiting,enabled,list,kept by hand",
        )
    )
    rule = load_tables(folder).call_settings.rule("call_waiting", "isActive")
    assert rule is not None and rule.decision == "list"
    (folder / "call_settings.csv").write_text(
        text.replace("callWaiting,enabled,migrate", "callWaiting,enable,migrate")
    )
    with pytest.raises(ConfigError, match=r"call_settings.csv: row \d+: column webex_field"):
        load_tables(folder)
    (folder / "call_settings.csv").write_text(
        text.replace("call_waiting,isActive,callWaiting,enabled,migrate", "call_waiting,*,x,y,z")
    )
    with pytest.raises(ConfigError, match=r"column decision"):
        load_tables(folder)
