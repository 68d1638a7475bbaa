"""A group's own document: GroupGet, its user list, its DN table and its device list."""

from __future__ import annotations

import random

from migrate.synthetic import data as d
from migrate.synthetic.plans import Instance, ServiceProvider, User
from migrate.synthetic.writer import ProviderWriter
from migrate.synthetic.xml import esc, req, resp, table

USER_LIST_HEADS = (
    "User Id",
    "Last Name",
    "First Name",
    "Department",
    "Phone Number",
    "Phone Number Activated",
    "Email Address",
    "Hiragana Last Name",
    "Hiragana First Name",
    "In Trunk Group",
    "Extension",
    "Country Code",
    "National Prefix",
)
DN_HEADS = (
    "Phone Numbers",
    "Department",
    "Activated",
    "User Id",
    "Last Name",
    "First Name",
    "Extension",
    "Email Address",
    "User Type",
    "Country Code",
    "National Prefix",
)
DEVICE_LIST_HEADS = (
    "Device Name",
    "Device Type",
    "Available Ports",
    "Net Address",
    "MAC Address",
    "Status",
    "Version",
    "Access Device External Id",
)


def write_group_document(
    out: ProviderWriter,
    sp: ServiceProvider,
    g: int,
    rel: str,
    rng: random.Random,
    country: d.Country,
    zone: tuple[str, str],
    users: list[User],
    instances: list[Instance],
    free_numbers: list[str],
) -> None:
    group_id = sp.group_ids[g]
    cc, np = country.calling_code, country.national_prefix
    version = sp.release.group
    first_number = next((u.phone for u in users if u.phone), None) or (
        instances[0].phone if instances else None
    )
    city, state, postal = rng.choice(country.cities)
    street = f"{rng.randint(1, 999)} {rng.choice(country.streets)}"
    if rng.random() < 0.05:
        # Longer than the 50 characters the Wholesale API accepts in an address line.
        street = f"{sp.group_names[g]} Building, {street}, Suite {rng.randint(100, 999)}"
        out.quirk("long_address_lines")
    address = (
        f"<address><addressLine1>{esc(street)}</addressLine1><city>{city}</city>"
        f"<stateOrProvince>{state}</stateOrProvince><zipOrPostalCode>{postal}"
        f"</zipOrPostalCode><country>{rng.choice(country.spellings)}</country></address>"
    )
    clid = ""
    if first_number:
        clid = (
            f"<callingLineIdPhoneNumber>+{cc}{first_number}</callingLineIdPhoneNumber>"
            f"<callingLineIdDisplayPhoneNumber>{np}{first_number}"
            "</callingLineIdDisplayPhoneNumber>"
        )
    name = esc(sp.group_names[g])
    head = (
        f"<defaultDomain>{sp.domain}</defaultDomain>"
        f"<userLimit>{max(len(users) * 2, 25)}</userLimit>"
        f"<userCount>{len(users)}</userCount>"
        f"<groupName>{name}</groupName><callingLineIdName>{name}</callingLineIdName>"
    )
    zone_xml = f"<timeZone>{zone[0]}</timeZone><timeZoneDisplayName>{zone[1]}</timeZoneDisplayName>"
    if version == "14sp7":
        body = head + zone_xml + clid + address
    else:
        body = head + clid + zone_xml + address
    keys = f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"
    if version in d.ECHOING_GROUP_VERSIONS:
        body += keys
    pairs = [(req(f"GroupGetRequest{version}", keys), resp(f"GroupGetResponse{version}", body))]

    user_heads = list(USER_LIST_HEADS)
    if sp.reorder_columns:
        user_heads = user_heads[1:3] + user_heads[:1] + user_heads[3:]
    if sp.extra_columns:
        user_heads.insert(4, d.EXTRA_USER_COLUMN)
    user_rows = []
    for u in users:
        cells = {
            "User Id": u.user_id,
            "Last Name": u.last,
            "First Name": u.first,
            "Department": u.department or "",
            "Phone Number": f"+{cc}-{u.phone}" if u.phone else "",
            "Phone Number Activated": "true" if u.phone else "false",
            "Email Address": u.email or "",
            "Hiragana Last Name": u.last,
            "Hiragana First Name": u.first,
            "In Trunk Group": "false",
            "Extension": u.extension,
            "Country Code": cc,
            "National Prefix": np,
            d.EXTRA_USER_COLUMN: f"{u.last}, {u.first}",
        }
        user_rows.append([cells[h] for h in user_heads])
    pairs.append(
        (
            req(
                "UserGetListInGroupRequest",
                f"<serviceProviderId>{sp.sp_id}</serviceProviderId><GroupId>{group_id}</GroupId>"
                "<responseSizeLimit>1000</responseSizeLimit>",
            ),
            resp("UserGetListInGroupResponse", table("userTable", user_heads, user_rows)),
        )
    )

    dn_rows: list[tuple[str, ...]] = []
    for inst in instances:
        label = {"hg": "Hunt Group", "cc": "Call Center", "aa": "Auto Attendant"}[inst.kind]
        dn_rows.append(
            (
                f"+{cc}-{inst.phone}",
                "",
                "true",
                inst.service_user_id,
                esc(inst.name),
                label,
                inst.extension,
                "",
                label,
                cc,
                np,
            )
        )
    for u in users:
        if u.phone:
            dn_rows.append(
                (
                    f"+{cc}-{u.phone}",
                    u.department or "",
                    "true",
                    u.user_id,
                    u.last,
                    u.first,
                    u.extension,
                    u.email or "",
                    "Normal",
                    cc,
                    np,
                )
            )
    if len(free_numbers) == 1:
        dn_rows.append((f"+{cc}-{free_numbers[0]}", "", "false", "", "", "", "", "", "", cc, np))
    elif free_numbers:
        dn_rows.append(
            (
                f"+{cc}-{free_numbers[0]} - +{cc}-{free_numbers[-1]}",
                "",
                "false",
                "",
                "",
                "",
                "",
                "",
                "",
                cc,
                np,
            )
        )
    pairs.append(
        (
            req("GroupDnGetAssignmentListRequest18", keys),
            resp("GroupDnGetAssignmentListResponse18", table("dnTable", DN_HEADS, dn_rows)),
        )
    )

    device_heads = list(DEVICE_LIST_HEADS)
    if sp.reorder_columns:
        device_heads = device_heads[4:5] + device_heads[:4] + device_heads[5:]
    if sp.extra_columns:
        device_heads.insert(5, d.EXTRA_DEVICE_COLUMN)
    device_rows = []
    for u in users:
        dev = u.device
        if dev is None:
            continue
        model = dev.model
        ports = "Unlimited" if model.ports is None else str(model.ports - 1 - len(u.sca_on))
        cells = {
            "Device Name": dev.name,
            "Device Type": model.device_type,
            "Available Ports": ports,
            "Net Address": dev.net if dev.mac else "",
            "MAC Address": dev.mac or "",
            "Status": "Online",
            "Version": (model.user_agent or "") if model.ua_in in ("version", "both") else "",
            "Access Device External Id": "",
            d.EXTRA_DEVICE_COLUMN: f"site={group_id}",
        }
        device_rows.append([cells[h] for h in device_heads])
    pairs.append(
        (
            req(
                "GroupAccessDeviceGetListRequest",
                f"{keys}<responseSizeLimit>1000</responseSizeLimit>",
            ),
            resp(
                "GroupAccessDeviceGetListResponse",
                table("accessDeviceTable", device_heads, device_rows),
            ),
        )
    )
    out.writer.write(f"{rel}/group.xml", sp.encoding, pairs)
