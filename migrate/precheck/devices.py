"""Precheck of the phones: is each model one Webex supports, is each MAC free to claim?

* Every device the map migrates must name a model of Webex's supported-devices list
  (live with Webex, else the shipped copy): a blocker names the device and the
  closest supported model.
* With Webex, the MACs of the planned devices go through ``validateMacs`` (per
  customer: the org of a customer that already exists, else the partner's), so a
  phone another organisation holds is found before cutover, not by a failed add.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable

from migrate.mapping.supported_devices import Catalogue, shipped
from migrate.plan import model as wm
from migrate.plan.actions import CREATE_CUSTOMER, CREATE_DEVICE, Action
from migrate.precheck.rules import Finding
from migrate.webex import Webex, WebexError

MAC_BATCH = 100  # MACs per validateMacs call
_MAC_RULES = {
    "UNAVAILABLE": (
        "mac_unavailable",
        "the phone is registered to another organisation: have it released there "
        "(Control Hub > Devices) or correct the MAC",
    ),
    "INVALID": ("mac_invalid", "correct the MAC in BroadWorks or on the review's Devices sheet"),
    "DUPLICATE_IN_LIST": ("mac_duplicate", "two devices share this MAC: correct one of them"),
}


def model_findings(devices: Iterable[wm.Device], catalogue: Catalogue, where: str) -> list[Finding]:
    """A blocker for each migrated device whose model ``catalogue`` does not list."""
    out: list[Finding] = []
    for device in devices:
        if not device.migrate or not device.model or device.model in catalogue.devices:
            continue
        closest = catalogue.closest(device.model)
        out.append(
            Finding(
                "blocker",
                "device_model_unsupported",
                "device",
                device.id,
                device.customer_id,
                f"{device.device_name}: model {device.model!r} is not in {where}",
                (f"closest supported model: {closest!r}; " if closest else "")
                + "correct the model rule in mappings/devices.csv and re-run map",
            )
        )
    return out


async def live_catalogue(webex: Webex) -> tuple[Catalogue | None, list[Finding]]:
    try:
        return Catalogue.from_wire(await webex.devices.supported_devices()), []
    except WebexError as err:
        return None, [
            Finding(
                "warning",
                "supported_devices_unread",
                "config",
                "supportedDevices",
                None,
                f"Webex did not give its supported-devices list ({err}): models were "
                "checked against the shipped copy",
                "run precheck again",
                source="webex",
            )
        ]


async def mac_findings(webex: Webex, actions: list[Action]) -> tuple[list[Finding], int, int]:
    """Findings, and how many validateMacs calls Webex answered and refused."""
    customers = {a.customer: a for a in actions if a.type == CREATE_CUSTOMER}
    by_customer: dict[str, dict[str, str]] = defaultdict(dict)  # customer → MAC → device
    for action in actions:
        if action.type == CREATE_DEVICE:
            device = action.key.split(":", 1)[1]
            by_customer[action.customer][str(action.payload["body"]["mac"])] = device
    findings: list[Finding] = []
    answered = refused = 0

    async def one(customer: str, macs: dict[str, str]) -> None:
        nonlocal answered, refused
        org_id: str | None = None
        create = customers.get(customer)
        try:
            if create is not None:
                found = await webex.wholesale.find_customer(
                    create.payload["body"]["externalId"],
                    on_behalf_of=create.payload["params"].get("onBehalfOfSubPartnerOrgId"),
                )
                org_id = found.org_id if found is not None else None
            listed = sorted(macs)
            for start in range(0, len(listed), MAC_BATCH):
                batch = listed[start : start + MAC_BATCH]
                statuses = await webex.devices.validate_macs(batch, org_id=org_id)
                answered += 1
                for status in statuses:
                    rule = _MAC_RULES.get(status.state)
                    device = macs.get(status.mac.upper())
                    if rule is None or device is None:
                        continue
                    why = status.message or status.state.lower()
                    findings.append(
                        Finding(
                            "blocker",
                            rule[0],
                            "device",
                            device,
                            customer,
                            f"{device}: MAC {status.mac}: {why}",
                            rule[1],
                            source="webex",
                        )
                    )
        except WebexError as err:
            refused += 1
            findings.append(
                Finding(
                    "warning",
                    "mac_unchecked",
                    "customer",
                    customer,
                    customer,
                    f"Webex could not check the customer's MACs: {err}",
                    "run precheck again",
                    source="webex",
                )
            )

    await asyncio.gather(*(one(c, macs) for c, macs in sorted(by_customer.items())))
    return findings, answered, refused


async def device_findings(
    webex: Webex | None, devices: list[wm.Device], actions: list[Action] | None
) -> tuple[list[Finding], int, int]:
    """Model findings (live list when Webex is asked) and, with Webex, MAC findings."""
    if webex is None:
        return (
            model_findings(devices, shipped(), "Webex's supported-devices list (shipped copy)"),
            0,
            0,
        )
    live, findings = await live_catalogue(webex)
    where = "Webex's supported-devices list"
    catalogue = live or shipped()
    findings += model_findings(devices, catalogue, where if live else f"{where} (shipped copy)")
    macs, answered, refused = await mac_findings(webex, actions or [])
    return findings + macs, answered + (live is not None), refused + (live is None)
