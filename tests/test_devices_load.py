"""Workspaces and devices exist exactly once after a load, a resumed load and a lost
answer; rollback's inverses remove exactly what the load created."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrate.load import journal as jr
from migrate.load import rollback
from migrate.load.executor import Executor, LoadOptions, LoadResult, Undo
from migrate.load.handlers.device import MAC_IN_USE
from migrate.load.handlers.workspace import NO_LICENCE
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.plan.actions import DELETE_DEVICE, DELETE_WORKSPACE
from migrate.plan.builder import Plan
from migrate.reports.devices_report import write_devices_report
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.sandbox.state import Device, license_id
from migrate.webex import Webex
from tests.test_load import CONFIG, SAMPLES, invoke

WORKSPACE_KEY = "create_workspace:lobby.phone@acme-corp.com"
HARDWARE_INVERSES = {DELETE_DEVICE, DELETE_WORKSPACE}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("devices-load")
    (root / "migrate.toml").write_text(CONFIG)
    for stage in (["extract", str(SAMPLES / "acme-enterprise")], ["map"], ["plan"]):
        code, _out, err = invoke(
            stage[0],
            "-w",
            str(root / "w"),
            "--reports",
            str(root / "r"),
            "--config",
            str(root / "migrate.toml"),
            *stage[1:],
        )
        assert code == 0, err
    return root


@pytest.fixture
def workspace(prepared: Path, tmp_path: Path) -> Iterator[Path]:
    shutil.copytree(prepared, tmp_path / "case")
    yield tmp_path / "case" / "w"


def webex_for(sandbox: Sandbox) -> Webex:
    return Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport())


def load(ws: Path, sandbox: Sandbox, command: str = "load", plan: Plan | None = None) -> LoadResult:
    async def go() -> LoadResult:
        async with webex_for(sandbox) as webex:
            return await run_load(
                ws,
                webex,
                plan or builder.read(ws),
                command=command,
                options=LoadOptions(poll_interval=0.001, backoff_s=0.0),
            )

    return asyncio.run(go())


def planned_devices(ws: Path) -> dict[str, dict[str, Any]]:
    """MAC → the planned body, for every create_device of the plan."""
    return {
        a.payload["body"]["mac"]: a.payload["body"]
        for a in builder.read(ws).actions
        if a.type == "create_device"
    }


def hardware(sandbox: Sandbox) -> dict[str, Any]:
    state = sandbox.state
    people = {s.person_id: s.email for s in state.subscribers.values() if not s.deleted}
    places = {w.id: w.display_name for w in state.workspaces.values()}
    return {
        "devices": Counter(
            (d.mac, d.model, people.get(d.person_id or ""), places.get(d.workspace_id or ""))
            for d in state.devices.values()
        ),
        "workspaces": Counter(
            (w.display_name, w.phone_number, w.extension) for w in state.workspaces.values()
        ),
    }


EXPECTED_DEVICES = {
    ("6C710D8A51F2", "DMS Cisco 8851", "alice.johnson@acme-corp.com", None),
    ("70B317A4C865", "DMS Cisco 8865", "bob.martinez@acme-corp.com", None),
    ("5C5015B8F8C0", "DMS Cisco 8845", "frontdesk@acme-corp.com", None),  # Grace
    ("F4CFE2A1B2C3", "DMS Cisco 7841", None, "Lobby Phone"),
    ("00562B043615", "DMS Cisco 8841", "jean-philippe.cote@acme-corp.com", None),
    ("0004F2ABCDEF", "DMS Polycom VVX 400", "francois.lefevre@acme-corp.com", None),
    ("7C2A31A1B2C3", "DMS Cisco 192", "zoe.tremblay@acme-corp.com", None),
    ("000B82A1B2C3", "Generic IPPhone Customer Managed", "anna.schmidt@acme-corp.com", None),
    ("805EC0568966", "Generic IPPhone Customer Managed", "juergen.mueller@acme-corp.com", None),
}


def test_devices_and_the_workspace_are_created_exactly_once(workspace: Path) -> None:
    sandbox = Sandbox()
    result = load(workspace, sandbox)
    assert result.ok, result.counts
    found = hardware(sandbox)
    assert set(found["devices"]) == EXPECTED_DEVICES
    assert set(found["devices"].values()) == {1}
    assert set(planned_devices(workspace)) == {mac for mac, *_ in found["devices"]}
    assert found["workspaces"] == Counter({("Lobby Phone", "+12125550110", "4110"): 1})
    (lobby,) = sandbox.state.workspaces.values()
    assert lobby.calling_type == "webexCalling" and lobby.supported_devices == "phones"
    customer = next(iter(sandbox.state.customers.values()))
    assert lobby.licenses == [license_id(customer.org_id, "common_area_calling")]
    # The place is a workspace, never a subscriber.
    assert not any(s.email.startswith("lobby") for s in sandbox.state.subscribers.values())
    # Henry's phone stays on BroadWorks: his duplicate email blocks him.
    assert "6C710D8A51F3" not in {d.mac for d in sandbox.state.devices.values()}
    again = load(workspace, sandbox)
    assert again.customers == [] and hardware(sandbox) == found


def test_a_resumed_load_finds_instead_of_duplicating_and_keeps_them_ours(
    workspace: Path,
) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    before = hardware(sandbox)
    # The process died right after sending: every device and workspace is `started` again.
    with Journal(workspace) as journal:
        run = journal.begin_run("load", None)
        for action in journal.actions():
            if action.type in ("create_device", "create_workspace"):
                journal.start(action.key, run)
    result = load(workspace, sandbox, command="retry")
    assert result.ok, result.counts
    assert hardware(sandbox) == before
    with Journal(workspace) as journal:
        hw = [a for a in journal.actions() if a.type in ("create_device", "create_workspace")]
    # Found by lookup, yet ours: the journal says a create was sent for each.
    assert len(hw) == 10 and all(not a.adopted and a.state == jr.SUCCEEDED for a in hw)


def test_a_lost_answer_is_looked_up_not_repeated(workspace: Path) -> None:
    sandbox = Sandbox()
    # Webex does the work, the answer never arrives: the loader must look before retrying.
    sandbox.script_fault("POST", "/workspaces", 0, commit=True)
    sandbox.script_fault("POST", "/devices", 0, times=3, commit=True)
    result = load(workspace, sandbox)
    assert result.ok, result.counts
    found = hardware(sandbox)
    assert set(found["devices"]) == EXPECTED_DEVICES and set(found["devices"].values()) == {1}
    assert sum(found["workspaces"].values()) == 1
    posts = Counter(
        path.rsplit("/", 1)[-1]
        for method, path, _s in sandbox.app.request_log
        if method == "POST" and path.endswith(("/devices", "/workspaces"))
    )
    assert posts == {"devices": 9, "workspaces": 1}  # none repeated after a lost answer
    with Journal(workspace) as journal:
        adopted = {a.key for a in journal.actions() if a.adopted}
        sent = journal.created_keys()
        lost = journal.creates_sent(WORKSPACE_KEY)
    # What the lost answers made is ours, not adopted: rollback removes it.
    assert adopted == set()
    assert WORKSPACE_KEY in sent and len(lost) == 1
    assert sum(k.startswith("create_device:") for k in sent) == 9


def test_a_refused_create_makes_nothing_ours(workspace: Path) -> None:
    sandbox = Sandbox()
    # Webex says no to the first device, yet the device exists (someone else made it).
    sandbox.script_fault("POST", "/devices", 409, commit=True)
    first = load(workspace, sandbox)
    with Journal(workspace) as journal:
        (refused,) = [a for a in journal.actions() if a.state == jr.FAILED]
        assert journal.creates_sent(refused.key) == []
        assert refused.key not in journal.created_keys()
    assert refused.type == "create_device" and first.counts[jr.FAILED] == 1
    again = load(workspace, sandbox, command="retry")
    assert again.ok, again.counts
    with Journal(workspace) as journal:
        action = journal.get(refused.key)
        steps = rollback.choose(journal, customer="acme-ent")
    assert action is not None and action.state == jr.SUCCEEDED and action.adopted
    assert refused.key not in {s.key for s in steps}  # not ours: rollback leaves it


def test_rollback_removes_exactly_the_devices_and_workspaces_it_created(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    customer = next(iter(sandbox.state.customers.values()))
    person = next(
        s.person_id
        for s in sandbox.state.subscribers.values()
        if s.email == "bob.martinez@acme-corp.com"
    )
    # A phone someone added by hand in Control Hub: not ours, must survive.
    sandbox.state.devices["manual"] = Device(
        "manual",
        customer.org_id,
        "AABBCCDDEEFF",
        "DMS Cisco 8851",
        "Cisco 8851",
        "2026-01-01",
        person_id=person,
    )

    async def undo() -> list[str]:
        with Journal(workspace) as journal:
            steps = [
                s
                for s in rollback.choose(journal, customer="acme-ent")
                if s.inverse_type in HARDWARE_INVERSES
            ]
            inverses = {a.key: a.inverse or {} for a in journal.actions()}
            undos = [Undo(s.key, s.inverse_type, inverses[s.key]) for s in steps]
            async with webex_for(sandbox) as webex:
                executor = Executor(webex, journal, journal.begin_run("rollback", None))
                first = await executor.undo(undos)  # newest first, as rollback runs them
                # Twice: an inverse that already happened is not an error.
                second = await executor.undo(undos)
            assert not first.failed and not second.failed, (first.failed, second.failed)
            assert first.done == second.done == [s.key for s in steps]
            return [s.key for s in steps]

    undone = asyncio.run(undo())
    assert len(undone) == 10
    assert WORKSPACE_KEY in undone
    assert list(sandbox.state.devices) == ["manual"]
    assert sandbox.state.workspaces == {}
    assert sandbox.state.numbers["+12125550110"].owner_id is None  # the lobby number is free
    assert len([s for s in sandbox.state.subscribers.values() if not s.deleted]) == 12


def test_the_whole_rollback_of_a_customer_includes_devices(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)

    async def undo() -> rollback.RollbackResult:
        with Journal(workspace) as journal:
            steps = rollback.choose(journal, customer="acme-ent")
            async with webex_for(sandbox) as webex:
                return await rollback.execute(webex, journal, steps)

    result = asyncio.run(undo())
    assert not result.failed, result.failed
    assert {k.split(":")[0] for k in result.done} >= {"create_device", "create_workspace"}
    assert sandbox.state.devices == {} and sandbox.state.workspaces == {}


def test_adopted_devices_are_never_rolled_back(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    again = workspace.parent / "again"
    shutil.copytree(workspace, again)
    for name in ("journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm"):
        (again / name).unlink(missing_ok=True)
    load(again, sandbox)
    with Journal(again) as journal:
        steps = rollback.choose(journal, customer="acme-ent")
    assert [s for s in steps if s.inverse_type in HARDWARE_INVERSES] == []


def test_a_mac_on_someone_else_fails_and_is_not_adopted(workspace: Path) -> None:
    sandbox = Sandbox()
    load(workspace, sandbox)
    bob = next(
        s.person_id
        for s in sandbox.state.subscribers.values()
        if s.email == "bob.martinez@acme-corp.com"
    )
    alice_phone = next(d for d in sandbox.state.devices.values() if d.mac == "6C710D8A51F2")
    alice_phone.person_id = bob
    key = "create_device:acme-ent/acme-hq/hq-alice-8851"
    with Journal(workspace) as journal:
        journal.start(key, journal.begin_run("load", None))
    load(workspace, sandbox, command="retry")
    with Journal(workspace) as journal:
        action = journal.get(key)
    assert action is not None and action.state == jr.FAILED
    assert action.error_code == MAC_IN_USE and action.error_kind == "terminal"
    assert "6C710D8A51F2" in (action.error_message or "")


def test_a_customer_without_the_common_area_licence_fails_the_workspace(workspace: Path) -> None:
    plan = builder.read(workspace)
    plan.actions[:] = [
        dataclasses.replace(a, payload={**a.payload, "licensePackage": "no_such_package"})
        if a.key == WORKSPACE_KEY
        else a
        for a in plan.actions
    ]
    sandbox = Sandbox()
    result = load(workspace, sandbox, plan=plan)
    with Journal(workspace) as journal:
        action = journal.get(WORKSPACE_KEY)
        lobby_phone = journal.get("create_device:acme-ent/acme-hq/hq-lobby-7841")
    assert action is not None and action.error_code == NO_LICENCE
    assert lobby_phone is not None and lobby_phone.state == jr.SKIPPED
    assert sandbox.state.workspaces == {} and result.counts[jr.FAILED] == 1


def test_the_device_move_sheet(workspace: Path, tmp_path: Path) -> None:
    import openpyxl

    before = write_devices_report(workspace, tmp_path / "planned.xlsx")
    assert not (workspace / "journal.sqlite").exists()  # reading never creates a journal
    load(workspace, Sandbox())
    after = write_devices_report(workspace, tmp_path / "devices.xlsx")

    def rows(path: Path) -> dict[str, dict[str, Any]]:
        sheet = openpyxl.load_workbook(path, read_only=True)["Devices"]
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        return {
            r[header.index("BroadWorks device")]: dict(zip(header, r, strict=True))
            for r in values[1:]
        }

    planned, loaded = rows(before), rows(after)
    assert len(planned) == len(loaded) == 13  # one row per BroadWorks device
    assert planned["hq-bob-8865"]["Status"] == "planned"
    assert planned["hq-bob-8865"]["Webex device id"] is None
    bob = loaded["hq-bob-8865"]
    assert bob["Status"] == "created" and bob["Webex device id"]
    assert bob["MAC"] == "70B317A4C865" and bob["Webex model"] == "DMS Cisco 8865"
    assert bob["Owner (BroadWorks user)"] == "bob.martinez@acme-corp.com"
    assert "Factory-reset" in bob["What to do"] and "BroadWorks" in bob["What to do"]
    assert "SIP credentials" in loaded["muc-juergen-t46u"]["What to do"]
    assert loaded["hq-carol-pc"]["Status"] == "not migrated"
    assert "Webex App" in loaded["hq-carol-pc"]["What to do"]
    assert loaded["hq-henry-8851"]["Status"] == "left alone"
    assert "grace.lee@acme-corp.com" in loaded["hq-alice-8851"]["What to do"]  # shared line
    assert loaded["hq-lobby-7841"]["Owner kind"] == "workspace"
    sheet = openpyxl.load_workbook(after, read_only=True)["Workspaces"]
    (ws_row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ws_row[3] == "Lobby Phone" and ws_row[8] == "created" and ws_row[7]
