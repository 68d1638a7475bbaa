"""Precheck of the phones: an unsupported model and a MAC another org holds are
blockers naming the device and the reason, from the library and from the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from migrate.mapping.supported_devices import Catalogue, shipped
from migrate.mapping.tables import load_tables
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.precheck.devices import device_findings, model_findings
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex
from tests.conftest import invoke
from tests.migration_helpers import SAMPLES, common, stage
from tests.webex_helpers import customer_body, subscriber_body

BOB = "acme-ent/acme-hq/hq-bob-8865"
ALICE = "acme-ent/acme-hq/hq-alice-8851"
ALICE_MAC = "6C710D8A51F2"


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = stage(tmp_path, SAMPLES / "acme-enterprise")
    devices = list(wm.read(root / "w", "devices"))
    for device in devices:
        if device.id == BOB:
            device.model = "DMS Cisco 88651"  # a typo in a hand edit
    lines = [json.dumps(wm.to_record(d), sort_keys=True) for d in devices]
    (root / "w" / "model" / "devices.jsonl").write_text("\n".join(lines) + "\n")
    return root


def claim_elsewhere(state_file: Path, mac: str) -> None:
    """Another customer of the partner already has a phone with ``mac``."""
    sandbox = Sandbox(state_file=state_file)

    async def go() -> None:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()
        ) as webex:
            customer_id = await webex.wholesale.provision_customer(customer_body("someone"))
            customer = await webex.wholesale.wait_for_customer(customer_id, interval=0.001)
            assert customer.org_id
            sub = await webex.wholesale.provision_subscriber(
                subscriber_body(customer_id, "owner@someone.example")
            )
            await webex.devices.create_device(
                customer.org_id, {"mac": mac, "model": "DMS Cisco 8851", "personId": sub.person_id}
            )

    asyncio.run(go())
    sandbox.save()


def test_an_unsupported_model_is_a_blocker_with_the_closest_supported_one() -> None:
    device = wm.Device(
        id="sp/g/front",
        customer_id="sp",
        location_id="sp/g",
        bw_key={},
        device_name="front",
        model="DMS Poly Edge E400",  # the name devices.csv used to guess
        migrate=True,
    )
    (finding,) = model_findings([device], shipped(), "the list")
    assert (finding.severity, finding.rule, finding.key) == (
        "blocker",
        "device_model_unsupported",
        "sp/g/front",
    )
    assert "front" in finding.message and "DMS Poly Edge E400" in finding.message
    assert "'DMS Polycom EE400'" in finding.hint
    device.model = "DMS Polycom EE400"
    assert model_findings([device], shipped(), "the list") == []
    device.migrate, device.model = False, "anything"  # not migrated: not checked
    assert model_findings([device], Catalogue({}), "the list") == []


@pytest.mark.parametrize(
    ("device_type", "agent", "model"),
    [
        ("Polycom Edge", "PolyEdge-Edge_E400-UA/8.0.2", "DMS Polycom EE400"),
        ("Poly Edge E100", "", "DMS Polycom EE100"),
        ("Polycom CCX", "Polycom-CCX_600/8.1", "DMS Polycom CCX600"),
        ("Polycom VVX 450", "", "DMS Polycom VVX 450"),
        ("Yealink-T46U", "Yealink SIP-T46U 108.86.0.45", "Generic IPPhone Customer Managed"),
        ("Cisco 8845", "", "DMS Cisco 8845"),
    ],
)
def test_devices_csv_names_models_of_the_supported_list(
    device_type: str, agent: str, model: str
) -> None:
    match = load_tables().devices.classify(device_type, [agent] if agent else [])
    assert match.model == model
    assert model in shipped().devices


def test_a_mac_another_org_holds_is_a_blocker_before_cutover(acme: Path) -> None:
    state = acme / "w" / "sandbox-state.json"
    claim_elsewhere(state, ALICE_MAC)
    sandbox = Sandbox(state_file=state)
    devices = list(wm.read(acme / "w", "devices"))
    actions = builder.build(acme / "w", acme / "migrate.toml", None).actions

    async def go() -> tuple[list[Any], int, int]:
        async with Webex(
            IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=sandbox.transport()
        ) as webex:
            return await device_findings(webex, devices, actions)

    findings, answered, refused = asyncio.run(go())
    assert (answered, refused) == (2, 0)  # the list, and one validateMacs for acme
    blockers = {(f.key, f.rule): f for f in findings if f.severity == "blocker"}
    assert set(blockers) == {(ALICE, "mac_unavailable"), (BOB, "device_model_unsupported")}
    claimed = blockers[(ALICE, "mac_unavailable")]
    assert ALICE_MAC in claimed.message and "MAC Address is in use" in claimed.message
    assert claimed.source == "webex" and "another organisation" in claimed.hint


def test_the_cli_blocks_on_both_and_strict_refuses(acme: Path) -> None:
    claim_elsewhere(acme / "w" / "sandbox-state.json", ALICE_MAC)
    code, out, err = invoke("precheck", *common(acme), "--sandbox", "--json")
    assert code == 0, err
    found = {
        (f["key"], f["rule"]): f
        for f in json.loads(out)["findings"]
        if f["severity"] == "blocker" and f["entity"] == "device"
    }
    assert set(found) == {(ALICE, "mac_unavailable"), (BOB, "device_model_unsupported")}
    assert "hq-bob-8865" in found[(BOB, "device_model_unsupported")]["message"]
    assert "'DMS Cisco 8865'" in found[(BOB, "device_model_unsupported")]["hint"]
    code, _out, err = invoke("precheck", *common(acme), "--sandbox", "--strict")
    assert code == 3, err
    # Offline, the shipped list still finds the model (MACs need Webex).
    code, out, err = invoke("precheck", *common(acme), "--json")
    rules = {(f["key"], f["rule"]) for f in json.loads(out)["findings"]}
    assert (BOB, "device_model_unsupported") in rules
    assert (ALICE, "mac_unavailable") not in rules
