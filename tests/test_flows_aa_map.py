"""Map and plan: schedules → location schedules (an enterprise one in every location
that uses it), auto attendants → Webex auto attendants with both menus, what Webex
lacks as issues and "Not migrated" items, and the review sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migrate.plan import builder
from migrate.plan import model as wm
from tests.flows_aa_fixtures import acme_with_flows
from tests.migration_helpers import SAMPLES, stage

MTL_AA = "auto_attendant:mtl-aa@acme-corp.com"
MUC_AA = "auto_attendant:muc-aa@acme-corp.com"
HOLIDAYS = "schedule:acme-ent//schedule/Holiday/Statutory Holidays"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flows-aa")
    acme_with_flows(root / "export", SAMPLES)
    return stage(root, root / "export")


def features(root: Path) -> dict[str, wm.CallFeature]:
    return {f.id: f for f in wm.read(root / "w", "call_features")}


def issues(root: Path) -> dict[tuple[str, str], wm.Issue]:
    return {(i.code, i.key): i for i in wm.read(root / "w", "issues")}


def test_an_enterprise_schedule_lands_in_every_location_that_uses_it(staged: Path) -> None:
    found = features(staged)
    copies = {f.location_id: f for f in found.values() if f.id.startswith(HOLIDAYS)}
    assert set(copies) == {"acme-ent/acme-mtl", "acme-ent/acme-muc"}
    for copy in copies.values():
        assert copy.webex["name"] == "Statutory Holidays"
        assert copy.webex["type"] == "holidays"
        assert [e["name"] for e in copy.webex["events"]] == ["Christmas", "Labour Day", "New Year"]
    # HQ has no attendant: no copy there.
    assert not any(
        f.location_id == "acme-ent/acme-hq" and f.kind in ("schedule", "auto_attendant")
        for f in found.values()
    )


def test_schedule_events_and_recurrence(staged: Path) -> None:
    found = features(staged)
    business = found["schedule:acme-ent/acme-mtl/schedule/Time/Business Hours"]
    assert business.webex["type"] == "businessHours"
    saturday, weekdays = business.webex["events"]
    assert weekdays == {
        "name": "Weekdays",
        "startDate": "2025-01-06",
        "endDate": "2025-01-06",
        "allDayEnabled": False,
        "startTime": "08:00",
        "endTime": "17:00",
        "recurrence": {
            "recurForEver": True,
            "recurWeekly": {
                "sunday": False,
                "monday": True,
                "tuesday": True,
                "wednesday": True,
                "thursday": True,
                "friday": True,
                "saturday": False,
            },
        },
    }
    assert saturday["recurrence"]["recurEndDate"] == "2026-12-26"
    holidays = next(f for f in found.values() if f.id.startswith(HOLIDAYS))
    by_name = {e["name"]: e for e in holidays.webex["events"]}
    assert by_name["New Year"]["allDayEnabled"] is True
    assert by_name["New Year"]["recurrence"]["recurYearlyByDate"] == {
        "dayOfMonth": 1,
        "month": "JANUARY",
    }
    assert by_name["Labour Day"]["recurrence"] == {
        "recurEndOccurrence": 10,
        "recurYearlyByDay": {"day": "MONDAY", "week": "FIRST", "month": "SEPTEMBER"},
    }
    assert by_name["Christmas"]["endDate"] == "2025-12-26"


def test_the_auto_attendant_with_both_menus_keys_and_targets(staged: Path) -> None:
    aa = features(staged)[MTL_AA]
    body = aa.webex
    assert body["name"] == "Réception Montréal"
    assert body["phoneNumber"] == "+15145550200" and body["extension"] == "4200"
    assert body["businessSchedule"] == "Business Hours"
    assert body["holidaySchedule"] == "Statutory Holidays"
    assert (body["extensionDialing"], body["nameDialing"]) == ("GROUP", "GROUP")
    business = body["businessHoursMenu"]
    assert business["greeting"] == "DEFAULT" and business["extensionEnabled"] is True
    assert business["callTreatment"] == {"noInputTimer": 10}
    assert [(k["key"], k["action"], k.get("value")) for k in business["keyConfigurations"]] == [
        ("0", "TRANSFER_TO_OPERATOR", "4204"),
        ("1", "TRANSFER_WITHOUT_PROMPT", "+12125550120"),
        ("9", "NAME_DIALING", None),
        ("2", "TRANSFER_WITH_PROMPT", "+15145550202"),
    ]
    assert body["afterHoursMenu"]["keyConfigurations"][0]["description"] == "Réception"
    # Whom the keys reach: people of the location, and HQ's hunt group (built first).
    assert aa.members == ["helene.gagnon@acme-corp.com", "zoe.tremblay@acme-corp.com"]
    assert "hunt_group:hq-sales-hg@acme-corp.com" in aa.depends_on
    assert "schedule:acme-ent/acme-mtl/schedule/Time/Business Hours" in aa.depends_on
    reaches = {(r["menu"], r["key"]): r.get("target") for r in aa.bw_values["keys"]}
    assert reaches[("business hours", "0")] == "subscriber helene.gagnon@acme-corp.com"
    assert reaches[("business hours", "1")] == "feature hunt_group:hq-sales-hg@acme-corp.com"


def test_what_webex_lacks_is_an_issue_and_not_migrated(staged: Path) -> None:
    found = issues(staged)
    holiday = found[("holiday_menu_unsupported", MTL_AA)]
    assert "after-hours menu" in holiday.message and holiday.proposed == "the after-hours menu"
    assert "submenus" in found[("menu_key_unsupported", MTL_AA)].message
    scope = found[("dialing_scope_unsupported", MUC_AA)]
    assert (scope.value, scope.proposed) == ("Department", "GROUP")
    not_migrated = {n.id: n for n in wm.read(staged / "w", "not_migrated")}
    # The attendant itself is migrated: only its options are listed.
    assert MTL_AA not in not_migrated
    options = not_migrated["auto_attendant:mtl-aa@acme-corp.com/options"]
    assert "business hours menu: key 3 (Transfer To Submenu Languages)" in options.items
    assert "holiday menu: key 1 Transfer To Mailbox 4204" in options.items


def test_without_business_hours_an_always_open_schedule_is_made(staged: Path) -> None:
    found = features(staged)
    munich = found[MUC_AA]
    assert munich.webex["businessSchedule"] == "Always open"
    assert "phoneNumber" not in munich.webex and munich.webex["extension"] == "891500"
    always = found["schedule:acme-ent/acme-muc/Always open"]
    (event,) = always.webex["events"]
    assert event["allDayEnabled"] is True
    assert all(event["recurrence"]["recurWeekly"].values())


def test_the_plan_orders_schedules_then_features_then_attendants(staged: Path) -> None:
    plan = builder.read(staged / "w")
    by_key = {a.key: a for a in plan.actions}
    aa = by_key[f"create_auto_attendant:{MTL_AA}"]
    assert aa.payload["locationId"] == {
        "$ref": "create_location:acme-ent/acme-mtl",
        "field": "locationId",
    }
    assert (
        "create_schedule:schedule:acme-ent/acme-mtl/schedule/Time/Business Hours" in aa.depends_on
    )
    assert f"create_schedule:{HOLIDAYS}@acme-ent/acme-mtl" in aa.depends_on
    assert "add_numbers:acme-ent/acme-mtl" in aa.depends_on
    assert aa.inverse is not None and aa.inverse["type"] == "delete_auto_attendant"
    # The attendant's number is the location's, and no one else's.
    numbers = next(a for a in plan.actions if a.key == "add_numbers:acme-ent/acme-mtl")
    assert "+15145550200" in str(numbers.payload)
    subscribers = [a for a in plan.actions if a.type == "create_subscriber"]
    assert all("+15145550200" not in str(a.payload) for a in subscribers)
    schedule = by_key[f"create_schedule:{HOLIDAYS}@acme-ent/acme-muc"]
    assert schedule.inverse is not None
    assert schedule.inverse["body"] == {"type": "holidays", "name": "Statutory Holidays"}
    assert max(a.ordinal for a in plan.actions if a.type == "create_schedule") < min(
        a.ordinal for a in plan.actions if a.type == "create_auto_attendant"
    )


def _sheet(root: Path, name: str) -> list[dict[str, Any]]:
    book = load_workbook(root / "r" / "review.xlsx", read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def test_review_sheets_list_every_key_and_event(staged: Path) -> None:
    keys = _sheet(staged, "Auto attendants")
    mtl = [r for r in keys if r["Feature ID"] == MTL_AA]
    assert [(r["Menu"], r["Key"]) for r in mtl if r["Menu"] == "business hours"] == [
        ("business hours", "0"),
        ("business hours", "1"),
        ("business hours", "9"),
        ("business hours", "2"),
        ("business hours", "3"),
    ]
    submenu = next(r for r in mtl if r["Key"] == "3")
    assert submenu["Webex action"] == "not migrated"
    assert {r["Menu"] for r in mtl} == {"business hours", "after hours", "holiday"}
    events = _sheet(staged, "Schedules")
    labour = [r for r in events if r["Event"] == "Labour Day"]
    assert {r["Location ID"] for r in labour} == {"acme-ent/acme-mtl", "acme-ent/acme-muc"}
    assert "recurYearlyByWeek" in labour[0]["BroadWorks recurrence"]
