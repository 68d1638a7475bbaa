"""Extract: auto attendants in every command version (R14–R24) and group and enterprise
schedules with their events, into inventory ``group_features``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from migrate.extract.oci import Scope, pull
from tests import flows_aa_fixtures as fx
from tests.extract_helpers import by_key, records, run
from tests.migration_helpers import SAMPLES
from tests.oci_helpers import conn, emulator_of, entities

SCHEDULES = {
    "mtl": "acme-ent/acme-mtl/schedule/Time/Business Hours",
    "ent": "acme-ent//schedule/Holiday/Statutory Holidays",
}


def _extract(tmp_path: Path, *pairs: tuple[str, str]) -> dict[str, dict[str, Any]]:
    fx.write(tmp_path / "export", "doc", *pairs)
    result = run(tmp_path / "export", tmp_path / "w")
    assert result.unknown_commands == {}
    return by_key(tmp_path / "w", "group_features", "id")


@pytest.mark.parametrize("version", fx.VERSIONS)
def test_every_auto_attendant_version_is_read_whole(tmp_path: Path, version: str) -> None:
    features = _extract(tmp_path, fx.auto_attendant(version))
    aa = features["aa@acme-corp.com"]
    assert aa["kind"] == "auto_attendant"
    assert aa["name"] == "Main Menu"
    assert aa["commands"] == [f"GroupAutoAttendantGetInstanceResponse{version}"]
    values = aa["values"]
    business = values["businessHoursMenu"]["keyConfiguration"]
    assert [k["key"] for k in business] == ["0", "1", "2", "*", "#", "9"]
    assert business[1]["entry"] == {
        "description": "Sales",
        "action": "Transfer Without Prompt",
        "phoneNumber": "+12125550120",
    }
    after = values["afterHoursMenu"]["keyConfiguration"]
    assert [(k["key"], k["entry"]["action"]) for k in after] == [
        ("0", "Transfer To Mailbox"),
        ("1", "Extension Dialing"),
    ]
    assert values["extensionDialingScope"] == "Group"
    assert values["nameDialingScope"] == "Enterprise"
    if version in ("14", "16", "17"):
        assert values["businessHours"] == "Business Hours"
        assert values["holidayScheduleName"] == "Statutory Holidays"
        assert "holidayMenu" not in values and "type" not in values
    else:
        assert values["businessHours"] == {"type": "Group", "name": "Business Hours"}
        assert values["holidaySchedule"] == {
            "type": "Service Provider",
            "name": "Statutory Holidays",
        }
    if version in ("19", "19sp1", "20", "24"):
        assert values["type"] == "Standard"
        holiday = values["holidayMenu"]["keyConfiguration"]
        assert [k["key"] for k in holiday] == ["0", "5"]
    assert ("firstDigitTimeoutSeconds" in values) == (version in ("20", "24"))
    # The instance record other code reads is still written.
    instances = by_key(tmp_path / "w", "service_instances", "service_user_id")
    assert instances["aa@acme-corp.com"]["kind"] == "auto_attendant"


def test_a_menu_with_one_key_is_still_a_list(tmp_path: Path) -> None:
    request, response = fx.auto_attendant("20")
    start = response.index("<afterHoursMenu>")
    end = response.index("</afterHoursMenu>") + len("</afterHoursMenu>")
    one_key = fx.menu("afterHoursMenu", fx.key("0", "Exit"))
    features = _extract(tmp_path, (request, response[:start] + one_key + response[end:]))
    keys = features["aa@acme-corp.com"]["values"]["afterHoursMenu"]["keyConfiguration"]
    assert keys == [{"key": "0", "entry": {"action": "Exit"}}]


@pytest.mark.parametrize("listing", [fx.group_schedule_list_17sp1, fx.group_schedule_list_old])
def test_group_schedule_lists_of_both_versions(tmp_path: Path, listing: Any) -> None:
    features = _extract(
        tmp_path,
        listing(
            fx.MTL,
            ("Business Hours", "Time", "Group"),
            ("Statutory Holidays", "Holiday", "Service Provider"),
            ("Mine", "Time", "User"),
        ),
    )
    assert set(features) == set(SCHEDULES.values()), "a user's own schedule is no location's"
    group = features[SCHEDULES["mtl"]]
    assert (group["sp_id"], group["group_id"], group["name"]) == (
        "acme-ent",
        fx.MTL,
        "Business Hours",
    )
    assert group["values"]["scheduleType"] == "Time"
    enterprise = features[SCHEDULES["ent"]]
    assert enterprise.get("group_id") is None
    assert enterprise["values"]["scheduleLevel"] == "Service Provider"


@pytest.mark.parametrize("tag", ["eventName", "eventname"])
def test_group_schedule_events_with_their_recurrence(tmp_path: Path, tag: str) -> None:
    features = _extract(
        tmp_path,
        fx.group_schedule_list_17sp1(fx.MTL, ("Business Hours", "Time", "Group")),
        fx.group_events(fx.MTL, "Business Hours", "Time", *fx.BUSINESS_EVENTS, tag=tag),
    )
    events = features[SCHEDULES["mtl"]]["values"]["events"]
    assert sorted(events) == ["Saturday", "Weekdays"]
    weekdays = events["Weekdays"]
    assert weekdays["startDate"] == "2025-01-06"
    assert weekdays["allDayEvent"] == "false"
    assert weekdays["startTime"] == {"hour": "8", "minute": "0"}
    assert weekdays["recurrence"]["recurWeekly"]["friday"] == "true"
    assert weekdays["recurrence"]["recurForEver"] == "true"
    assert events["Saturday"]["recurrence"]["recurEndDate"] == "2026-12-26"
    assert len(features) == 1, "the list and the events are one schedule"


def test_a_single_event_read_merges_into_its_schedule(tmp_path: Path) -> None:
    features = _extract(
        tmp_path,
        fx.group_events(fx.MTL, "Business Hours", "Time", fx.BUSINESS_EVENTS[0]),
        fx.group_event(fx.MTL, "Business Hours", "Time", "Saturday", fx.BUSINESS_EVENTS[1]),
    )
    events = features[SCHEDULES["mtl"]]["values"]["events"]
    assert sorted(events) == ["Saturday", "Weekdays"]
    assert events["Saturday"]["startTime"] == {"hour": "10", "minute": "0"}


def test_enterprise_schedules_and_their_events(tmp_path: Path) -> None:
    features = _extract(
        tmp_path,
        fx.provider_list(("Statutory Holidays", "Holiday")),
        fx.provider_events("Statutory Holidays", "Holiday", *fx.HOLIDAY_EVENTS),
        # The same schedule as a group lists it: one record, no conflict.
        fx.group_schedule_list_17sp1(fx.MTL, ("Statutory Holidays", "Holiday", "Service Provider")),
    )
    holiday = features[SCHEDULES["ent"]]
    events = holiday["values"]["events"]
    assert sorted(events) == ["Christmas", "Labour Day", "New Year"]
    assert events["Labour Day"]["recurrence"]["recurYearlyByWeek"] == {
        "recurInterval": "1",
        "dayOfWeek": "Monday",
        "dayOfWeekInMonth": "First",
        "month": "September",
    }
    assert events["Christmas"]["endDate"] == "2025-12-26"
    assert records(tmp_path / "w", "warnings") == []


def test_the_oci_walk_reads_the_same_schedules_and_attendants(tmp_path: Path) -> None:
    """``extract --from-oci`` against the emulator answering an export that has them."""
    export = fx.acme_with_flows(tmp_path / "export", SAMPLES)
    expected = entities(extract_into(export, tmp_path / "folder"))
    with emulator_of(export) as emu:
        pull(conn(emu), Scope("acme-ent"), tmp_path / "live" / "oci-export")
    live = entities(extract_into(tmp_path / "live" / "oci-export", tmp_path / "live"))
    assert live["group_features"] == expected["group_features"]
    kinds = Counter(r["kind"] for r in live["group_features"])
    # (the sample's own hunt group and call center come too)
    assert {k: n for k, n in kinds.items() if k in ("schedule", "auto_attendant")} == {
        "schedule": 2,
        "auto_attendant": 2,
    }
    asked = Counter(a.type for a in emu.log)
    assert asked["ServiceProviderScheduleGetEventDetailListRequest"] == 1, "asked once"
    assert asked["GroupScheduleGetEventDetailListRequest"] == 1


def extract_into(export: Path, workspace: Path) -> Path:
    run(export, workspace)
    return workspace
