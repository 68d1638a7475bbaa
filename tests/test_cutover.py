"""Dark staging and cutover: numbers stay off until `cutover`, on exactly once, off on --undo."""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from wxc_sdk import WebexSimpleApi
from wxc_sdk.rest import RestError, RestSession
from wxc_sdk.telephony.location.numbers import NumbersRequestAction
from wxc_sdk.tokens import Tokens

from migrate.config import load_config
from migrate.errors import ConfigError
from migrate.load import cutover as co
from migrate.load import journal as jr
from migrate.load.journal import Journal
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.sandbox.state import SandboxState
from migrate.webex import Webex
from tests.migration_helpers import CONFIG, GROUP_CONFIG, SAMPLES, common, invoke, load, stage
from tests.settings_fixtures import acme_with_settings

METRO = "metro-sp-group-mode"
PIZZA = "metro-voip/joes-pizza"
SMILE = "metro-voip/bright-smile"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage(tmp_path_factory.mktemp("cutover"), SAMPLES / METRO, GROUP_CONFIG)


@pytest.fixture
def ws(prepared: Path, tmp_path: Path) -> Path:
    shutil.copytree(prepared, tmp_path / "case")
    return tmp_path / "case"


def spare_number(root: Path) -> Path:
    """The plan without the order line's hunt group, which holds the pizzeria's only
    active number nobody has: these tests switch a spare number off and on."""
    plan = builder.read(root / "w")
    plan.actions = [a for a in plan.actions if a.type != "create_hunt_group"]
    builder.write(plan, root / "w")
    return root


def planned_numbers(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per customer: the numbers to switch on, and those inactive in BroadWorks."""
    on: dict[str, set[str]] = {}
    dark: dict[str, set[str]] = {}
    for action in builder.read(root / "w").actions:
        if action.type == "add_numbers":
            inactive = set(action.payload.get("inactive") or ())
            numbers = set(action.payload["body"]["phoneNumbers"])
            on.setdefault(action.customer, set()).update(numbers - inactive)
            dark.setdefault(action.customer, set()).update(inactive)
    return on, dark


def sandbox_state(root: Path) -> SandboxState:
    return SandboxState.load(root / "w" / "sandbox-state.json")


def states(state: SandboxState, numbers: set[str]) -> set[str]:
    return {state.numbers[n].state for n in numbers}


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    return invoke(*args, *common(root), "--sandbox")


def test_load_stages_dark_and_cutover_switches_on_then_undo_off(ws: Path) -> None:
    spare_number(ws)
    on, dark = planned_numbers(ws)
    assert on[PIZZA] and dark[PIZZA], "the sample has numbers active and inactive in BroadWorks"
    code, _out, err = cli(ws, "load", "--poll-interval", "0.001")
    assert code == 0, err
    state = sandbox_state(ws)
    assert states(state, on[PIZZA] | on[SMILE]) == {"INACTIVE"}
    # Dark until cutover: Webex routes none of the customer's calls yet.
    assert {state.route_call(n) for n in on[PIZZA]} == {"not routed: number inactive"}
    code, out, _err = cli(ws, "status")
    assert f"{PIZZA}: 11 succeeded [staged]" in out

    code, out, err = cli(ws, "cutover", "--customer", PIZZA)
    assert code == 0, err
    assert "add --yes" in out
    assert states(sandbox_state(ws), on[PIZZA]) == {"INACTIVE"}  # without --yes: only listed

    code, out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 0, err
    state = sandbox_state(ws)
    assert states(state, on[PIZZA]) == {"ACTIVE"}
    assert {state.route_call(n) for n in on[PIZZA]} == {"routed"}
    assert {state.numbers[n].activations for n in on[PIZZA]} == {1}
    assert states(state, dark[PIZZA]) == {"INACTIVE"}  # inactive in BroadWorks: stays off
    assert {state.numbers[n].activations for n in dark[PIZZA]} == {0}
    assert states(state, on[SMILE]) == {"INACTIVE"}  # another customer is not touched
    saved = json.loads((ws / "w" / "cutover.json").read_text())["customers"][PIZZA]
    assert saved["state"] == "cut over" and saved["at"] and saved["forced"] is False
    code, out, _err = cli(ws, "status")
    assert f"[cut over at {saved['at']}]" in out
    assert cli(ws, "report")[0] == 0
    html = (ws / "r" / "summary.html").read_text(encoding="utf-8")
    row = next(line for line in html.splitlines() if f"<tr><td>{PIZZA}</td>" in line)
    assert f'<td class="cutover">cut over at {saved["at"]}</td>' in row
    other = next(line for line in html.splitlines() if f"<tr><td>{SMILE}</td>" in line)
    assert '<td class="cutover">staged</td>' in other

    # Again: nothing more is sent.
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 0, err
    assert {sandbox_state(ws).numbers[n].activations for n in on[PIZZA]} == {1}

    # Undo: Webex deactivates only unassigned numbers, so each owner lets its number go,
    # the number goes off, and the owner takes it back: staged again, nothing lost.
    state = sandbox_state(ws)
    owners = {n: state.numbers[n].owner_id for n in on[PIZZA]}
    assigned = {n for n, owner in owners.items() if owner}
    free = on[PIZZA] - assigned
    assert assigned and free, "the sample has numbers of users and spare ones"
    code, out, err = cli(ws, "cutover", "--customer", PIZZA, "--undo", "--yes")
    assert code == 0, out + err
    state = sandbox_state(ws)
    assert states(state, on[PIZZA] | dark[PIZZA]) == {"INACTIVE"}
    assert {state.route_call(n) for n in on[PIZZA]} == {"not routed: number inactive"}
    assert {n: state.numbers[n].owner_id for n in on[PIZZA]} == owners
    assert {state.numbers[n].deactivations for n in on[PIZZA]} == {1}
    assert {state.numbers[n].deactivations for n in dark[PIZZA]} == {0}
    code, out, _err = cli(ws, "status")
    assert f"{PIZZA}: " in out and "[rolled back at" in out

    # Again: an undo already done sends nothing.
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--undo", "--yes")
    assert code == 0, err
    assert {sandbox_state(ws).numbers[n].deactivations for n in on[PIZZA]} == {1}

    # Cut over again after an undo: what is off goes on, once more; nothing else is sent.
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 0, err
    state = sandbox_state(ws)
    assert states(state, on[PIZZA]) == {"ACTIVE"}
    assert {state.numbers[n].activations for n in on[PIZZA]} == {2}
    assert {n: state.numbers[n].owner_id for n in on[PIZZA]} == owners
    saved_again = json.loads((ws / "w" / "cutover.json").read_text())["customers"][PIZZA]
    # Cut over anew: the record says when the numbers went on this time.
    assert saved_again["state"] == "cut over" and saved_again["at"] > saved["at"]

    # A rollback removes the owners, then switches off and removes the numbers.
    code, _out, err = cli(ws, "rollback", "--customer", PIZZA, "--yes")
    assert code == 0, err
    code, out, _err = cli(ws, "status")
    assert f"{PIZZA}: " in out and "[rolled back at" in out
    with Journal(ws / "w") as journal:
        switched = [a for a in journal.actions() if a.type == "activate_numbers"]
    assert [a.state for a in switched] == [jr.ROLLED_BACK]


def test_cutover_writes_readiness_numbers_phones_users_and_the_device_csv(ws: Path) -> None:
    on, dark = planned_numbers(ws)
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA)
    assert code == 0, err
    book = load_workbook(ws / "r" / "cutover.xlsx", read_only=True)
    numbers = list(book["Numbers"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in numbers if r[3] == "activate"} == on[PIZZA]
    assert {r[2] for r in numbers if r[3] != "activate"} == dark[PIZZA]
    ready = list(book["Readiness"].iter_rows(min_row=2, values_only=True))
    assert ready == [(PIZZA, "yes", "staged", None)]
    phones = list(book["Phones"].iter_rows(min_row=2, values_only=True))
    devices = [
        d
        for d in map(json.loads, (ws / "w" / "model" / "devices.jsonl").read_text().splitlines())
        if d["customer_id"] == PIZZA and d["migrate"] and d["owner"]
    ]
    assert devices and sorted(p[1] for p in phones) == sorted(d["device_name"] for d in devices)
    users = list(book["Users"].iter_rows(min_row=2, values_only=True))
    assert {u[4] for u in users} >= {"subscriber", "workspace", "hunt_group"}
    assert {u[5] for u in users if u[4] in ("subscriber", "workspace")} == {"applied"}
    assert {u[5] for u in users if u[4] == "hunt_group"} == {"applied"}  # built by the load
    with (ws / "r" / "cutover-devices.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["device_name", "mac", "group", "service_provider", "model"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted(
        (d["device_name"], d["mac"] or "") for d in devices
    )
    assert {r[2] for r in rows[1:]} == {"joes-pizza"}


def test_cutover_refuses_a_parked_subscriber_unless_forced(ws: Path) -> None:
    on, _dark = planned_numbers(ws)
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    with Journal(ws / "w") as journal:
        parked = next(
            a.key for a in journal.actions(customer=PIZZA) if a.type == "create_subscriber"
        )
        run_id = journal.begin_run("test", None)
        journal.park(parked, run_id, "pending_user_migration", "waits for the user")
    code, out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 3
    assert parked in err and "parked" in err and "--force" in out
    assert states(sandbox_state(ws), on[PIZZA]) == {"INACTIVE"}
    assert not (ws / "w" / "cutover.json").exists()

    code, out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes", "--force")
    assert code == 0, err
    assert states(sandbox_state(ws), on[PIZZA]) == {"ACTIVE"}
    saved = json.loads((ws / "w" / "cutover.json").read_text())["customers"][PIZZA]
    assert saved["forced"] is True and any(parked in why for why in saved["overridden"])
    book = load_workbook(ws / "r" / "cutover.xlsx", read_only=True)
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["Forced (--force)"] in (True, "TRUE", "yes", 1)
    ready = list(book["Readiness"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in ready] == ["forced"] and parked in str(ready[0][3])


def saved_verify(root: Path, when: str) -> None:
    difference = {"customer": PIZZA, "kind": "subscriber", "key": "x", "problem": "missing"}
    (root / "w" / "verify.json").write_text(
        json.dumps({"verified_at": when, "differences": [difference]})
    )


def test_cutover_refuses_verify_differences_newer_than_the_load(ws: Path) -> None:
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    saved_verify(ws, "2000-01-01T00:00:00+00:00")  # before the load: stale, not a reason
    assert cli(ws, "cutover", "--customer", PIZZA)[0] == 0
    saved_verify(ws, "9999-01-01T00:00:00")
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 3 and "verify found 1 differences" in err
    # Another customer's differences stand in nobody else's way.
    assert cli(ws, "cutover", "--customer", SMILE, "--yes")[0] == 0


def test_numbers_inactive_in_broadworks_switch_on_only_when_the_config_says(
    ws: Path,
) -> None:
    on, dark = planned_numbers(ws)
    chosen = sorted(dark[PIZZA])[0]
    config = ws / "migrate.toml"
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    config.write_text(config.read_text() + f'[cutover]\nactivate_inactive = ["{chosen}"]\n')
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 0, err
    state = sandbox_state(ws)
    assert states(state, on[PIZZA] | {chosen}) == {"ACTIVE"}
    assert states(state, dark[PIZZA] - {chosen}) == {"INACTIVE"}


def test_numbers_active_at_load_keeps_broadworks_inactive_numbers_off(
    prepared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "green"
    shutil.copytree(prepared, root)
    config = root / "migrate.toml"
    config.write_text("numbers_active_at_load = true\n" + config.read_text())
    assert invoke("plan", *common(root))[0] == 0
    on, dark = planned_numbers(root)
    assert cli(root, "load", "--poll-interval", "0.001")[0] == 0
    state = sandbox_state(root)
    assert states(state, on[PIZZA] | on[SMILE]) == {"ACTIVE"}
    assert states(state, dark[PIZZA] | dark[SMILE]) == {"INACTIVE"}
    # Nothing left for cutover to switch on, and the undo switches off nothing it did not.
    assert cli(root, "cutover", "--customer", PIZZA, "--yes")[0] == 0
    assert cli(root, "cutover", "--customer", PIZZA, "--undo", "--yes")[0] == 0
    assert states(sandbox_state(root), on[PIZZA]) == {"ACTIVE"}
    assert verify_differences(root) == 0


def verify_differences(root: Path) -> int:
    code, out, err = cli(root, "verify", "--json")
    assert code in (0, 1), err
    return len(json.loads(out)["differences"])


def test_verify_expects_the_numbers_cutover_switched(ws: Path) -> None:
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    assert verify_differences(ws) == 0
    assert cli(ws, "cutover", "--batch", "1", "--yes")[0] == 0
    assert verify_differences(ws) == 0
    owners = {n: x.owner_id for n, x in sandbox_state(ws).numbers.items()}
    assert cli(ws, "cutover", "--batch", "1", "--undo", "--yes")[0] == 0
    # Undone: staged again, numbers off and still their owners' (people, workspaces and
    # features alike: the sample's hunt group holds a number too).
    state = sandbox_state(ws)
    assert {x.state for x in state.numbers.values()} == {"INACTIVE"}
    assert {n: x.owner_id for n, x in state.numbers.items()} == owners
    assert any(x.owner_id in state.hunt_groups for x in state.numbers.values())
    assert verify_differences(ws) == 0
    assert cli(ws, "cutover", "--batch", "1", "--yes")[0] == 0
    assert verify_differences(ws) == 0


def test_a_rolled_back_customer_is_not_cut_over(ws: Path) -> None:
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    assert cli(ws, "rollback", "--customer", PIZZA, "--yes")[0] == 0
    code, _out, err = cli(ws, "cutover", "--customer", PIZZA, "--yes")
    assert code == 3 and "not loaded: create_customer" in err


def test_rollback_switches_numbers_off_before_removing_them(ws: Path) -> None:
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    assert cli(ws, "cutover", "--customer", PIZZA, "--yes")[0] == 0
    code, out, err = cli(ws, "rollback", "--customer", PIZZA)
    assert code == 0, err
    kinds = [line.split()[0] for line in out.splitlines()[1:] if line.startswith("  ")]
    assert kinds.index("deactivate_numbers") < kinds.index("remove_numbers")
    code, _out, err = cli(ws, "rollback", "--customer", PIZZA, "--yes")
    assert code == 0, err
    on, dark = planned_numbers(ws)
    assert not (on[PIZZA] | dark[PIZZA]) & set(sandbox_state(ws).numbers)


# ---------------------------------------------------------------- --dry-run = the real run


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[tuple[str, str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in WRITES:
            body = json.loads(request.content) if request.content else None
            self.writes.append((request.method, request.url.path, request.url.query.decode(), body))
        return await self.inner.handle_async_request(request)


def counters(sandbox: Sandbox) -> dict[str, tuple[str, int, int]]:
    return {n: (x.state, x.activations, x.deactivations) for n, x in sandbox.state.numbers.items()}


def opener(sandbox: Sandbox) -> Callable[[Any], AbstractAsyncContextManager[Webex]]:
    return lambda wrap: Webex(
        IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=wrap(sandbox.transport())
    )


@pytest.mark.parametrize("undo", [False, True])
def test_dry_run_lists_exactly_the_requests_the_cutover_then_sends(ws: Path, undo: bool) -> None:
    sandbox = Sandbox()
    assert load(ws, sandbox).ok
    customers = [PIZZA, SMILE]
    if undo:
        with Journal(ws / "w") as journal:
            run = asyncio.run(on(sandbox, journal, customers))
        assert run.ok
    before = {
        n: (x.state, x.activations, x.deactivations) for n, x in sandbox.state.numbers.items()
    }
    rehearsal = asyncio.run(co.rehearse(ws / "w", opener(sandbox), customers, undo=undo))
    assert rehearsal.recorded, "a cutover has writes to send"
    assert counters(sandbox) == before  # the dry-run changed nothing in Webex

    recorder = Recorder(sandbox.transport())

    async def real() -> co.CutoverRun:
        async with Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=recorder) as webex:
            with Journal(ws / "w") as journal:
                if undo:
                    return await co.switch_off(webex, journal, customers)
                return await co.switch_on(webex, journal, customers)

    done = asyncio.run(real())
    assert done.ok, done.failed
    dry = [(r.method, r.path, r.query, r.body) for r in rehearsal.recorded]
    assert dry == recorder.writes
    assert {r[0] for r in dry} == {"PUT"}
    if undo:  # owners let go, numbers off, owners take them back
        paths = [r[1] for r in dry]
        assert any("/people/" in p for p in paths) and any("/numbers" in p for p in paths)
        assert {x.state for x in sandbox.state.numbers.values()} == {"INACTIVE"}


async def on(sandbox: Sandbox, journal: Journal, customers: list[str]) -> co.CutoverRun:
    async with Webex(IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()) as webex:
        return await co.switch_on(webex, journal, customers)


def test_cutover_needs_one_known_customer_or_batch(ws: Path) -> None:
    assert cli(ws, "load", "--poll-interval", "0.001")[0] == 0
    code, _out, err = cli(ws, "cutover")
    assert code == 2 and "exactly one of --customer, --batch" in err
    code, _out, err = cli(ws, "cutover", "--customer", "nobody")
    assert code == 2 and "no customer nobody" in err
    code, _out, err = cli(ws, "cutover", "--batch", "7")
    assert code == 2 and "no batch 7" in err


def test_a_phone_without_mac_moves_by_an_activation_code(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(SAMPLES / METRO, export)
    for name, mac in (
        ("devices", "<macAddress>805ec0a1b2c3</macAddress>"),
        ("group", "805ec0a1b2c3"),
    ):
        document = export / "joes-pizza" / f"{name}.xml.response.xml"
        document.write_text(document.read_text().replace(mac, ""))
    (tmp_path / "case").mkdir()
    root = stage(tmp_path / "case", export, GROUP_CONFIG)
    assert cli(root, "load", "--poll-interval", "0.001")[0] == 0
    code, _out, err = cli(root, "cutover", "--customer", PIZZA)
    assert code == 0, err
    book = load_workbook(root / "r" / "cutover.xlsx", read_only=True)
    phones = list(book["Phones"].iter_rows(min_row=2, values_only=True))
    no_mac = [p for p in phones if not p[2]]
    assert len(no_mac) == 1 and no_mac[0][6] is None  # listed; the code comes with --yes

    code, _out, err = cli(root, "cutover", "--customer", PIZZA, "--yes")
    assert code == 0, err
    book = load_workbook(root / "r" / "cutover.xlsx", read_only=True)
    phones = list(book["Phones"].iter_rows(min_row=2, values_only=True))
    (phone,) = [p for p in phones if not p[2]]
    assert phone[5] == "person" and str(phone[6]).isdigit() and len(str(phone[6])) == 16
    assert phone[7]  # when the code expires
    with (root / "r" / "cutover-devices.csv").open(newline="") as f:
        rows = {r[0]: r for r in csv.reader(f)}
    assert rows[phone[1]][1] == ""  # no MAC for the BroadWorks side either


def test_wxc_sdk_drives_the_number_state_and_activation_code_calls(ws: Path) -> None:
    """The new sandbox endpoints answer as Cisco's own SDK expects them to."""
    spare_number(ws)
    sandbox = Sandbox()
    assert load(ws, sandbox).ok
    on, _dark = planned_numbers(ws)
    numbers = sandbox.state.numbers
    free = sorted(n for n in on[PIZZA] if not numbers[n].owner_id)
    assigned = sorted(n for n in on[PIZZA] if numbers[n].owner_id)
    location = numbers[free[0]].location_id
    org = numbers[free[0]].org_id
    person = next(
        s for s in sandbox.state.subscribers.values() if s.primary_phone_number == assigned[0]
    )
    tokens = Tokens(access_token="wxc-sdk-cutover-token")
    with sandbox.serve(0) as server:
        session = RestSession(tokens=tokens, concurrent_requests=1)
        session.BASE = server.url  # type: ignore[misc]  # wxc_sdk's one base-URL knob
        with WebexSimpleApi(tokens=tokens, session=session) as api:
            api.telephony.location.number.activate(location, free + assigned, org_id=org)
            assert {numbers[n].state for n in free + assigned} == {"ACTIVE"}
            api.telephony.location.number.manage_number_state(
                location, free, NumbersRequestAction.deactivate, org_id=org
            )
            assert {numbers[n].state for n in free} == {"INACTIVE"}
            with pytest.raises(RestError) as refused:
                api.telephony.location.number.manage_number_state(
                    location, assigned[:1], NumbersRequestAction.deactivate, org_id=org
                )
            assert refused.value.response.status_code == 400
            assert numbers[assigned[0]].state == "ACTIVE"
            code = api.devices.activation_code(
                person_id=person.person_id, model="DMS Cisco 8865", org_id=org
            )
            assert len(code.code) == 16 and code.expiry_time is not None


def test_config_switch_and_overrides_are_checked(tmp_path: Path) -> None:
    assert load_config(None).numbers_active_at_load is False
    path = tmp_path / "migrate.toml"
    path.write_text(
        'numbers_active_at_load = true\n[cutover]\nactivate_inactive = ["+14155550123"]\n'
    )
    config = load_config(path)
    assert config.numbers_active_at_load is True
    assert config.cutover.activate_inactive == ("+14155550123",)
    for text, expected in (
        ('numbers_active_at_load = "yes"\n', "key numbers_active_at_load: expected true or false"),
        ('[cutover]\nactivate_inactive = ["4155550123"]\n', "key cutover.activate_inactive"),
        ('[cutover]\nactivate_inactive = "+14155550123"\n', "expected a list of E.164"),
        ("[cutover]\nactivate = []\n", "key cutover.activate: unknown key"),
    ):
        path.write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert str(caught.value).startswith(str(path)) and expected in str(caught.value)


def test_the_users_list_names_each_call_setting_and_whether_it_was_applied(
    tmp_path: Path,
) -> None:
    root = tmp_path / "settings"
    acme_with_settings(root / "export", SAMPLES)
    stage(root, root / "export", CONFIG)
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    with Journal(root / "w") as journal:
        customers = sorted({a.customer for a in journal.actions()})
        _phones, users = co.move_lists(root / "w", journal, customers)
        applied = {
            (a.key.split(":", 1)[1].rsplit("/", 1)[0], f"call setting {a.payload['feature']}")
            for a in journal.actions()
            if a.type == "apply_person_settings"
        }
    listed = {(u.user, u.what) for u in users if u.what.startswith("call setting ")}
    assert applied and listed == applied
    assert {u.result for u in users if u.what.startswith("call setting ")} == {"applied"}
    assert all(u.email for u in users if u.what.startswith("call setting "))
