"""Load, verify and rollback of schedules and auto attendants on the sandbox, judged by
Cisco's wxc_sdk: every body we send parses into its model for the endpoint (no field it
does not declare), and wxc_sdk reads back the same schedules, events, menus and keys."""

from __future__ import annotations

import asyncio
import datetime
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wxc_sdk.common.schedules import Event, Schedule, ScheduleType
from wxc_sdk.telephony.autoattendant import AutoAttendant, AutoAttendantMenu

from migrate.load import journal as jr
from migrate.load import rollback
from migrate.load.executor import LoadOptions, LoadResult
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.load.verify import DIFFERENT, verify
from migrate.load.verify_features import CALL_FEATURE
from migrate.plan import builder
from migrate.plan.actions import FEATURE_CREATES
from migrate.sandbox import (
    IN_PROCESS_URL,
    SANDBOX_TOKEN,
    Sandbox,
    SandboxConfig,
    ScriptedFault,
    ServedSandbox,
)
from migrate.sandbox import parse_fault_spec as faults
from migrate.webex import Webex
from tests.flows_aa_fixtures import acme_with_flows
from tests.migration_helpers import SAMPLES, load, stage, with_webex
from tests.test_sandbox_wxc_sdk import Recorder, Sent, unknown_fields, wxc

SCHEDULE, ATTENDANT = "create_schedule", "create_auto_attendant"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flows-aa-load")
    acme_with_flows(root / "export", SAMPLES)
    return stage(root, root / "export")


@pytest.fixture(scope="module")
def loaded(
    prepared: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Sandbox, ServedSandbox, list[Sent]]]:
    root = Path(shutil.copytree(prepared, tmp_path_factory.mktemp("loaded") / "case"))
    sandbox = Sandbox()
    recorder = Recorder(sandbox.transport())
    assert load(root, sandbox, recorder).ok
    with sandbox.serve(0) as server:
        yield root, sandbox, server, recorder.sent


def planned(root: Path, action_type: str) -> list[Any]:
    return [a for a in builder.read(root / "w").actions if a.type == action_type]


def text(value: Any) -> str:
    """An enum member of wxc_sdk's models (or the string it keeps) as its value."""
    return str(getattr(value, "value", value))


def features_exactly_once(ws: Path, sandbox: Sandbox) -> None:
    """Every planned schedule and auto attendant exists once, as the journal says."""
    plan = builder.read(ws / "w")
    state = sandbox.state
    with Journal(ws / "w") as journal:
        results = {a.key: a.result for a in journal.actions() if a.result}
    for action_type, table, named in (
        (SCHEDULE, state.schedules, lambda s: (s.location_id, s.type, s.name)),
        (ATTENDANT, state.auto_attendants, lambda a: (a.location_id, a.name)),
    ):
        actions = [a for a in plan.actions if a.type == action_type]
        live = Counter(named(x) for x in table.values())
        assert set(live.values()) <= {1}, live
        assert len(live) == len(actions)
        assert {results[a.key]["id"] for a in actions} == set(table)


def test_features_are_created_once_and_verify_reads_them_back(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    root, sandbox, _server, _sent = loaded
    features_exactly_once(root, sandbox)
    assert len(sandbox.state.schedules) == 4 and len(sandbox.state.auto_attendants) == 2
    plan = builder.read(root / "w")
    result = with_webex(sandbox, lambda webex: verify(root / "w", webex, plan))
    assert [d for d in result.differences if d.kind == CALL_FEATURE] == []
    built = [a for a in plan.actions if a.type in FEATURE_CREATES.values()]
    assert len([a for a in built if a.type in ("create_schedule", "create_auto_attendant")]) == 6
    assert result.checked[CALL_FEATURE] == result.matched[CALL_FEATURE] == len(built)


def test_verify_names_a_menu_key_changed_behind_the_loads_back(
    prepared: Path, tmp_path: Path
) -> None:
    case = Path(shutil.copytree(prepared, tmp_path / "case"))
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    aa = next(a for a in sandbox.state.auto_attendants.values() if a.name == "Réception Montréal")
    aa.settings["businessHoursMenu"]["keyConfigurations"][1]["value"] = "+12125550999"
    schedule = next(s for s in sandbox.state.schedules.values() if s.name == "Business Hours")
    schedule.events[0]["endTime"] = "16:00"
    plan = builder.read(case / "w")
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    found = {(d.key, d.field, d.problem) for d in result.differences if d.kind == CALL_FEATURE}
    assert found == {
        ("auto_attendant:mtl-aa@acme-corp.com", "businessHoursMenu.keyConfigurations", DIFFERENT),
        ("schedule:acme-ent/acme-mtl/schedule/Time/Business Hours", "events", DIFFERENT),
    }


def test_every_body_we_send_parses_into_wxc_sdk(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    _root, _sandbox, _server, sent = loaded
    schedules = [s for s in sent if s.method == "POST" and s.path.endswith("/schedules")]
    attendants = [s for s in sent if s.method == "POST" and s.path.endswith("/autoAttendants")]
    assert len(schedules) == 4 and len(attendants) == 2
    for write in schedules:
        assert set(write.params) == {"orgId"}
        schedule = Schedule.model_validate(write.body)  # raises on a missing required field
        assert unknown_fields(schedule) == [], write.body
        assert schedule.events and all(unknown_fields(e) == [] for e in schedule.events)
    for write in attendants:
        assert set(write.params) == {"orgId"}
        attendant = AutoAttendant.model_validate(write.body)
        assert unknown_fields(attendant) == [], write.body
        for menu in (attendant.business_hours_menu, attendant.after_hours_menu):
            assert isinstance(menu, AutoAttendantMenu) and menu.key_configurations


def test_wxc_sdk_reads_the_same_schedules_events_menus_and_keys(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    root, sandbox, server, _sent = loaded
    plan_schedules = {
        (s.payload["body"]["name"], s.payload["body"]["type"], s.key.rsplit("@", 1)[-1]): s.payload[
            "body"
        ]
        for s in planned(root, SCHEDULE)
    }
    locations = {loc.id: loc for loc in sandbox.state.locations.values()}
    org = next(iter(sandbox.state.orgs))
    with wxc(server) as api:
        seen = 0
        for schedule in sandbox.state.schedules.values():
            listed = list(api.telephony.schedules.list(schedule.location_id, org_id=org))
            assert all(unknown_fields(s) == [] for s in listed)
            detail = api.telephony.schedules.details(
                schedule.location_id, schedule.type, schedule.id, org_id=org
            )
            assert unknown_fields(detail) == [] and all(
                unknown_fields(e) == [] for e in detail.events or []
            )
            wanted = next(
                body
                for (name, kind, _), body in plan_schedules.items()
                if (name, kind) == (detail.name, text(detail.schedule_type))
            )
            events = [
                e.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"event_id"})
                for e in detail.events or []
            ]
            for got, want in zip(events, wanted["events"], strict=True):
                assert got["name"] == want["name"] and got["startDate"] == want["startDate"]
                assert got.get("startTime") == want.get("startTime")
                recurrence = dict(got.get("recurrence", {}))
                for k, v in want.get("recurrence", {}).items():
                    if isinstance(v, dict):
                        assert {n: recurrence[k][n] for n in v} == v
                    else:
                        assert recurrence[k] == v
            seen += 1
        assert seen == 4
        attendants = list(api.telephony.auto_attendant.list(org_id=org))
        assert {a.name for a in attendants} == {"Réception Montréal", "Zentrale"}
        for listed in attendants:
            assert listed.location_id in locations
            detail = api.telephony.auto_attendant.details(
                listed.location_id, listed.auto_attendant_id, org_id=org
            )
            assert unknown_fields(detail) == []
            (wanted,) = [
                a.payload["body"]
                for a in planned(root, ATTENDANT)
                if a.payload["body"]["name"] == detail.name
            ]
            assert detail.business_schedule == wanted["businessSchedule"]
            assert detail.holiday_schedule == wanted.get("holidaySchedule")
            for menu, name in (
                (detail.business_hours_menu, "businessHoursMenu"),
                (detail.after_hours_menu, "afterHoursMenu"),
            ):
                assert menu is not None
                keys = [(text(k.key), text(k.action), k.value) for k in menu.key_configurations]
                assert keys == [
                    (k["key"], k["action"], k.get("value"))
                    for k in wanted[name]["keyConfigurations"]
                ]


def test_the_sandbox_takes_wxc_sdk_writes(
    loaded: tuple[Path, Sandbox, ServedSandbox, list[Sent]],
) -> None:
    _root, sandbox, server, _sent = loaded
    org = next(iter(sandbox.state.orgs))
    location = next(s.location_id for s in sandbox.state.schedules.values())
    with wxc(server) as api:
        schedule = Schedule(name="wxc hours", schedule_type=ScheduleType.business_hours)  # type: ignore[call-arg]
        schedule.events = [
            Event.day_start_end(
                name="Mon", day=datetime.date(2025, 1, 6), start_time=9, end_time=17
            )
        ]
        schedule_id = api.telephony.schedules.create(location, schedule, org_id=org)
        settings = AutoAttendant.create(
            name="wxc aa", business_schedule="wxc hours", extension="7788"
        )
        aa_id = api.telephony.auto_attendant.create(location, settings, org_id=org)
        read = api.telephony.auto_attendant.details(location, aa_id, org_id=org)
        assert read.business_schedule == "wxc hours" and read.extension == "7788"
        api.telephony.auto_attendant.delete_auto_attendant(location, aa_id, org_id=org)
        api.telephony.schedules.delete_schedule(
            location, ScheduleType.business_hours, schedule_id, org_id=org
        )
    assert schedule_id not in sandbox.state.schedules and aa_id not in sandbox.state.auto_attendants


def test_rollback_removes_the_features_before_what_they_use(prepared: Path, tmp_path: Path) -> None:
    case = Path(shutil.copytree(prepared, tmp_path / "case"))
    sandbox = Sandbox()
    assert load(case, sandbox).ok

    # Webex refuses to delete a schedule an attendant uses (409), or a number one holds:
    # only the right order empties the sandbox.
    async def undo(webex: Webex) -> rollback.RollbackResult:
        with Journal(case / "w") as journal:
            steps = rollback.choose(journal, customer="acme-ent")
            return await rollback.execute(webex, journal, steps)

    result = with_webex(sandbox, undo)
    assert not result.failed
    assert sandbox.state.schedules == {} and sandbox.state.auto_attendants == {}
    deletes = [m_p for m_p in sandbox.app.request_log if m_p[0] == "DELETE"]
    order = [path for _m, path, _s in deletes]
    first_aa = min(i for i, p in enumerate(order) if "/autoAttendants/" in p)
    last_aa = max(i for i, p in enumerate(order) if "/autoAttendants/" in p)
    schedules = [i for i, p in enumerate(order) if "/schedules/" in p]
    subscribers = [i for i, p in enumerate(order) if "/wholesale/subscribers/" in p]
    assert schedules and subscribers and first_aa >= 0
    assert last_aa < min(schedules) and max(schedules) < min(subscribers)
    with Journal(case / "w") as journal:
        states = {a.key: a.state for a in journal.actions() if a.type in (SCHEDULE, ATTENDANT)}
    assert set(states.values()) == {jr.ROLLED_BACK}


async def _no_wait(seconds: float) -> None:
    return None


def test_faults_leave_every_feature_created_exactly_once(prepared: Path, tmp_path: Path) -> None:
    """429s, 5xx and dropped answers (a create Webex made but whose answer was lost):
    the lookup before a repeated create finds it, so nothing is made twice."""
    case = Path(shutil.copytree(prepared, tmp_path / "case"))
    config = faults("429=0.08,5xx=0.05,timeout=0.02,seed=5")
    # Lost answers of creates Webex made: the ambiguous case a blind repeat would double.
    config.scripted += [
        ScriptedFault("POST", r".*/schedules", 0, times=2, commit=True),
        ScriptedFault("POST", r".*/autoAttendants", 0, times=1, commit=True),
    ]
    sandbox = Sandbox(SandboxConfig(faults=config))

    async def go() -> LoadResult:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport(), sleep=_no_wait
        ) as webex:
            return await run_load(
                case / "w",
                webex,
                builder.read(case / "w"),
                options=LoadOptions(poll_interval=0.001, backoff_s=0.0, concurrency=4),
            )

    asyncio.run(asyncio.wait_for(go(), timeout=120))
    features = ("/schedules", "/autoAttendants")
    log = Counter(
        status
        for _m, path, status in sandbox.app.request_log
        if features[0] in path or features[1] in path
    )
    assert log[0] >= 3, log
    assert len(sandbox.app.request_log) < 2000
    with Journal(case / "w") as journal:
        states = {a.key: a.state for a in journal.actions() if a.type in (SCHEDULE, ATTENDANT)}
    assert len(states) == 6 and set(states.values()) == {jr.SUCCEEDED}
    features_exactly_once(case, sandbox)
