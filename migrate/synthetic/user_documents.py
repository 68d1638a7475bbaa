"""Users' documents: UserGet, their services and registrations, a few users a document."""

from __future__ import annotations

from migrate.synthetic import data as d
from migrate.synthetic.plans import ServiceProvider, User
from migrate.synthetic.sinks import MAX_COMMANDS
from migrate.synthetic.writer import ProviderWriter
from migrate.synthetic.xml import req, resp, table

USERS_PER_DOCUMENT = 7  # 2-3 commands each: up to 15 commands a document


REGISTRATION_HEADS = (
    "Device Level",
    "Device Name",
    "Order",
    "URI",
    "Expiration",
    "Line/Port",
    "Endpoint Type",
    "Public Net Address",
    "Public Port",
    "Private Net Address",
    "Private Port",
    "User Agent",
    "Lockout Started",
    "Lockout Expires",
    "Lockout Count",
    "Access Info",
    "Private Identity",
    "SIP Instance ID",
    "Supports Only CS Media",
    "Feature Parameters",
    "Supports Voice Over PS",
    "Path Header",
    "Registration Active",
    "P-Access-Network-Info",
)


def user_get(
    out: ProviderWriter, sp: ServiceProvider, u: User, group_id: str, country: d.Country
) -> str:
    rank = d.USER_RANK[u.version]
    parts = [f"<serviceProviderId>{sp.sp_id}</serviceProviderId><groupId>{group_id}</groupId>"]
    if rank >= d.USER_RANK["22"]:
        parts.append(f"<userId>{u.user_id}</userId>")
    parts.append(
        f"<lastName>{u.last}</lastName><firstName>{u.first}</firstName>"
        f"<callingLineIdLastName>{u.last}</callingLineIdLastName>"
        f"<callingLineIdFirstName>{u.first}</callingLineIdFirstName>"
        f"<hiraganaLastName>{u.last}</hiraganaLastName>"
        f"<hiraganaFirstName>{u.first}</hiraganaFirstName>"
    )
    if u.phone:
        parts.append(f"<phoneNumber>{u.phone}</phoneNumber>")
    parts.append(f"<extension>{u.extension}</extension>")
    if u.department:
        parts.append(
            f'<department xsi:type="GroupDepartmentKey"><serviceProviderId>{sp.sp_id}'
            f"</serviceProviderId><groupId>{group_id}</groupId><name>{u.department}</name>"
            f"</department><departmentFullPath>{u.department} ({group_id})</departmentFullPath>"
        )
    parts.append(
        f"<language>{u.language}</language><timeZone>{u.zone}</timeZone>"
        f"<timeZoneDisplayName>{u.zone_display}</timeZoneDisplayName>"
        f"<defaultAlias>{u.local}@{sp.domain}</defaultAlias>"
    )
    if u.device:
        hotline = "<useHotline>false</useHotline>" if rank >= d.USER_RANK["22"] else ""
        parts.append(
            "<accessDeviceEndpoint><accessDevice><deviceLevel>Group</deviceLevel>"
            f"<deviceName>{u.device.name}</deviceName></accessDevice>"
            f"<linePort>{u.local}@{sp.domain}</linePort>"
            "<staticRegistrationCapable>false</staticRegistrationCapable>"
            "<useDomain>true</useDomain>"
            f"<supportVisualDeviceManagement>false</supportVisualDeviceManagement>{hotline}"
            "</accessDeviceEndpoint>"
        )
    if u.title:
        parts.append(f"<title>{u.title}</title>")
    if u.email:
        parts.append(f"<emailAddress>{u.email}</emailAddress>")
    parts.append(f"<countryCode>{country.calling_code}</countryCode>")
    if country.national_prefix:
        parts.append(f"<nationalPrefix>{country.national_prefix}</nationalPrefix>")
    if rank >= d.USER_RANK["22V5"]:
        parts.append("<allowVideo>true</allowVideo>")
    if rank >= d.USER_RANK["22V9"]:
        parts.append(f"<isPlace>{'true' if u.place else 'false'}</isPlace>")
    return resp(f"UserGetResponse{u.version}", "".join(parts), prefixed=u.prefixed)


def write_user_documents(
    out: ProviderWriter,
    sp: ServiceProvider,
    group_id: str,
    rel: str,
    country: d.Country,
    users: list[User],
) -> None:
    chunk: list[tuple[str, str]] = []
    number = 0
    in_chunk = 0
    assignment_list = sp.release.name in ("R20", "R21")
    for u in users:
        commands = user_commands(out, sp, group_id, country, u, assignment_list)
        full = len(chunk) + len(commands) > MAX_COMMANDS or in_chunk >= USERS_PER_DOCUMENT
        if chunk and full:
            number += 1
            out.writer.write(f"{rel}/users-{number:03d}.xml", sp.encoding, chunk)
            chunk, in_chunk = [], 0
        chunk.extend(commands)
        in_chunk += 1
    if chunk:
        number += 1
        out.writer.write(f"{rel}/users-{number:03d}.xml", sp.encoding, chunk)


def user_commands(
    out: ProviderWriter,
    sp: ServiceProvider,
    group_id: str,
    country: d.Country,
    u: User,
    assignment_list: bool,
) -> list[tuple[str, str]]:
    key = f"<userId>{u.user_id}</userId>"
    commands = [(req(f"UserGetRequest{u.version}", key), user_get(out, sp, u, group_id, country))]
    if assignment_list or u.extension.endswith("7"):
        packs = [(name, "true" if name in u.packs else "false", desc) for name, desc, _ in sp.packs]
        authorised: list[str] = []
        for _, _, contents in sp.packs:
            authorised.extend(s for s in contents if s not in authorised)
        authorised.extend(s for s in (*d.EXTRA_SERVICES, *d.PLACE_SERVICES) if s not in authorised)
        on = set(u.services)
        services = [(s, "true" if s in on else "false") for s in authorised]
        commands.append(
            (
                req("UserServiceGetAssignmentListRequest", key),
                resp(
                    "UserServiceGetAssignmentListResponse",
                    table(
                        "servicePacksAssignmentTable",
                        ("Service Pack Name", "Assigned", "Description"),
                        packs,
                    )
                    + table("userServicesAssignmentTable", ("Service Name", "Assigned"), services),
                ),
            )
        )
    else:
        entries = "".join(
            f"<userServiceEntry><serviceName>{s}</serviceName>"
            "<isActive>true</isActive></userServiceEntry>"
            for s in u.services
        )
        commands.append(
            (
                req("UserAssignedServicesGetListRequest", key),
                resp("UserAssignedServicesGetListResponse", entries),
            )
        )
    if u.registration and u.device is not None:
        dev = u.device
        row = (
            "Group",
            dev.name,
            "1",
            f"sip:{u.local}@{dev.net}:5060;transport=udp",
            "Mon Jul 28 14:32:07 EDT 2025",
            f"{u.local}@{sp.domain}",
            "Primary",
            "",
            "",
            dev.net,
            "5060",
            dev.model.user_agent or "",
            "",
            "",
            "0",
            "",
            "",
            "",
            "false",
            "",
            "false",
            "",
            "true",
            "",
        )
        commands.append(
            (
                req("UserGetRegistrationListRequest", key),
                resp(
                    "UserGetRegistrationListResponse",
                    table("registrationTable", REGISTRATION_HEADS, [row]),
                ),
            )
        )
    return commands
