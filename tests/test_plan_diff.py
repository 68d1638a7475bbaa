"""The plan as a difference: review edits after a load become updates and removals,
rollback puts the previous values back, a load after a rollback creates again."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from migrate.load.dryrun import dry_run
from migrate.load.executor import LoadOptions
from migrate.load.journal import Journal
from migrate.load.runner import run_load
from migrate.plan import builder
from migrate.plan.actions import Action, ref
from migrate.plan.diff import Known, counts, diff
from migrate.plan.planfile import open_plan
from migrate.reports.plan_report import write_plan_file_report, write_plan_report
from migrate.reports.rebuild import done_states
from migrate.sandbox import Sandbox
from migrate.sandbox.lifecycle import end_subscriber
from migrate.sandbox.state import SandboxState
from migrate.stages import session
from migrate.stages.plan import known
from migrate.workspace import Workspace
from tests.migration_helpers import GROUP_CONFIG, SAMPLES, common, invoke, stage
from tests.test_dryrun import Recorder, opener

CUSTOMER = "acme-ent"
ALICE, DAVE, CAROL, BOB = (
    f"{name}@acme-corp.com"
    for name in ("alice.johnson", "dave.okafor", "carol.nguyen", "bob.martinez")
)
HQ, MTL = "acme-ent/acme-hq", "acme-ent/acme-mtl"
CAROL_NUMBER = "+12125550103"
EDITS = {
    (ALICE, "Package"): "webex_suite",
    (DAVE, "Extension"): "4199",
    (CAROL, "Location"): MTL,
    (BOB, "Skip"): "yes",
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acme sample, extracted, mapped, planned and loaded into the workspace's sandbox."""
    root = stage(tmp_path_factory.mktemp("loaded"), SAMPLES / "acme-enterprise")
    code, out, err = invoke("load", *common(root), "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out + err
    return root


@pytest.fixture
def case(loaded: Path, tmp_path: Path) -> Path:
    shutil.copytree(loaded, tmp_path / "case")
    return tmp_path / "case"


def cli(root: Path, *args: str) -> tuple[int, str]:
    code, out, err = invoke(args[0], *common(root), *args[1:])
    return code, out + err


def review(root: Path) -> None:
    """Edit review.xlsx as the engineer does, then map again with it as overrides."""
    book = openpyxl.load_workbook(root / "r" / "review.xlsx")
    sheet = book["Subscribers"]
    header = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for (user, column), value in EDITS.items():
        sheet.cell(rows[user], header.index(column) + 1).value = value
    book.save(root / "reviewed.xlsx")
    code, out = cli(root, "map", "--overrides", str(root / "reviewed.xlsx"))
    assert code == 0 and "overrides: 4 applied, 0 refused" in out, out


def sandbox_state(root: Path) -> SandboxState:
    return SandboxState.load(Workspace(root / "w").sandbox_state)


def people(root: Path) -> dict[str, Any]:
    state = sandbox_state(root)
    return {s.email: s for s in state.subscribers.values() if not s.deleted}


def location_names(root: Path) -> dict[str, str]:
    return {loc.id: loc.name for loc in sandbox_state(root).locations.values()}


def changes_sheet(root: Path) -> set[tuple[Any, ...]]:
    book = openpyxl.load_workbook(root / "r" / "plan.xlsx", read_only=True)
    rows = list(book["Changes"].iter_rows(values_only=True))
    header = rows[0]
    pick = [header.index(c) for c in ("Key", "Change", "Field", "Old value", "New value")]
    return {tuple(row[i] for i in pick) for row in rows[1:]}


def test_review_edits_are_planned_as_exactly_their_changes_and_verify_after_load(
    case: Path,
) -> None:
    review(case)
    code, out = cli(case, "plan")
    assert code == 0, out
    plan = builder.read(case / "w")
    assert counts(plan.changes) == {
        # Alice's new package is a package the customer did not have yet.
        "customer": {"create": 0, "update": 1, "remove": 0, "unchanged": 0},
        "location": {"create": 0, "update": 0, "remove": 0, "unchanged": 2},
        # Carol's number moves with her from New York to Montréal.
        "numbers": {"create": 0, "update": 2, "remove": 0, "unchanged": 1},
        "subscriber": {"create": 0, "update": 3, "remove": 1, "unchanged": 8},
        "workspace": {"create": 0, "update": 0, "remove": 0, "unchanged": 1},
        "device": {"create": 0, "update": 0, "remove": 1, "unchanged": 8},
    }
    assert "  subscriber  + 0 create  ~ 3 update  - 1 remove  = 8 unchanged" in out
    rows = changes_sheet(case)
    assert (ALICE, "update", "package", "webex_calling", "webex_suite") in rows
    assert (DAVE, "update", "extension", "4104", "4199") in rows
    assert (CAROL, "update", "location", HQ, MTL) in rows
    assert (BOB, "remove", "package", "webex_voice", None) in rows
    moved = {r for r in rows if r[0] in (HQ, MTL)}
    assert {(r[0], r[1], r[2]) for r in moved} == {
        (HQ, "update", "phoneNumbers"),
        (MTL, "update", "phoneNumbers"),
    }
    assert {(r[0], r[3], r[4]) for r in moved} == {
        (HQ, CAROL_NUMBER, None),
        (MTL, None, CAROL_NUMBER),
    }

    # Without --prune: the changes, and Bob (skipped) is left alone.
    code, out = cli(case, "load", "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out
    found, names = people(case), location_names(case)
    assert found[ALICE].packages == ["webex_suite"]
    assert found[DAVE].extension == "4199"
    assert names[found[CAROL].location_id] == "Acme Montréal"
    assert found[CAROL].primary_phone_number == CAROL_NUMBER
    number = sandbox_state(case).numbers[CAROL_NUMBER]
    assert names[number.location_id] == "Acme Montréal"
    assert BOB in found
    code, out = cli(case, "verify", "--sandbox")
    assert code == 1, out
    assert "2 differences (2 unexpected)" in out and f"unexpected subscriber {BOB}" in out

    # The plan now holds only what --prune would do; with it, Bob and his phone go.
    code, out = cli(case, "plan")
    assert "  subscriber  + 0 create  ~ 0 update  - 1 remove  = 11 unchanged" in out, out
    code, out = cli(case, "load", "--sandbox", "--prune", "--poll-interval", "0.001")
    assert code == 0, out
    assert BOB not in people(case)
    code, out = cli(case, "plan")
    assert "  subscriber  + 0 create  ~ 0 update  - 0 remove  = 11 unchanged" in out, out
    code, out = cli(case, "verify", "--sandbox")
    assert code == 0 and "; 0 differences" in out, out


def test_rollback_of_an_update_puts_the_previous_values_back(case: Path) -> None:
    before, names = people(case), location_names(case)
    packages_before = next(iter(sandbox_state(case).customers.values())).packages
    review(case)
    assert cli(case, "plan")[0] == 0
    code, out = cli(case, "load", "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out
    with Journal(case / "w") as journal:
        run = journal.runs()[-1]["run_id"]
    assert people(case)[DAVE].extension == "4199"
    code, out = cli(case, "rollback", "--sandbox", "--run", str(run), "--yes")
    assert code == 0 and "4 undone, 0 failed" in out, out
    after = people(case)
    for email in (ALICE, DAVE, CAROL):
        old, new = before[email], after[email]
        assert (new.packages, new.extension, new.location_id, new.primary_phone_number) == (
            old.packages,
            old.extension,
            old.location_id,
            old.primary_phone_number,
        ), email
    assert names[after[CAROL].location_id] == "Acme HQ New York"
    assert sandbox_state(case).numbers[CAROL_NUMBER].location_id == before[CAROL].location_id
    assert next(iter(sandbox_state(case).customers.values())).packages == packages_before
    # The rolled-back changes are planned again, under new keys.
    code, out = cli(case, "plan")
    assert "  subscriber  + 0 create  ~ 3 update  - 1 remove  = 8 unchanged" in out, out


def test_a_load_after_a_rollback_creates_every_object_again_exactly_once(case: Path) -> None:
    planned = builder.read(case / "w")
    creates = [a for a in planned.actions if a.type.startswith(("create_", "add_"))]
    code, out = cli(case, "rollback", "--sandbox", "--customer", CUSTOMER, "--yes")
    assert code == 0, out
    assert not people(case)
    # Nothing failed: retry has nothing to do; what was rolled back is the plan's again.
    code, out = cli(case, "retry", "--sandbox")
    assert code == 0 and out.startswith("retry: nothing to do"), out
    code, out = cli(case, "plan")
    assert "  subscriber  + 12 create  ~ 0 update  - 0 remove  = 0 unchanged" in out, out
    code, out = cli(case, "load", "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out
    state = sandbox_state(case)
    live = [c for c in state.customers.values() if c.status != "deleted"]
    assert [c.external_id for c in live] == [CUSTOMER]
    assert sorted(people(case)) == sorted(
        str(a.payload["body"]["email"]) for a in creates if a.type == "create_subscriber"
    )
    assert len([w for w in state.workspaces.values()]) == 1
    with Journal(case / "w") as journal:
        states = {a.key: a.state for a in journal.actions()}
        last = journal.runs()[-1]["run_id"]
        recreated = {e["key"] for e in journal.events() if e["run_id"] == last}
    assert {a.key for a in creates} <= recreated
    assert all(states[a.key] == "succeeded" for a in creates)
    # And only once: the next load has nothing to do.
    code, out = cli(case, "load", "--sandbox")
    assert (code, out.splitlines()[0]) == (0, "load: nothing to do"), out


def test_the_dry_run_of_an_update_plan_lists_exactly_what_the_load_sends(case: Path) -> None:
    review(case)
    assert cli(case, "plan")[0] == 0
    workspace = case / "w"
    plan = builder.read(workspace)
    sandbox = Sandbox(state_file=Workspace(workspace).sandbox_state)
    options = LoadOptions(poll_interval=0.001, concurrency=1)
    rehearsal = asyncio.run(dry_run(workspace, plan, opener(sandbox), options=options, prune=True))
    recorder = Recorder(sandbox.transport())

    async def real() -> None:
        from_sandbox = opener(sandbox)(lambda _inner: recorder)
        async with from_sandbox as webex:
            await run_load(workspace, webex, plan, options=options, prune=True)

    asyncio.run(real())
    sent = [(method, path.split("/v1", 1)[1], body) for method, path, body in recorder.writes]
    rehearsed = [(r.method, r.path.split("/v1", 1)[1], r.body) for r in rehearsal.recorded]
    assert rehearsed == sent
    assert {m for m, _p, _b in sent} == {"PUT", "DELETE", "POST"}  # POST: Carol's number moves
    assert sum(1 for m, p, _b in sent if m == "DELETE" and "/wholesale/subscribers/" in p) == 1


class _ReviewedSandbox(Sandbox):
    """The workspace's sandbox, where Cisco's compliance review holds the customer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.faults.customer_state_by_external_id[CUSTOMER] = "pending_rpl_review"


def test_a_load_whose_actions_all_end_parked_exits_1_and_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise")
    monkeypatch.setattr(session, "Sandbox", _ReviewedSandbox)
    code, out = cli(root, "load", "--sandbox", "--poll-interval", "0.001")
    with Journal(root / "w") as journal:
        states = {a.state for a in journal.actions()}
        parked = len(journal.actions(states=["parked"]))
    assert states == {"parked", "succeeded"}  # the create went out; the rest waits
    assert code == 1, out
    assert f"not done: {parked} parked" in out, out


def test_retry_with_nothing_to_do_leaves_the_workbook_untouched(case: Path) -> None:
    report = case / "r" / "load.xlsx"
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    with Journal(case / "w") as journal:
        runs = len(journal.runs())
    code, out = cli(case, "retry", "--sandbox")
    assert code == 0 and "retry: nothing to do" in out, out
    assert hashlib.sha256(report.read_bytes()).hexdigest() == digest
    with Journal(case / "w") as journal:
        assert len(journal.runs()) == runs
    data = json.loads(invoke("retry", *common(case), "--sandbox", "--json")[1])
    assert data["nothing_to_do"] is True and data["report"] is None


def test_status_shows_batches_and_retry_takes_up_one_batch_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = stage(tmp_path, SAMPLES / "metro-sp-group-mode", GROUP_CONFIG)
    customers = sorted({a.customer for a in builder.read(root / "w").actions})
    assert len(customers) >= 2, customers
    first, second = customers[0], customers[1]

    class Reviewed(Sandbox):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.faults.customer_state_by_external_id[second] = "pending_rpl_review"

    monkeypatch.setattr(session, "Sandbox", Reviewed)
    for customer in (first, second):
        code, out = cli(root, "load", "--sandbox", "--select", customer, "--poll-interval", "0")
        assert code == (0 if customer == first else 1), out
    monkeypatch.undo()
    data = json.loads(invoke("status", *common(root), "--json")[1])
    assert data["batches"]["1"]["customers"] == [first]
    assert data["batches"]["2"]["customers"] == [second]
    assert set(data["batches"]["1"]["states"]) == {"succeeded"}
    assert "parked" in data["batches"]["2"]["states"]
    code, out = cli(root, "status")
    assert f"batch 2: {second} (" in out, out

    code, out = cli(root, "retry", "--sandbox", "--batch", "1")
    assert code == 0 and out.startswith("retry: nothing to do"), out
    sandbox = Sandbox(state_file=Workspace(root / "w").sandbox_state)
    customer_id = next(c.id for c in sandbox.state.customers.values() if c.external_id == second)
    sandbox.resolve_rpl_review(customer_id)
    sandbox.save()
    code, out = cli(root, "retry", "--sandbox", "--batch", "2", "--poll-interval", "0")
    assert code == 0, out
    with Journal(root / "w") as journal:
        assert {a.state for a in journal.actions(customer=second)} == {"succeeded"}
        last = journal.runs()[-1]
    assert last["command"] == "retry"
    assert "1 customers" in out
    code, out = cli(root, "retry", "--sandbox", "--batch", "9")
    assert code == 2 and "no batch 9" in out, out


def _rewrite(root: Path, entity: str, change: Any) -> None:
    """Edit one model file in place, as a later `map` would have written it."""
    path = root / "w" / "model" / f"{entity}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records = change(records)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def test_locations_workspaces_numbers_and_customers_are_updated_and_rolled_back(
    case: Path,
) -> None:
    new_number = "+15145550299"

    def rename(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in records:
            if r["id"] == MTL:
                r["name"] = "Acme Montréal Centre"
            if r["id"] == "lobby.phone@acme-corp.com":
                r["name"] = "Front Lobby"
            if r["id"] == CUSTOMER:
                r["name"] = "Acme Renamed Inc."
        return records

    def add_number(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        extra = dict(next(r for r in records if r["location_id"] == MTL))
        extra.update(
            id=new_number,
            phone_number=new_number,
            assigned_to=None,
            assignment="unassigned",
            bw_key={"phone_number": new_number},
        )
        return [*records, extra]

    for entity in ("locations", "workspaces", "customers"):
        _rewrite(case, entity, rename)
    _rewrite(case, "numbers", add_number)
    code, out = cli(case, "plan")
    assert code == 0, out
    plan = builder.read(case / "w")
    changed = {
        entity: {op: n for op, n in row.items() if n and op != "unchanged"}
        for entity, row in counts(plan.changes).items()
    }
    assert changed == {
        "customer": {},  # its name is the Wholesale API's to keep: listed, not sent
        "location": {"update": 1},
        "numbers": {"update": 1},
        "subscriber": {},
        "workspace": {"update": 1},
        "device": {},
    }
    customer = next(c for c in plan.changes if c.entity == "customer")
    assert "Control Hub" in customer.note and customer.fields["name"][1] == "Acme Renamed Inc."
    rows = changes_sheet(case)
    assert (MTL, "update", "name", "Acme Montréal", "Acme Montréal Centre") in rows
    assert (
        "lobby.phone@acme-corp.com",
        "update",
        "displayName",
        "Lobby Phone",
        "Front Lobby",
    ) in rows

    code, out = cli(case, "load", "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out
    state = sandbox_state(case)
    assert "Acme Montréal Centre" in location_names(case).values()
    assert [w.display_name for w in state.workspaces.values()] == ["Front Lobby"]
    assert state.workspaces[next(iter(state.workspaces))].phone_number == "+12125550110"
    assert location_names(case)[state.numbers[new_number].location_id] == "Acme Montréal Centre"

    with Journal(case / "w") as journal:
        run = journal.runs()[-1]["run_id"]
    code, out = cli(case, "rollback", "--sandbox", "--run", str(run), "--yes")
    assert code == 0 and "3 undone, 0 failed" in out, out
    state = sandbox_state(case)
    assert "Acme Montréal" in location_names(case).values()
    assert [w.display_name for w in state.workspaces.values()] == ["Lobby Phone"]
    assert new_number not in state.numbers


def _subscriber_create(package: str) -> Action:
    return Action(
        "create_subscriber:u1",
        "create_subscriber",
        "c1",
        0,
        {"params": {}, "fields": {"package": package, "email": "u1@x"}, "refs": {}},
        inverse={"type": "remove_subscriber", "subscriberId": ref("create_subscriber:u1", "x")},
    )


def _known(action: Action, state: str, at: str, ours: bool = True) -> Known:
    return Known(
        action.key, action.type, action.customer, 0, action.payload, state, ours, at, action.inverse
    )


def test_a_failed_change_keeps_its_key_a_done_one_is_unchanged_an_undone_one_comes_back() -> None:
    created = _known(_subscriber_create("webex_calling"), "succeeded", "t1")
    wanted = [_subscriber_create("webex_suite")]
    first = [a for a in diff(wanted, [created]).actions if a.op == "update"]
    assert len(first) == 1 and first[0].key.startswith("update_subscriber:u1#1.")
    assert first[0].payload["before"]["package"] == "webex_calling"
    assert first[0].inverse is not None and first[0].inverse["after"]["package"] == "webex_calling"
    failed = _known(first[0], "failed", "")
    assert [a.key for a in diff(wanted, [created, failed]).actions if a.op == "update"] == [
        first[0].key
    ]
    done = _known(first[0], "succeeded", "t2")
    again = diff(wanted, [created, done])
    assert [a.op for a in again.actions] == ["unchanged"]
    assert [c.op for c in again.changes] == ["unchanged"]
    undone = _known(first[0], "rolled_back", "t2")
    back = [a.key for a in diff(wanted, [created, undone]).actions if a.op == "update"]
    assert len(back) == 1 and back[0].startswith("update_subscriber:u1#2.")


def test_what_left_the_model_is_removed_only_if_ours() -> None:
    ours = _known(_subscriber_create("webex_calling"), "succeeded", "t1")
    result = diff([], [ours])
    assert [(a.type, a.op, a.payload["removes"]) for a in result.actions] == [
        ("remove_subscriber", "remove", "create_subscriber:u1")
    ]
    adopted = _known(_subscriber_create("webex_calling"), "succeeded", "t1", ours=False)
    result = diff([], [adopted])
    assert result.actions == []
    assert [(c.op, "adopted" in c.note) for c in result.changes] == [("unchanged", True)]
    gone = _known(_subscriber_create("webex_calling"), "rolled_back", "t1")
    assert diff([], [gone]).changes == []


def test_verify_differences_made_in_webex_are_fixed_by_plan_refresh_and_load(
    case: Path,
) -> None:
    sandbox = Sandbox(state_file=Workspace(case / "w").sandbox_state)
    found = {s.email: s for s in sandbox.state.subscribers.values() if not s.deleted}
    found[DAVE].extension = "4555"  # changed in Control Hub
    end_subscriber(sandbox.state, found[CAROL], sandbox.clock.time())  # deleted there
    sandbox.save()
    code, out = cli(case, "verify", "--sandbox")
    assert code == 1 and f"missing subscriber {CAROL}" in out, out
    code, out = cli(case, "plan")
    assert "  subscriber  + 0 create  ~ 0 update  - 0 remove  = 12 unchanged" in out, out
    code, out = cli(case, "plan", "--refresh", "--sandbox")
    assert code == 0, out
    assert "  subscriber  + 1 create  ~ 1 update  - 0 remove  = 10 unchanged" in out, out
    assert (DAVE, "update", "extension", "4555", "4104") in changes_sheet(case)
    code, out = cli(case, "load", "--sandbox", "--poll-interval", "0.001")
    assert code == 0, out
    code, out = cli(case, "verify", "--sandbox")
    assert code == 0 and "; 0 differences" in out, out
    assert people(case)[DAVE].extension == "4104"
    assert cli(case, "load", "--sandbox")[1].startswith("load: nothing to do")


def test_a_location_that_left_the_model_is_listed_never_sent() -> None:
    location = Action(
        "create_location:c1/l2",
        "create_location",
        "c1",
        0,
        {"fields": {"name": "Branch"}},
        inverse={"type": "delete_location"},
    )
    result = diff([], [_known(location, "succeeded", "t1")])
    assert result.actions == []
    assert [(c.op, "Control Hub" in c.note) for c in result.changes] == [("unchanged", True)]


def test_a_phone_whose_mac_changed_is_replaced_with_prune(case: Path) -> None:
    phone, old_mac, new_mac = "acme-ent/acme-hq/hq-alice-8851", "6C710D8A51F2", "6C710D8A51F3"

    def new_phone(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in records:
            if r["id"] == phone:
                r["mac"] = r["mac_raw"] = new_mac
        return records

    _rewrite(case, "devices", new_phone)
    code, out = cli(case, "plan")
    assert "  device      + 0 create  ~ 1 update  - 0 remove  = 8 unchanged" in out, out
    assert (phone, "update", "mac", old_mac, new_mac) in changes_sheet(case)

    def macs() -> set[str]:
        return {d.mac for d in sandbox_state(case).devices.values()}

    code, out = cli(case, "load", "--sandbox")
    assert code == 0 and out.startswith("load: nothing to do"), out
    assert "1 removals wait for `migrate load --prune`" in out, out
    assert old_mac in macs() and new_mac not in macs()
    code, out = cli(case, "load", "--sandbox", "--prune", "--poll-interval", "0.001")
    assert code == 0, out
    assert new_mac in macs() and old_mac not in macs()
    alice = people(case)[ALICE]
    assert {d.person_id for d in sandbox_state(case).devices.values() if d.mac == new_mac} == {
        alice.person_id
    }
    code, out = cli(case, "plan")
    assert "  device      + 0 create  ~ 0 update  - 0 remove  = 9 unchanged" in out, out


def test_the_streamed_plan_is_the_plan_made_in_memory(case: Path, tmp_path: Path) -> None:
    """`migrate plan` writes customer by customer through scratch files; the whole plan
    made at once (updates, a removal that joins its customer's queue) is the same."""
    review(case)
    code, out = cli(case, "plan")
    assert code == 0, out
    with Journal(case / "w") as journal:
        existing = known(journal)
        done = {a.key: a.state for a in journal.actions() if a.state != "pending"}
    whole = builder.build(case / "w", case / "migrate.toml", None, existing)
    assert {a.op for a in whole.actions} >= {"update", "remove"}
    builder.write(whole, tmp_path)
    written = (case / "w" / "plan.json").read_text(encoding="utf-8")
    streamed = json.loads(written)
    assert written == json.dumps(streamed, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    expected = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert streamed.pop("created_at") and expected.pop("created_at")
    assert streamed == expected
    whole.created_at = str(json.loads(written)["created_at"])
    write_plan_report(whole, tmp_path / "plan.xlsx", done)
    assert _rows(case / "r" / "plan.xlsx") == _rows(tmp_path / "plan.xlsx")

    # `migrate report` streams plan.json and asks the journal key by key: the same
    # workbook, whole or split per customer (a removal's change in its customer's part).
    split_whole, split_streamed = tmp_path / "a" / "plan.xlsx", tmp_path / "b" / "plan.xlsx"
    with Journal(case / "w") as journal:
        states = done_states(journal)
        streamed_book = write_plan_file_report(
            open_plan(case / "w" / "plan.json"), tmp_path / "c" / "plan.xlsx", states
        )
        assert _rows(streamed_book) == _rows(tmp_path / "plan.xlsx")
        for path in (split_whole, split_streamed):
            path.parent.mkdir()
        write_plan_report(whole, split_whole, done, split_rows=1)
        write_plan_file_report(open_plan(case / "w" / "plan.json"), split_streamed, states, 1)
    assert not list((tmp_path / "b").glob(".plan-scratch-*"))
    parts = sorted(p.name for p in (tmp_path / "a" / "plan").glob("*.xlsx"))
    assert parts == ["acme-ent.xlsx"]
    assert parts == sorted(p.name for p in (tmp_path / "b" / "plan").glob("*.xlsx"))
    assert _rows(split_whole) == _rows(split_streamed)
    changes = _rows(tmp_path / "plan.xlsx")["Changes"][1:]
    removed = [r for r in changes if r[3] == "remove"]
    assert removed
    for name in parts:
        mine = _rows(tmp_path / "a" / "plan" / name)
        assert mine == _rows(tmp_path / "b" / "plan" / name)
        customer = mine["Plan"][1][0]
        assert mine["Changes"][1:] == [r for r in changes if r[0] == customer]


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
