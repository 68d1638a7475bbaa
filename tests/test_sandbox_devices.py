"""Issue #7, sandbox: POST/GET/DELETE /workspaces and /devices with the documented rules."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI

from migrate.sandbox import Sandbox, SandboxState
from migrate.sandbox.state import Device
from migrate.webex import Webex, WebexError
from tests.webex_helpers import (
    IN_PROCESS_URL,
    TOKEN,
    _adapt,
    _causes,
    in_process,
    provisioned_customer,
    run,
    subscriber_body,
)

PACKAGES = ["webex_calling", "common_area_calling"]
NUMBERS = ["+14085550100", "+14085550101", "+14085550102"]


async def _setup(webex: Webex) -> dict[str, Any]:
    """A provisioned customer with numbers, one person (ext 1001) and its licences."""
    cid, org, loc = await provisioned_customer(webex, "acme", packages=PACKAGES)
    await webex.calling.add_numbers(org, loc, NUMBERS)
    sub = await webex.wholesale.provision_subscriber(
        subscriber_body(cid, "jo@acme.example", number=NUMBERS[0], location_id=loc)
    )
    customer = await webex.wholesale.get_customer(cid, include_package_license_info=True)
    return {
        "cid": cid,
        "org": org,
        "loc": loc,
        "person": sub.person_id,
        "sub": sub.id,
        "licence": customer.license_ids("common_area_calling")[0],
    }


def _workspace(env: dict[str, Any], **calling: Any) -> dict[str, Any]:
    webex_calling = {
        "phoneNumber": NUMBERS[1],
        "extension": "2001",
        "locationId": env["loc"],
        "licenses": [env["licence"]],
        **calling,
    }
    return {
        "displayName": "Lobby",
        "orgId": env["org"],
        "locationId": env["loc"],
        "supportedDevices": "phones",
        "calling": {
            "type": "webexCalling",
            "webexCalling": {k: v for k, v in webex_calling.items() if v is not None},
        },
    }


async def _post(webex: Webex, path: str, body: Any, org: str | None = None) -> Any:
    params = {"orgId": org} if org else None
    return await webex.client.send_json("POST", path, body, params=params)


async def _status(call: Any) -> tuple[int | None, str]:
    try:
        await call
    except WebexError as err:
        return err.status, str(err)
    return 200, ""


def test_a_common_area_workspace_with_a_phone() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            response = await webex.client.request("POST", "workspaces", json=_workspace(env))
            assert response.status_code == 201
            ws = response.json()
            assert ws["displayName"] == "Lobby" and ws["locationId"] == env["loc"]
            assert ws["calling"] == {
                "type": "webexCalling",
                "webexCalling": {"licenses": [env["licence"]]},
            }
            assert ws["supportedDevices"] == "phones"
            numbers = {n.phone_number: n async for n in webex.calling.list_numbers(env["org"])}
            assert numbers[NUMBERS[1]].raw["owner"]["type"] == "PLACE"
            found = await webex.devices.find_workspace(env["org"], "Lobby", env["loc"])
            assert found is not None and found.id == ws["id"]
            assert await webex.devices.find_workspace(env["org"], "Lobby", "elsewhere") is None
            response = await webex.client.request(
                "POST",
                "devices",
                params={"orgId": env["org"]},
                json={"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 7841", "workspaceId": ws["id"]},
            )
            assert response.status_code == 200
            device = response.json()
            assert device["mac"] == "F4:CF:E2:A1:B2:C3" and device["product"] == "Cisco 7841"
            assert device["workspaceId"] == ws["id"] and "personId" not in device
            by_mac = await webex.devices.find_device(env["org"], "f4:cf:e2:a1:b2:c3")
            assert by_mac is not None and by_mac.id == device["id"]
            # Deleting the workspace takes its phone along and frees its number.
            await webex.devices.delete_workspace(ws["id"])
            assert await webex.devices.find_device(env["org"], "F4CFE2A1B2C3") is None
            await webex.calling.remove_numbers(env["org"], env["loc"], [NUMBERS[1]])
            status, _ = await _status(webex.devices.get_workspace(ws["id"]))
            assert status == 404

    run(go())


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"phoneNumber": None, "extension": None}, 400, "phoneNumber, an extension or both"),
        ({"phoneNumber": "+14085559999"}, 400, "has not been added"),
        ({"phoneNumber": NUMBERS[0]}, 409, "already assigned"),  # the person's number
        ({"phoneNumber": None, "extension": "1001"}, 409, "Extension 1001"),  # the person's
        ({"extension": "1"}, 400, "2-10 digits"),
        ({"licenses": ["not-a-licence"]}, 400, "Unknown license"),
        ({"locationId": "bogus"}, 400, "not a location of this organization"),
    ],
)
def test_workspace_rules(change: dict[str, Any], status: int, text: str) -> None:
    sandbox = Sandbox()

    async def go() -> tuple[int | None, str]:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            return await _status(_post(webex, "workspaces", _workspace(env, **change)))

    got, message = run(go())
    assert got == status and text in message, message


def test_workspace_name_and_extension_are_unique_in_the_org() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            await _post(webex, "workspaces", _workspace(env))
            same_name = _workspace(env, phoneNumber=NUMBERS[2], extension="2002")
            assert (await _status(_post(webex, "workspaces", same_name)))[0] == 409
            same_ext = {**_workspace(env, phoneNumber=NUMBERS[2]), "displayName": "Door"}
            assert (await _status(_post(webex, "workspaces", same_ext)))[0] == 409
            # A person cannot take a workspace's extension either.
            person = subscriber_body(
                env["cid"], "al@acme.example", extension="2001", location_id=env["loc"]
            )
            assert (await _status(webex.wholesale.provision_subscriber(person)))[0] == 409
            missing_name = {**_workspace(env), "displayName": " "}
            assert (await _status(_post(webex, "workspaces", missing_name)))[0] == 400

    run(go())


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"mac": "F4CFE2A1B2C", "model": "DMS Cisco 8851"}, 400, "12 hexadecimal"),
        ({"mac": "F4:CF:E2:A1:B2:C3", "model": "DMS Cisco 8851"}, 400, "12 hexadecimal"),
        ({"mac": "F4CFE2A1B2CG", "model": "DMS Cisco 8851"}, 400, "12 hexadecimal"),
        ({"mac": "F4CFE2A1B2C3", "model": "Cisco IP Phone 8851"}, 400, "Valid model is required"),
        ({"mac": "F4CFE2A1B2C3"}, 400, "'model' is missing"),
        ({"model": "DMS Cisco 8851"}, 400, "'mac' is missing"),
        ({"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 8851", "owner": "both"}, 400, "exactly one"),
        ({"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 8851", "owner": "none"}, 400, "exactly one"),
        (
            {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 8851", "personId": "nobody"},
            404,
            "Person not found",
        ),
        (
            {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 8851", "workspaceId": "nowhere"},
            404,
            "Workspace not found",
        ),
    ],
)
def test_device_rules(body: dict[str, Any], status: int, text: str) -> None:
    sandbox = Sandbox()

    async def go() -> tuple[int | None, str]:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            ws = await _post(webex, "workspaces", _workspace(env))
            request = dict(body)
            owner = request.pop("owner", "person")
            if (
                owner in ("person", "both")
                and "personId" not in request
                and "workspaceId" not in request
            ):
                request["personId"] = env["person"]
            if owner == "both":
                request["workspaceId"] = ws["id"]
            return await _status(_post(webex, "devices", request, env["org"]))

    got, message = run(go())
    assert got == status and text in message, message


def test_a_mac_is_unique_and_a_device_goes_with_its_person() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            body = {"mac": "6C710D8A51F2", "model": "Cisco 8851", "personId": env["person"]}
            device = await _post(webex, "devices", body, env["org"])  # product name accepted
            assert device["personId"] == env["person"] and device["locationId"] == env["loc"]
            again = await _status(
                _post(webex, "devices", {**body, "mac": "6c710d8a51f2"}, env["org"])
            )
            assert again[0] == 409
            fetched = await webex.devices.get_device(device["id"], org_id=env["org"])
            assert fetched.mac == "6C710D8A51F2" and fetched.person_id == env["person"]
            await webex.wholesale.remove_subscriber(env["sub"])
            assert await webex.devices.find_device(env["org"], "6C710D8A51F2") is None
            assert (await _status(webex.devices.get_device(device["id"])))[0] == 404

    run(go())


def test_a_mac_another_org_holds_is_refused() -> None:
    sandbox = Sandbox()
    sandbox.state.devices["elsewhere"] = Device(
        id="elsewhere",
        org_id="ORG-OTHER",
        mac="6C710D8A51F2",
        model="DMS Cisco 8851",
        product="Cisco 8851",
        created="2026-01-01T00:00:00.000Z",
    )

    async def go() -> tuple[int, str]:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            body = {"mac": "6c710d8a51f2", "model": "Cisco 8851", "personId": env["person"]}
            return await _status(_post(webex, "devices", body, env["org"]))

    status, message = run(go())
    assert status == 400 and "[Error 5675] MAC Address is in use" in message, message
    assert list(sandbox.state.devices) == ["elsewhere"]  # nothing made for the asking org


def test_lists_page_with_link_and_filter() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            macs = [f"0004F2ABCD{i:02X}" for i in range(5)]
            for mac in macs:
                await _post(
                    webex,
                    "devices",
                    {"mac": mac, "model": "DMS Polycom VVX 400", "personId": env["person"]},
                    env["org"],
                )
            response = await webex.client.request(
                "GET", "devices", params={"orgId": env["org"], "max": 2}
            )
            assert len(response.json()["items"]) == 2 and 'rel="next"' in response.headers["Link"]
            listed = [d.mac async for d in webex.devices.list_devices(env["org"], max=2)]
            assert sorted(listed) == macs  # every page followed
            mine = [
                d.mac async for d in webex.devices.list_devices(env["org"], person_id=env["person"])
            ]
            assert len(mine) == 5
            await webex.devices.delete_device(
                (await webex.devices.find_device(env["org"], macs[0])).id,  # type: ignore[union-attr]
                org_id=env["org"],
            )
            assert len([d async for d in webex.devices.list_devices(env["org"])]) == 4

    run(go())


def test_devices_and_workspaces_survive_a_state_file() -> None:
    sandbox = Sandbox()

    async def go() -> None:
        async with in_process(sandbox) as webex:
            env = await _setup(webex)
            ws = await _post(webex, "workspaces", _workspace(env))
            await _post(
                webex,
                "devices",
                {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 7841", "workspaceId": ws["id"]},
                env["org"],
            )

    run(go())
    copy = SandboxState.from_json(sandbox.state.to_json())
    assert copy.workspaces == sandbox.state.workspaces and len(copy.devices) == 1
    assert copy.devices == sandbox.state.devices


# ---------------------------------------------------------------- contract

DEVICE_SPEC: dict[str, Any] = json.loads(
    resources.files("migrate.data.specs").joinpath("webex-device-subset.json").read_text()
)


@dataclasses.dataclass
class DeviceContract(httpx.AsyncBaseTransport):
    """Checks every /devices and /workspaces exchange against Cisco's device spec."""

    inner: httpx.AsyncBaseTransport
    openapi: OpenAPI
    checked: list[str] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if request.url.path.startswith(("/v1/devices", "/v1/workspaces")):
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


def test_device_and_workspace_exchanges_match_ciscos_device_spec() -> None:
    spec = copy.deepcopy(DEVICE_SPEC)
    spec["servers"] = [{"url": IN_PROCESS_URL}]
    sandbox = Sandbox()
    contract = DeviceContract(sandbox.transport(), OpenAPI.from_dict(spec))

    async def go() -> None:
        async with Webex(IN_PROCESS_URL, token=TOKEN, transport=contract) as webex:
            env = await _setup(webex)
            ws = await webex.devices.create_workspace(_workspace(env))
            assert await webex.devices.find_workspace(env["org"], "Lobby", env["loc"])
            await webex.devices.get_workspace(ws.id)
            person_phone = await webex.devices.create_device(
                env["org"],
                {"mac": "6C710D8A51F2", "model": "DMS Cisco 8851", "personId": env["person"]},
            )
            await webex.devices.create_device(
                env["org"], {"mac": "F4CFE2A1B2C3", "model": "DMS Cisco 7841", "workspaceId": ws.id}
            )
            assert await webex.devices.find_device(env["org"], "6C710D8A51F2")
            await webex.devices.get_device(person_phone.id, org_id=env["org"])
            await webex.devices.delete_device(person_phone.id, org_id=env["org"])
            await webex.devices.delete_workspace(ws.id)

    run(go())
    assert len(contract.checked) == 9, contract.checked
    assert contract.failures == []
