"""Shared call appearances: placed by the map, loaded as device members exactly once,
read back by verify, undone by rollback; the sandbox's members, supported-devices and
validate-MACs endpoints keep Webex's rules and Cisco's device spec."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI

from migrate.load import rollback
from migrate.load.executor import LoadOptions
from migrate.load.handlers.base import Context
from migrate.load.handlers.shared_lines import add_shared_lines
from migrate.load.journal import SUCCEEDED, Journal
from migrate.load.verify import verify
from migrate.mapping.model import Model
from migrate.mapping.shared_lines import place
from migrate.mapping.supported_devices import shipped
from migrate.plan import builder
from migrate.plan.model import Device as ModelDevice
from migrate.plan.model import Subscriber
from migrate.sandbox import Sandbox
from migrate.sandbox.state import Device
from migrate.webex import Webex, WebexError
from migrate.webex.devices import put_member
from tests.migration_helpers import SAMPLES, load, stage, with_webex
from tests.test_sandbox_devices import _setup
from tests.webex_helpers import IN_PROCESS_URL, TOKEN, _adapt, _causes, in_process, run

ALICE = "acme-ent/acme-hq/hq-alice-8851"
SHARED_KEY = f"add_shared_lines:{ALICE}"
GRACE = "grace.lee@acme-corp.com"


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stage(tmp_path_factory.mktemp("shared"), SAMPLES / "acme-enterprise")


@pytest.fixture
def case(acme: Path, tmp_path: Path) -> Path:
    shutil.copytree(acme, tmp_path / "case")
    return tmp_path / "case"


def _person(case: Path, user: str) -> str:
    with Journal(case / "w") as journal:
        action = journal.get(f"create_subscriber:{user}")
    assert action is not None and action.result
    return str(action.result["personId"])


def _phone(sandbox: Sandbox, mac: str) -> Device:
    return next(d for d in sandbox.state.devices.values() if d.mac == mac)


def test_the_plan_puts_the_shared_line_on_port_2_after_its_owners(acme: Path) -> None:
    plan = builder.read(acme / "w")
    (action,) = [a for a in plan.actions if a.type == "add_shared_lines"]
    assert action.key == SHARED_KEY
    assert action.payload["fields"]["members"] == [{"user": GRACE, "kind": "person", "port": 2}]
    assert set(action.depends_on) >= {f"create_device:{ALICE}", f"create_subscriber:{GRACE}"}
    assert action.inverse is not None and action.inverse["type"] == "restore_device_members"
    not_migrated = (acme / "w" / "model" / "not_migrated.jsonl").read_text()
    assert "shared_line:" not in not_migrated  # placed: no longer listed


def test_a_line_without_a_free_line_key_or_a_migrated_user_stays_listed() -> None:
    model = Model()
    for user in ("a", "b", "c"):
        model.subscribers[user] = Subscriber(
            id=user, customer_id="C", location_id="L", bw_key={}, package="webex_calling"
        )
    model.subscribers["c"].skipped = True
    device = ModelDevice(
        id="C/G/ata",
        customer_id="C",
        location_id="L",
        bw_key={},
        device_name="ata",
        model="DMS Cisco 7821",  # two line ports: the owner's and one more
        owner="a",
        lines=["a", "b", "c", "x"],
    )
    model.subscribers["x"] = Subscriber(
        id="x", customer_id="C", location_id="L", bw_key={}, package="webex_calling"
    )
    place(model, device)
    assert device.shared_lines == ["b"]
    listed = model.not_migrated["shared_line:C/G/ata"]
    assert listed.items == [
        "line c (shared call appearance): its user c is not migrated",
        "line x (shared call appearance): no free line key: DMS Cisco 7821 has 2 line port(s)",
    ]
    assert "no free line key" in listed.reason and "not migrated" in listed.reason
    assert shipped().line_ports("DMS Cisco 7821") == 2


def test_load_adds_the_shared_line_once_and_verify_reads_it_back(case: Path) -> None:
    sandbox = Sandbox()
    first = load(case, sandbox)
    assert first.ok, first.counts
    phone = _phone(sandbox, "6C710D8A51F2")
    grace = _person(case, GRACE)
    by_port = {m["port"]: m for m in phone.members}
    assert by_port[2]["id"] == grace and by_port[2]["lineType"] == "SHARED_CALL_APPEARANCE"
    assert by_port[1]["primaryOwner"] and len(phone.members) == 2
    plan = builder.read(case / "w")
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    assert result.checked["shared_line"] == result.matched["shared_line"] == 1
    assert not [d for d in result.differences if d.kind == "shared_line"]
    # Somebody moves the line in Control Hub: verify says so.
    phone.members[1]["port"] = 3
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    (diff,) = [d for d in result.differences if d.kind == "shared_line"]
    assert (diff.key, diff.problem) == (f"{ALICE}/2", "missing")


def test_a_crash_after_the_put_neither_repeats_it_nor_forgets_the_list_before(
    case: Path,
) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    with Journal(case / "w") as journal:
        action = journal.get(SHARED_KEY)
    assert action is not None and action.state == SUCCEEDED and not action.adopted
    previous = action.result["previous"]
    assert [(m["port"], m["lineType"]) for m in previous] == [(1, "PRIMARY")]
    payload = {
        **action.result,
        "members": [{"id": m["id"], "port": m["port"]} for m in action.result["members"]],
    }
    answered = sandbox.app.answered

    async def again(sent: list[Any]) -> tuple[dict[str, Any], bool]:
        async with Webex(IN_PROCESS_URL, token=TOKEN, transport=sandbox.transport()) as webex:
            ctx = Context(webex, LoadOptions(), SHARED_KEY, sent=sent)
            return await add_shared_lines(ctx, payload)

    # The journal holds the list read before the PUT (a run killed after it): not adopted.
    result, adopted = asyncio.run(again([previous]))
    assert not adopted and result["previous"] == previous
    assert sandbox.app.answered == answered + 1  # one GET, no second PUT
    assert len(_phone(sandbox, "6C710D8A51F2").members) == 2
    # Nothing sent by this load, yet the line is there: someone else's, adopted.
    _result, adopted = asyncio.run(again([]))
    assert adopted


def test_rollback_restores_the_phones_lines(case: Path) -> None:
    sandbox = Sandbox()
    load(case, sandbox)
    phone = _phone(sandbox, "6C710D8A51F2")

    async def undo() -> rollback.RollbackResult:
        with Journal(case / "w") as journal:
            steps = [
                s for s in rollback.choose(journal, customer="acme-ent") if s.key == SHARED_KEY
            ]
            async with Webex(IN_PROCESS_URL, token=TOKEN, transport=sandbox.transport()) as webex:
                return await rollback.execute(webex, journal, steps)

    result = asyncio.run(undo())
    assert result.done == [SHARED_KEY] and not result.failed
    assert [(m["port"], m["lineType"]) for m in phone.members] == [(1, "PRIMARY")]


# ---------------------------------------------------------------- sandbox rules


def _member(person: str, port: int, **change: Any) -> dict[str, Any]:
    body = {
        "id": person,
        "port": port,
        "primaryOwner": port == 1,
        "lineType": "PRIMARY" if port == 1 else "SHARED_CALL_APPEARANCE",
        "lineWeight": 1,
        "hotlineEnabled": False,
        "hotlineDestination": "",
        "allowCallDeclineEnabled": True,
        **change,
    }
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("second", "status", "text"),
    [
        ({"port": 5}, 400, "outside the 4 line ports"),  # a 7841 has four
        ({"port": 1}, 400, "assigned twice"),
        ({"lineType": None}, 400, "Missing Mandatory field name: members.lineType"),
        ({"lineType": "SHARED_LINE"}, 400, "Invalid field value: members.type"),
        ({"id": "nobody"}, 404, "not found"),
    ],
)
def test_member_rules(second: dict[str, Any], status: int, text: str) -> None:
    sandbox = Sandbox()

    async def go() -> tuple[int | None, str]:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            phone = await webex.devices.create_device(
                env["org"],
                {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 7841", "personId": env["person"]},
            )
            body = [_member(env["person"], 1), {**_member(env["person"], 2), **second}]
            body[1] = {k: v for k, v in body[1].items() if v is not None}
            try:
                await webex.devices.update_members(phone.id, body, org_id=env["org"])
            except WebexError as err:
                return err.status, str(err)
            return 204, ""

    got, message = run(go())
    assert got == status and text in message, message


def test_validate_macs_reports_a_phone_of_another_org_as_unavailable() -> None:
    sandbox = Sandbox()

    async def go() -> list[tuple[str, str]]:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            await webex.devices.create_device(
                env["org"],
                {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 7841", "personId": env["person"]},
            )
            asked = ["F4CFE2A1B2C3", "001122334455", "001122334455", "zz"]
            from_partner = await webex.devices.validate_macs(asked)
            from_owner = await webex.devices.validate_macs(asked[:1], org_id=env["org"])
            return [(s.mac, s.state) for s in from_partner + from_owner]

    assert run(go()) == [
        ("F4CFE2A1B2C3", "UNAVAILABLE"),
        ("001122334455", "AVAILABLE"),
        ("001122334455", "DUPLICATE_IN_LIST"),
        ("zz", "INVALID"),
        ("F4CFE2A1B2C3", "AVAILABLE"),  # the org that holds it may add it again (adopt)
    ]


# ---------------------------------------------------------------- contract

DEVICE_SPEC: dict[str, Any] = json.loads(
    resources.files("migrate.data.specs").joinpath("webex-device-subset.json").read_text()
)


@dataclasses.dataclass
class TelephonyContract(httpx.AsyncBaseTransport):
    """Checks every /telephony/config exchange against Cisco's device spec."""

    inner: httpx.AsyncBaseTransport
    openapi: OpenAPI
    checked: list[str] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if request.url.path.startswith(
            ("/v1/telephony/config/devices", "/v1/telephony/config/supportedDevices")
        ):
            req, resp = _adapt(request, response)
            label = f"{request.method} {request.url.path} -> {response.status_code}"
            self.checked.append(label)
            try:
                self.openapi.validate_request(req)
            except Exception as err:
                self.failures.append(f"request {label}: {err!r} {_causes(err)}")
            if response.status_code < 300 and response.content:
                try:
                    self.openapi.validate_response(req, resp)
                except Exception as err:
                    self.failures.append(f"response {label}: {err!r} {_causes(err)}")
        return response


def test_member_and_device_list_exchanges_match_ciscos_device_spec() -> None:
    spec = copy.deepcopy(DEVICE_SPEC)
    spec["servers"] = [{"url": IN_PROCESS_URL}]
    sandbox = Sandbox()
    contract = TelephonyContract(sandbox.transport(), OpenAPI.from_dict(spec))

    async def go() -> None:
        async with Webex(IN_PROCESS_URL, token=TOKEN, transport=contract) as webex:
            env = await _setup(webex)
            phone = await webex.devices.create_device(
                env["org"],
                {"mac": "6C710D8A51F2", "model": "DMS Cisco 8851", "personId": env["person"]},
            )
            before = await webex.devices.members(phone.id, org_id=env["org"])
            body = [put_member(m) for m in before.members]
            body.append(_member(env["person"], 3, lineLabel="Front desk"))
            await webex.devices.update_members(phone.id, body, org_id=env["org"])
            after = await webex.devices.members(phone.id, org_id=env["org"])
            assert [m["port"] for m in after.members] == [1, 3]
            assert after.max_line_count == 16 and after.model == "DMS Cisco 8851"
            listed = await webex.devices.supported_devices()
            assert {d["model"] for d in listed["devices"]} == set(shipped().devices)
            await webex.devices.validate_macs(["6C710D8A51F2", "AABBCCDDEEFF"])

    run(go())
    assert len(contract.checked) == 5, contract.checked
    assert contract.failures == []
