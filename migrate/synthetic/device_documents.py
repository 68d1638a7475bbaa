"""Devices' documents: GroupAccessDeviceGet, and the line lists of shared appearances."""

from __future__ import annotations

import random

from migrate.synthetic import data as d
from migrate.synthetic.plans import ServiceProvider, User
from migrate.synthetic.sinks import MAX_COMMANDS
from migrate.synthetic.writer import ProviderWriter
from migrate.synthetic.xml import req, resp, table

DEVICE_USER_HEADS = (
    "Line/Port",
    "Last Name",
    "First Name",
    "Phone Number",
    "User Id",
    "User Type",
    "Endpoint Type",
    "Order",
    "Primary Line/Port",
    "Extension",
    "Department",
    "Email Address",
    "Private Identity",
)


def write_device_documents(
    out: ProviderWriter,
    sp: ServiceProvider,
    group_id: str,
    rel: str,
    rng: random.Random,
    users: list[User],
    cc: str,
) -> None:
    version = sp.release.device
    echoes = version in d.ECHOING_DEVICE_VERSIONS
    keys = f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"
    chunk: list[tuple[str, str]] = []
    number = 0

    def flush() -> None:
        nonlocal chunk, number
        number += 1
        lone = echoes and rng.random() < 0.5
        if lone:
            out.quirk("lone_response_documents")
        out.writer.write(f"{rel}/devices-{number:03d}.xml", sp.encoding, chunk, lone=lone)
        chunk = []

    for u in users:
        dev = u.device
        if dev is None:
            continue
        model = dev.model
        ports = (
            "<numberOfPorts><unlimited>true</unlimited></numberOfPorts>"
            if model.ports is None
            else f"<numberOfPorts><quantity>{model.ports}</quantity></numberOfPorts>"
        )
        body = [f"<deviceType>{model.device_type}</deviceType><protocol>SIP 2.0</protocol>"]
        if dev.mac:
            body.append(f"<netAddress>{dev.net}</netAddress><macAddress>{dev.mac}</macAddress>")
        body.append(
            f"{ports}<numberOfAssignedPorts>{1 + len(u.sca_on)}</numberOfAssignedPorts>"
            "<status>Online</status><configurationMode>Default</configurationMode>"
            "<transportProtocol>Unspecified</transportProtocol>"
            "<useCustomUserNamePassword>false</useCustomUserNamePassword>"
        )
        if model.ua_in in ("version", "both") and model.user_agent:
            body.append(f"<version>{model.user_agent}</version>")
        if version == "22V2":
            body.append("<useHotline>false</useHotline>")
        if echoes:
            body.append(f"{keys}<deviceName>{dev.name}</deviceName>")
        chunk.append(
            (
                req(
                    f"GroupAccessDeviceGetRequest{version}",
                    f"{keys}<deviceName>{dev.name}</deviceName>",
                ),
                resp(f"GroupAccessDeviceGetResponse{version}", "".join(body)),
            )
        )
        if len(chunk) == MAX_COMMANDS:
            flush()
    if chunk:
        flush()

    # Devices with a shared call appearance: their user lists (no key echo: paired).
    sca: list[tuple[str, str]] = []
    number = 0
    owners: dict[str, list[User]] = {}
    for u in users:
        for owner in u.sca_on:
            owners.setdefault(owner.user_id, [owner]).append(u)
    for lines in owners.values():
        owner = lines[0]
        assert owner.device is not None
        rows = []
        for order, line_user in enumerate(lines, 1):
            line_port = (
                f"{line_user.local}@{sp.domain}"
                if order == 1
                else f"{line_user.local}_sca{order - 1}@{sp.domain}"
            )
            rows.append(
                (
                    line_port,
                    line_user.last,
                    line_user.first,
                    f"+{cc}-{line_user.phone}" if line_user.phone else "",
                    line_user.user_id,
                    "Normal",
                    "Primary" if order == 1 else "Shared Call Appearance",
                    str(order),
                    "true" if order == 1 else "false",
                    line_user.extension,
                    "",
                    line_user.email or "",
                    "",
                )
            )
        sca.append(
            (
                req(
                    "GroupAccessDeviceGetUserListRequest21sp1",
                    f"{keys}<deviceName>{owner.device.name}</deviceName>",
                ),
                resp(
                    "GroupAccessDeviceGetUserListResponse21sp1",
                    table("deviceUserTable", DEVICE_USER_HEADS, rows),
                ),
            )
        )
        if len(sca) == MAX_COMMANDS:
            number += 1
            out.writer.write(f"{rel}/device-users-{number:03d}.xml", sp.encoding, sca)
            sca = []
    if sca:
        number += 1
        out.writer.write(f"{rel}/device-users-{number:03d}.xml", sp.encoding, sca)
