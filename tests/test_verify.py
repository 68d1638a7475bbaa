"""``migrate verify``: Webex read back and compared with the plan, read-only."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from migrate.load import journal as jr
from migrate.load.journal import Journal
from migrate.load.verify import (
    DIFFERENT,
    MISSING,
    UNEXPECTED,
    VerifyResult,
    compare,
    verify,
)
from migrate.load.verify_kinds import KINDS, UNREADABLE, Actual, Expected, Kind
from migrate.plan import builder
from migrate.plan.actions import Action
from migrate.sandbox import Sandbox
from migrate.webex import Webex
from migrate.workspace import VERIFY_RESULT, Workspace
from tests.migration_helpers import common, copy_case, invoke, load, prepare, with_webex

ALICE = "alice.johnson@acme-corp.com"
CAROL = "carol.nguyen@acme-corp.com"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("verify"))


@pytest.fixture
def case(prepared: Path, tmp_path: Path) -> Path:
    return copy_case(prepared, tmp_path / "case")


def run_verify(case: Path, sandbox: Sandbox, **kwargs: object) -> VerifyResult:
    plan = builder.read(case / "w")
    return with_webex(sandbox, lambda webex: verify(case / "w", webex, plan, **kwargs))  # type: ignore[arg-type]


def subscriber_id(sandbox: Sandbox, email: str) -> str:
    return next(
        s.id for s in sandbox.state.subscribers.values() if s.email == email and not s.deleted
    )


def test_a_clean_load_verifies_with_zero_differences_sending_only_reads(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    plan = builder.read(case / "w")
    logged = len(sandbox.app.request_log)
    result = run_verify(case, sandbox)
    assert result.ok, result.differences
    assert result.customers == ["acme-ent"] and result.not_loaded == []
    per_type = Counter(a.type for a in plan.actions)
    assert result.checked["subscriber"] == per_type["create_subscriber"] == 12
    assert result.checked["person"] == 12  # each subscriber's person, read with callingData
    assert result.checked["location"] == 3
    assert result.checked["number"] == sum(
        len(a.payload["body"]["phoneNumbers"]) for a in plan.actions if a.type == "add_numbers"
    )
    assert result.matched == result.checked
    sent = list(sandbox.app.request_log)[logged:]
    assert sent and {method for method, _path, _status in sent} == {"GET"}
    assert result.checked["device"] == result.checked["workspace"] == 0  # none planned here
    assert result.not_compared == []


def test_a_deleted_subscriber_and_a_changed_package_are_exactly_the_differences(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok

    async def tamper(webex: Webex) -> None:
        await webex.wholesale.remove_subscriber(subscriber_id(sandbox, CAROL))
        await webex.wholesale.update_subscriber(
            subscriber_id(sandbox, ALICE), {"packages": ["webex_voice"]}
        )

    with_webex(sandbox, tamper)
    result = run_verify(case, sandbox)
    found = sorted(
        (d.problem, d.kind, d.key, d.field, d.expected, d.actual) for d in result.differences
    )
    assert found == [
        (DIFFERENT, "subscriber", ALICE, "package", "webex_calling", "webex_voice"),
        (MISSING, "subscriber", CAROL, None, None, None),
    ]
    missing = next(d for d in result.differences if d.problem == MISSING)
    assert missing.action == f"create_subscriber:{CAROL}" and missing.journal_state == "succeeded"


def test_changed_extension_lost_number_and_extra_subscriber_are_found(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    alice = sandbox.state.subscribers[subscriber_id(sandbox, ALICE)]
    alice.extension = "9999"  # changed behind the toolkit's back
    carol = sandbox.state.subscribers[subscriber_id(sandbox, CAROL)]
    sandbox.state.numbers[carol.primary_phone_number or ""].owner_id = None

    async def extra(webex: Webex) -> None:
        customer = next(iter(sandbox.state.customers))
        await webex.wholesale.provision_subscriber(
            {
                "customerId": customer,
                "email": "intruder@acme-corp.com",
                "packages": ["webex_calling"],
                "provisioningParameters": {"firstName": "I", "lastName": "N", "extension": "7777"},
            }
        )

    with_webex(sandbox, extra)
    result = run_verify(case, sandbox)
    found = sorted((d.problem, d.kind, d.key, d.field, d.actual) for d in result.differences)
    # Alice's person shows the new extension too; Carol's still names her number (only the
    # inventory lost its owner); the intruder's person is not reported twice.
    assert found == [
        (DIFFERENT, "person", ALICE, "extension", "9999"),
        (DIFFERENT, "subscriber", ALICE, "extension", "9999"),
        (DIFFERENT, "subscriber", CAROL, "number", None),
        (UNEXPECTED, "subscriber", "intruder@acme-corp.com", None, None),
    ]
    # Carol has no number any more: her extension and location cannot be read back, and
    # verify says so instead of pretending it compared them.
    notes = dict(result.not_compared)
    assert "subscriber.extension of 1 objects" in notes
    assert "subscriber.location of 1 objects" in notes


def test_rolled_back_objects_must_be_gone(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    with Journal(case / "w") as journal:
        run = journal.begin_run("rollback", None)
        journal.roll_back(f"create_subscriber:{CAROL}", run)
    result = run_verify(case, sandbox)  # journal says rolled back, Webex still has it
    assert [(d.problem, d.key, d.message) for d in result.differences] == [
        (UNEXPECTED, CAROL, "rolled back, yet still in Webex")
    ]

    async def remove(webex: Webex) -> None:
        await webex.wholesale.remove_subscriber(subscriber_id(sandbox, CAROL))

    with_webex(sandbox, remove)
    assert run_verify(case, sandbox).ok


def test_customers_the_load_never_touched_are_listed_not_failed(case: Path) -> None:
    sandbox = Sandbox()
    plan = builder.read(case / "w")
    with Journal(case / "w") as journal:
        from migrate.load.executor import journal_actions

        journal.record_plan(journal_actions(plan.actions))
    result = run_verify(case, sandbox)
    assert result.ok and result.customers == [] and result.not_loaded == ["acme-ent"]
    with pytest.raises(Exception, match="--select: no customer nope"):
        run_verify(case, sandbox, select=("nope",))


def test_the_table_takes_a_new_kind_and_unreadable_fields_are_counted() -> None:
    kind = Kind("device", "create_device", ("model",), lambda a, p: [], _no_devices)
    unreadable: Counter[str] = Counter()
    diffs, matched = compare(
        "c",
        kind,
        [
            Expected(
                "device", "AA:BB", {"model": "DMS Cisco 8851"}, "create_device:x", jr.SUCCEEDED
            ),
            Expected(
                "device", "CC:DD", {"model": "DMS Cisco 8865"}, "create_device:y", jr.SUCCEEDED
            ),
        ],
        [
            Actual("device", "AA:BB", {"model": "DMS Cisco 8845"}, "d1"),
            Actual("device", "CC:DD", {"model": UNREADABLE}, "d2"),
        ],
        unreadable,
    )
    assert [(d.problem, d.key, d.expected, d.actual) for d in diffs] == [
        (DIFFERENT, "AA:BB", "DMS Cisco 8851", "DMS Cisco 8845")
    ]
    assert matched == 1 and unreadable == {"device.model": 1}
    assert [k.name for k in KINDS] == [
        "customer",
        "location",
        "number",
        "subscriber",
        "person",
        "workspace",
        "device",
    ]


async def _no_devices(back: object) -> list[Actual]:
    return []


def test_cli_verify_writes_the_workbook_and_exits_1_on_differences(case: Path) -> None:
    args = [*common(case), "--sandbox"]
    code, _out, err = invoke("load", *args)
    assert code == 0, err
    code, out, err = invoke("verify", *args)
    assert code == 0, err + out
    assert "0 differences" in out
    state_file = case / "w" / "sandbox-state.json"
    sandbox = Sandbox(state_file=state_file)
    sandbox.state.subscribers[subscriber_id(sandbox, ALICE)].packages = ["webex_voice"]
    sandbox.save()
    code, out, err = invoke("verify", *args, "--json")
    assert code == 1, err
    payload = json.loads(out)
    assert payload["counts"] == {"missing": 0, "unexpected": 0, "different": 1}
    book = openpyxl.load_workbook(case / "r" / "verify.xlsx", read_only=True)
    rows = list(book["Differences"].iter_rows(values_only=True))
    assert rows[1][:7] == (
        "acme-ent",
        "subscriber",
        ALICE,
        "different",
        "package",
        "webex_calling",
        "webex_voice",
    )
    checked = {r[0]: r[1] for r in book["Checked"].iter_rows(values_only=True)}
    assert checked["subscriber"] == 12 and "device" in checked
    kept = Workspace(case / "w").load_result(VERIFY_RESULT)
    assert kept is not None
    saved = VerifyResult.from_dict(kept)
    assert len(saved.differences) == 1


def test_cli_verify_finds_a_deleted_person_and_a_changed_extension(case: Path) -> None:
    args = [*common(case), "--sandbox"]
    code, _out, err = invoke("load", *args)
    assert code == 0, err
    code, out, err = invoke("verify", *args, "--json")
    assert code == 0, err + out
    assert json.loads(out)["checked"]["person"] == 12
    state_file = case / "w" / "sandbox-state.json"
    sandbox = Sandbox(state_file=state_file)
    carol = sandbox.state.subscribers[subscriber_id(sandbox, CAROL)]
    carol.person_deleted = True  # deleted in Control Hub: the Wholesale record stays
    alice = sandbox.state.subscribers[subscriber_id(sandbox, ALICE)]
    planned_extension = alice.extension
    alice.extension = "4321"
    sandbox.save()
    code, out, err = invoke("verify", *args, "--json")
    assert code == 1, err
    payload = json.loads(out)
    assert payload["counts"] == {"missing": 1, "unexpected": 0, "different": 2}
    book = openpyxl.load_workbook(case / "r" / "verify.xlsx", read_only=True)
    rows = sorted(tuple(r[:7]) for r in list(book["Differences"].iter_rows(values_only=True))[1:])
    assert rows == [
        ("acme-ent", "person", ALICE, "different", "extension", planned_extension, "4321"),
        ("acme-ent", "person", CAROL, "missing", None, None, None),
        ("acme-ent", "subscriber", ALICE, "different", "extension", planned_extension, "4321"),
    ]
    missing = next(d for d in payload["differences"] if d["problem"] == "missing")
    assert missing["action"] == f"create_subscriber:{CAROL}"
    assert missing["message"] == "planned person is not in Webex"


def test_person_names_and_primary_number_are_compared(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    alice = sandbox.state.subscribers[subscriber_id(sandbox, ALICE)]
    carol = sandbox.state.subscribers[subscriber_id(sandbox, CAROL)]
    alice.first_name = "Alicia"  # the sandbox's display name follows the first name
    planned_number = carol.primary_phone_number
    # The person's own number; the inventory still names Carol the owner of the planned one.
    carol.primary_phone_number = "+15550000000"
    result = run_verify(case, sandbox)
    found = sorted((d.kind, d.key, d.field, d.expected, d.actual) for d in result.differences)
    assert found == [
        ("person", ALICE, "displayName", "Alice Johnson", "Alicia Johnson"),
        ("person", ALICE, "firstName", "Alice", "Alicia"),
        ("person", CAROL, "number", planned_number, "+15550000000"),
    ]
    assert planned_number and planned_number.startswith("+")


def test_a_person_waiting_for_its_users_consent_is_not_compared_but_said(case: Path) -> None:
    sandbox = Sandbox()
    sandbox.faults.pending_user_migration_emails.add(CAROL)
    load(case, sandbox)  # Carol's subscriber is parked, waiting for her consent
    assert sandbox.state.subscribers[subscriber_id(sandbox, CAROL)].status == (
        "pending_user_migration"
    )
    result = run_verify(case, sandbox)
    assert not [d for d in result.differences if d.kind == "person"], result.differences
    notes = dict(result.not_compared)
    assert "person.extension of 1 objects" in notes and "person.email of 1 objects" in notes
    assert "pending_user_migration" in notes["person.number of 1 objects"]


def test_planned_kinds_without_a_reader_are_listed_as_not_compared(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    plan = builder.read(case / "w")
    plan.actions.append(
        Action(
            "create_device:acme-ent/x",
            "create_device",
            "acme-ent",
            99,
            {"body": {"mac": "AABBCCDDEEFF"}},
        )
    )
    # Without the device and workspace entries of the table:
    without = tuple(k for k in KINDS if k.name not in ("device", "workspace"))
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan, kinds=without))
    notes = dict(result.not_compared)
    assert notes["1 create_device actions"].startswith("loaded by the plan, but verify has no")
    assert not any(what.startswith("devices:") for what in notes)
    assert any(what.startswith("workspaces:") for what in notes)


def test_rolled_back_numbers_are_expected_gone_unless_the_load_adopted_them(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    plan = builder.read(case / "w")
    numbers = next(a for a in plan.actions if a.type == "add_numbers")
    with Journal(case / "w") as journal:
        journal.roll_back(numbers.key, journal.begin_run("rollback", None))
    result = run_verify(case, sandbox)
    assert {(d.problem, d.kind) for d in result.differences} == {(UNEXPECTED, "number")}
    assert len(result.differences) == len(numbers.payload["body"]["phoneNumbers"])
    # Once more from a fresh journal: the load finds everything it did not make and
    # adopts it (a crash no longer does that: what a create of ours made stays ours).
    for name in ("journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm"):
        (case / "w" / name).unlink(missing_ok=True)
    assert load(case, sandbox).ok
    with Journal(case / "w") as journal:
        adopted = journal.get(numbers.key)
        assert adopted is not None and adopted.adopted
        journal.roll_back(numbers.key, journal.begin_run("rollback", None))
    assert run_verify(case, sandbox).ok


def test_workspaces_and_devices_are_compared_when_the_plan_loads_them(tmp_path: Path) -> None:
    root = prepare(tmp_path, everything=True)
    plan = builder.read(root / "w")
    planned = Counter(a.type for a in plan.actions)
    assert planned["create_device"] and planned["create_workspace"]
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    clean = run_verify(root, sandbox)
    assert clean.ok, clean.differences
    assert clean.checked["device"] == planned["create_device"]
    assert clean.checked["workspace"] == planned["create_workspace"]
    assert not any("device" in what or "workspace" in what for what, _ in clean.not_compared)
    device = min(sandbox.state.devices.values(), key=lambda d: d.mac)
    device.product = "Cisco 7841"  # swapped for another phone behind the toolkit's back
    found = [(d.problem, d.kind, d.key, d.field) for d in run_verify(root, sandbox).differences]
    assert found == [(DIFFERENT, "device", device.mac, "model")]


def test_a_listing_webex_refuses_is_reported_not_passed(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    sandbox.script_fault("GET", "/devices", 403, times=5)
    result = run_verify(case, sandbox)
    assert [(d.problem, d.kind) for d in result.differences] == [("unread", "device")]
    assert "could not read devices back" in result.differences[0].message
    assert result.counts()["unread"] == 1 and not result.ok
