"""Protocol-level checks of the hand-made exports under samples/.

These tests read the samples as an OCI-P client would (lxml, by local name
and ``xsi:type``), never through ``migrate.extract``: the samples are the
extractor's input, so they are checked against the protocol and against the
expected counts their READMEs promise. ``census`` is also used by
tests/test_synthetic.py to check the synthetic manifest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_NAMES = ["acme-enterprise", "metro-sp-group-mode"]
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
RESPONSE_SUFFIX = ".response.xml"
DECLARATION = re.compile(rb'^<\?xml version="1\.0" encoding="([^"]+)"\?>')
MPP_TYPE = "Cisco-CP-78xx-88xx-68xx-3PCC"


# ---- reading ------------------------------------------------------------------------------------


def parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser).getroot()


def local_type(command: etree._Element) -> str:
    return (command.get(XSI_TYPE) or "").split(":")[-1]


def commands_of(path: Path) -> list[etree._Element]:
    return [c for c in parse(path) if etree.QName(c).localname == "command"]


def request_of(response: Path) -> Path:
    return response.with_name(response.name[: -len(RESPONSE_SUFFIX)])


def table_rows(table: etree._Element) -> list[dict[str, str]]:
    heads = [h.text or "" for h in table.findall("colHeading")]
    rows = []
    for row in table.findall("row"):
        cells = [c.text or "" for c in row.findall("col")]
        assert len(cells) == len(heads), f"{table.tag}: {len(cells)} cells, {len(heads)} headings"
        rows.append(dict(zip(heads, cells, strict=True)))
    return rows


def tables(command: etree._Element) -> dict[str, etree._Element]:
    return {c.tag: c for c in command if c.find("colHeading") is not None}


def e164(raw: str) -> str:
    return "+" + re.sub(r"\D", "", raw)


def expand(cell: str) -> list[str]:
    """A "Phone Numbers" cell: one number, or an inclusive range ``A - B``."""
    if " - " not in cell:
        return [e164(cell)]
    low, high = (e164(part) for part in cell.split(" - "))
    assert len(low) == len(high), cell
    return ["+" + str(n) for n in range(int(low[1:]), int(high[1:]) + 1)]


def chain(kind: str) -> str:
    """``UserGetResponse22V5`` -> ``UserGetResponse`` (the version suffix dropped)."""
    return re.sub(r"(\d+(sp\d+)?(V\d+)?)$", "", kind)


@dataclass
class Cmd:
    path: Path
    index: int
    response: etree._Element
    request: etree._Element | None

    @property
    def kind(self) -> str:
        return local_type(self.response)

    def key(self, name: str) -> str:
        """A key echoed by the response, else taken from the request (old versions)."""
        value = self.response.findtext(name)
        if value is None and self.request is not None:
            value = self.request.findtext(name)
        assert value is not None, f"{self.path.name} #{self.index} {self.kind}: no {name}"
        return value


def iter_commands(export: Path) -> Iterator[Cmd]:
    for path in sorted(export.rglob("*.xml" + RESPONSE_SUFFIX)):
        responses = commands_of(path)
        request = request_of(path)
        requests: list[etree._Element | None] = (
            list(commands_of(request)) if request.exists() else [None] * len(responses)
        )
        assert len(requests) == len(responses), path
        for index, (response, req) in enumerate(zip(responses, requests, strict=True), 1):
            yield Cmd(path, index, response, req)


# Per-user service settings: one inventory record per user and service.
USER_SETTINGS = {
    "UserCallForwardingAlwaysGetResponse",
    "UserCallForwardingBusyGetResponse",
    "UserCallForwardingNoAnswerGetResponse",
    "UserDoNotDisturbGetResponse",
    "UserCallWaitingGetResponse",
    "UserVoiceMessagingUserGetVoiceManagementResponse",
}
KNOWN_SILENT = {
    "GroupCallCenterGetAgentListResponse",  # a call center's agents: part of its feature
    "UserServiceGetAssignmentListResponse",
    "UserAssignedServicesGetListResponse",
    "UserGetRegistrationListResponse",
}


def census(export: Path) -> dict[str, int]:
    """Count an export by the extract counting rules, straight from the protocol."""
    sps: set[str] = set()
    groups: set[tuple[str, str]] = set()
    users: set[str] = set()
    numbers: set[str] = set()
    devices: set[tuple[str, str, str]] = set()
    instances: set[str] = set()
    packs: set[tuple[str, str]] = set()
    languages: set[str] = set()
    zones: set[str] = set()
    settings: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    for cmd in iter_commands(export):
        kind, base, found = cmd.kind, chain(cmd.kind), tables(cmd.response)
        if kind == "ErrorResponse":
            counts["warnings"] += 1
        elif kind == "ServiceProviderGetListResponse":
            sps.update(r["Service Provider Id"] for r in table_rows(found["serviceProviderTable"]))
        elif base == "ServiceProviderGetResponse":
            sps.add(cmd.key("serviceProviderId"))
        elif kind == "GroupGetListInServiceProviderResponse":
            sp = cmd.key("serviceProviderId")
            groups.update((sp, r["Group Id"]) for r in table_rows(found["groupTable"]))
        elif base == "GroupGetResponse":
            groups.add((cmd.key("serviceProviderId"), cmd.key("groupId")))
        elif kind == "UserGetListInGroupResponse":
            users.update(r["User Id"] for r in table_rows(found["userTable"]))
        elif base == "UserGetResponse":
            users.add(cmd.key("userId"))
            phone = cmd.response.findtext("phoneNumber")
            if phone:
                numbers.add(e164(cmd.response.findtext("countryCode", "") + phone))
            device = cmd.response.find("accessDeviceEndpoint/accessDevice")
            if device is not None and device.findtext("deviceLevel") == "Group":
                devices.add(
                    (
                        cmd.key("serviceProviderId"),
                        cmd.key("groupId"),
                        device.findtext("deviceName", ""),
                    )
                )
        elif base == "GroupDnGetAssignmentListResponse":
            for row in table_rows(found["dnTable"]):
                numbers.update(expand(row["Phone Numbers"]))
        elif kind == "ServiceProviderServicePackGetDetailListResponse":
            packs.add((cmd.key("serviceProviderId"), cmd.key("servicePackName")))
        elif kind == "GroupAccessDeviceGetListResponse":
            sp, group = cmd.key("serviceProviderId"), cmd.key("groupId")
            rows = table_rows(found["accessDeviceTable"])
            devices.update((sp, group, r["Device Name"]) for r in rows)
        elif base in ("GroupAccessDeviceGetResponse", "GroupAccessDeviceGetUserListResponse"):
            devices.add((cmd.key("serviceProviderId"), cmd.key("groupId"), cmd.key("deviceName")))
        elif base in (
            "GroupHuntGroupGetInstanceResponse",
            "GroupCallCenterGetInstanceResponse",
            "GroupAutoAttendantGetInstanceResponse",
        ):
            instances.add(cmd.key("serviceUserId"))
            profile = cmd.response.find("serviceInstanceProfile")
            assert profile is not None
            phone = profile.findtext("phoneNumber")
            if phone:
                numbers.add(e164(profile.findtext("countryCode", "") + phone))
        elif kind == "SystemLanguageGetListResponse":
            languages.update(r["Language"] for r in table_rows(found["languageTable"]))
        elif base == "SystemTimeZoneGetListResponse":
            zones.update(r["Key"] for r in table_rows(found["timeZoneTable"]))
        elif base in USER_SETTINGS:
            settings.add((cmd.key("userId"), base))
        elif kind not in KNOWN_SILENT:
            counts["unknown_commands"] += 1
            if base.startswith("User") and "Get" in base:
                counts["warnings"] += 1  # an unknown per-user read names its user
    return {
        "service_providers": len(sps),
        "groups": len(groups),
        "users": len(users),
        "numbers": len(numbers),
        "devices": len(devices),
        "service_instances": len(instances),
        "service_packs": len(packs),
        "languages": len(languages),
        "time_zones": len(zones),
        "warnings": counts["warnings"],
        "unknown_commands": counts["unknown_commands"],
        "user_settings": len(settings),
    }


def readme_counts(sample: Path) -> dict[str, int]:
    """The "Expected extract counts" table of a sample README."""
    text = (sample / "README.md").read_text(encoding="utf-8")
    section = text.split("## Expected extract counts", 1)[1].split("\n## ", 1)[0]
    counts = {}
    for line in section.splitlines():
        match = re.match(r"^\|\s*([a-z_ ]+?)\s*\|\s*(\d+)\s*\|", line)
        if match:
            counts[match.group(1).replace(" ", "_")] = int(match.group(2))
    return counts


def check_document(path: Path) -> etree._Element:
    """Envelope, declaration and encoding of one file; returns its root."""
    data = path.read_bytes()
    declared = DECLARATION.match(data)
    assert declared, f"{path}: no XML declaration with an encoding"
    encoding = declared.group(1).decode("ascii")
    assert encoding in ("ISO-8859-1", "UTF-8"), f"{path}: {encoding}"
    if encoding == "UTF-8":
        data.decode("utf-8")  # raises when the bytes lie about the declaration
    elif any(b > 0x7F for b in data):
        # Latin-1 decodes any byte, so the truthful check is that the accents are
        # single bytes: the same text as UTF-8 would be a different (or invalid) string.
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    root = parse(path)
    assert root.tag == "{C}BroadsoftDocument", path
    assert root.get("protocol") == "OCI"
    assert root.nsmap.get("xsi") == "http://www.w3.org/2001/XMLSchema-instance"
    children = list(root)
    assert children[0].tag == "sessionId" and children[0].text, path
    commands = children[1:]
    assert 1 <= len(commands) <= 15, f"{path}: {len(commands)} commands"
    for command in commands:
        assert command.tag == "command", path
        assert command.get(XSI_TYPE), f"{path}: command without xsi:type"
    return root


# ---- per-sample checks -----------------------------------------------------------------------


@pytest.fixture(params=SAMPLE_NAMES)
def sample(request: pytest.FixtureRequest) -> Path:
    path: Path = SAMPLES / request.param
    return path


def test_every_document_is_a_well_formed_oci_document(sample: Path) -> None:
    files = sorted(sample.rglob("*.xml"))
    assert len(files) >= 10
    for path in files:
        check_document(path)


def test_every_response_answers_its_request_command_by_command(sample: Path) -> None:
    pairs = 0
    for response in sorted(sample.rglob("*.xml" + RESPONSE_SUFFIX)):
        request = request_of(response)
        if not request.exists():
            continue
        pairs += 1
        requests, responses = commands_of(request), commands_of(response)
        assert len(requests) == len(responses), response
        assert parse(request).findtext("sessionId") == parse(response).findtext("sessionId")
        for req, resp in zip(requests, responses, strict=True):
            asked, answered = local_type(req), local_type(resp)
            assert "Request" in asked, asked
            assert answered in (asked.replace("Request", "Response", 1), "ErrorResponse"), (
                f"{response.name}: {asked} answered by {answered}"
            )
    assert pairs >= 5
    for request in sample.rglob("*.xml"):
        if not request.name.endswith(RESPONSE_SUFFIX):
            assert Path(str(request) + RESPONSE_SUFFIX).exists(), f"{request}: no response"


ECHOING = {
    "ServiceProviderGetResponse22V4": ("serviceProviderId",),
    "GroupGetResponse22V5": ("serviceProviderId", "groupId"),
    "GroupAccessDeviceGetResponse22V2": ("serviceProviderId", "groupId", "deviceName"),
    "GroupAccessDeviceGetResponse24V3": ("serviceProviderId", "groupId", "deviceName"),
    "UserGetResponse22V5": ("userId",),
}


def test_a_lone_response_echoes_every_key_it_needs(sample: Path) -> None:
    for response in sample.rglob("*.xml" + RESPONSE_SUFFIX):
        if request_of(response).exists():
            continue
        for command in commands_of(response):
            keys = ECHOING.get(local_type(command))
            assert keys, f"{response.name}: {local_type(command)} cannot stand without its request"
            for key in keys:
                assert command.findtext(key), f"{response.name}: {key} missing"


def test_expected_counts_in_the_readme_are_exact(sample: Path) -> None:
    expected = readme_counts(sample)
    assert set(expected) >= {
        "service_providers",
        "groups",
        "users",
        "numbers",
        "devices",
        "service_instances",
        "service_packs",
        "warnings",
        "unknown_commands",
    }
    actual = census(sample)
    assert {k: actual[k] for k in expected} == expected


def test_ids_numbers_and_devices_agree_across_documents(sample: Path) -> None:
    check_references(sample)


def check_references(sample: Path) -> None:
    """Users, devices, numbers and instances named in one document exist in the others."""
    users: dict[str, etree._Element] = {}
    listed_devices: set[tuple[str, str, str]] = set()
    dn_numbers: set[str] = set()
    dn_owners: set[str] = set()
    instances: set[str] = set()
    instance_numbers: set[str] = set()
    registrations: list[tuple[str, str]] = []
    device_lines: list[str] = []
    list_users: set[str] = set()
    for cmd in iter_commands(sample):
        base, found = chain(cmd.kind), tables(cmd.response)
        if base == "UserGetResponse":
            users[cmd.key("userId")] = cmd.response
        elif cmd.kind == "UserGetListInGroupResponse":
            list_users.update(r["User Id"] for r in table_rows(found["userTable"]))
        elif cmd.kind == "GroupAccessDeviceGetListResponse":
            sp, group = cmd.key("serviceProviderId"), cmd.key("groupId")
            rows = table_rows(found["accessDeviceTable"])
            listed_devices.update((sp, group, r["Device Name"]) for r in rows)
        elif base == "GroupDnGetAssignmentListResponse":
            for row in table_rows(found["dnTable"]):
                dn_numbers.update(expand(row["Phone Numbers"]))
                if row["User Id"]:
                    dn_owners.add(row["User Id"])
        elif base.endswith("GetInstanceResponse"):
            instances.add(cmd.key("serviceUserId"))
            profile = cmd.response.find("serviceInstanceProfile")
            assert profile is not None
            national = profile.findtext("phoneNumber", "")
            instance_numbers.add(e164(profile.findtext("countryCode", "") + national))
        elif cmd.kind == "UserGetRegistrationListResponse":
            registrations += [
                (cmd.key("userId"), r["Device Name"])
                for r in table_rows(found["registrationTable"])
            ]
        elif base == "GroupAccessDeviceGetUserListResponse":
            device_lines += [r["User Id"] for r in table_rows(found["deviceUserTable"])]
    assert set(users) == list_users, "every listed user has its UserGet and no other"
    device_names = {name for _, _, name in listed_devices}
    for user_id, user in users.items():
        sp, group = user.findtext("serviceProviderId", ""), user.findtext("groupId", "")
        device = user.findtext("accessDeviceEndpoint/accessDevice/deviceName")
        if device is not None:
            assert (sp, group, device) in listed_devices, f"{user_id}: {device} not listed"
        phone = user.findtext("phoneNumber")
        if phone:
            assert e164(user.findtext("countryCode", "") + phone) in dn_numbers, user_id
    assert dn_owners <= set(users) | instances
    assert instance_numbers <= dn_numbers
    assert {u for u, _ in registrations} <= set(users)
    assert {d for _, d in registrations} <= device_names
    assert set(device_lines) <= set(users)


# ---- the quirks, across both samples --------------------------------------------------------


@pytest.fixture(scope="module")
def everything() -> list[Cmd]:
    return [cmd for name in SAMPLE_NAMES for cmd in iter_commands(SAMPLES / name)]


def kinds(everything: list[Cmd]) -> set[str]:
    return {cmd.kind for cmd in everything}


def rows_of(everything: list[Cmd], table: str) -> list[dict[str, str]]:
    return [
        row
        for cmd in everything
        for tag, t in tables(cmd.response).items()
        if tag == table
        for row in table_rows(t)
    ]


def texts(everything: list[Cmd], path: str) -> list[str]:
    return [el.text or "" for cmd in everything for el in cmd.response.iterfind(path)]


def test_pre_r22_and_r22_responses_side_by_side(everything: list[Cmd]) -> None:
    seen = kinds(everything)
    assert {"UserGetResponse20", "UserGetResponse21", "UserGetResponse21sp1"} <= seen
    assert {
        "UserGetResponse22",
        "UserGetResponse22V5",
        "UserGetResponse22V9",
        "UserGetResponse23V2",
    } <= seen
    assert {"GroupGetResponse14sp7", "GroupGetResponse22", "GroupGetResponse22V5"} <= seen
    assert {
        "GroupAccessDeviceGetResponse18sp1",
        "GroupAccessDeviceGetResponse22V2",
        "GroupAccessDeviceGetResponse24V3",
    } <= seen
    assert {"ServiceProviderGetResponse17sp1", "ServiceProviderGetResponse22V4"} <= seen
    for cmd in everything:
        if cmd.kind in ("UserGetResponse20", "UserGetResponse21", "UserGetResponse21sp1"):
            assert cmd.response.find("userId") is None and cmd.request is not None
        if cmd.kind in ("GroupGetResponse14sp7", "GroupGetResponse22"):
            assert cmd.response.find("groupId") is None and cmd.request is not None
        if cmd.kind == "GroupAccessDeviceGetResponse18sp1":
            assert cmd.response.find("deviceName") is None and cmd.request is not None


def test_every_command_the_extractor_knows_is_present(everything: list[Cmd]) -> None:
    bases = {chain(k) for k in kinds(everything)}
    assert {
        "ServiceProviderGetListResponse",
        "ServiceProviderGetResponse",
        "GroupGetListInServiceProviderResponse",
        "GroupGetResponse",
        "UserGetListInGroupResponse",
        "UserGetResponse",
        "GroupDnGetAssignmentListResponse",
        "UserServiceGetAssignmentListResponse",
        "UserAssignedServicesGetListResponse",
        "ServiceProviderServicePackGetDetailListResponse",
        "GroupAccessDeviceGetListResponse",
        "GroupAccessDeviceGetResponse",
        "GroupAccessDeviceGetUserListResponse",
        "UserGetRegistrationListResponse",
        "GroupHuntGroupGetInstanceResponse",
        "GroupCallCenterGetInstanceResponse",
        "GroupAutoAttendantGetInstanceResponse",
        "SystemLanguageGetListResponse",
        "SystemTimeZoneGetListResponse",
        "ErrorResponse",
        "UserCallForwardingAlwaysGetResponse",
    } <= bases


def test_accented_names_in_latin1_and_a_non_latin1_character_in_utf8() -> None:
    latin1_names, utf8_only = set(), False
    for path in SAMPLES.rglob("*.xml"):
        data = path.read_bytes()
        declared = DECLARATION.match(data)
        assert declared
        if declared.group(1) == b"ISO-8859-1":
            text = data.decode("iso-8859-1")
            latin1_names |= {n for n in ("François", "Zoë", "Müller", "Weiß", "Sofía") if n in text}
        else:
            utf8_only |= any(ord(ch) > 0xFF for ch in data.decode("utf-8"))
    assert latin1_names == {"François", "Zoë", "Müller", "Weiß", "Sofía"}
    assert utf8_only


def test_a_dn_range_cell(everything: list[Cmd]) -> None:
    cells = [r["Phone Numbers"] for r in rows_of(everything, "dnTable")]
    assert "+1-2125550150 - +1-2125550159" in cells
    assert len(expand("+1-2125550150 - +1-2125550159")) == 10


def test_countries_times_and_aliases(everything: list[Cmd]) -> None:
    countries = set(texts(everything, ".//address/country"))
    assert {"US", "USA", "United States"} <= countries
    displays = set(texts(everything, ".//timeZoneDisplayName"))
    assert {"(GMT-04:00) (US) Eastern Time", "(GMT-05:00) (US) Eastern Time"} <= displays
    zones = set(texts(everything, ".//timeZone"))
    assert {"US/Eastern", "Canada/Eastern"} <= zones


def test_devices_told_apart_by_user_agent(everything: list[Cmd]) -> None:
    devices = {
        cmd.key("deviceName"): cmd.response
        for cmd in everything
        if chain(cmd.kind) == "GroupAccessDeviceGetResponse"
    }
    mpp_versions = {
        d.findtext("version") for d in devices.values() if d.findtext("deviceType") == MPP_TYPE
    }
    assert "Cisco-CP-8851-3PCC/11.3.7_MPP_0001" in mpp_versions
    assert any(v and v.startswith("Cisco-CP-7841-3PCC/") for v in mpp_versions)
    agents = [r["User Agent"] for r in rows_of(everything, "registrationTable")]
    assert "Cisco-CP-8865-3PCC/12.0.3" in agents
    # The 8865's model is knowable only from the registration table.
    assert not any("8865" in (d.findtext("version") or "") for d in devices.values())
    assert not any("8865" in r["Version"] for r in rows_of(everything, "accessDeviceTable"))
    by_type = {d.findtext("deviceType"): d.findtext("version") for d in devices.values()}
    assert by_type["Polycom VVX 400 DM"] == "PolycomVVX-VVX_400-UA/5.9.0"
    assert by_type["Yealink-T46U"] == "Yealink SIP-T46U 108.86.0.45"
    assert by_type["Cisco-ATA19x-3PCC"] == "Cisco-ATA192-3PCC/11.1.0"
    listed_types = {r["Device Type"] for r in rows_of(everything, "accessDeviceTable")}
    assert {
        "Generic SIP Phone",
        "Business Communicator - PC",
        "Business Communicator - Mobile",
        MPP_TYPE,
        "Polycom VVX 400 DM",
        "Yealink-T46U",
        "Cisco-ATA19x-3PCC",
    } <= listed_types
    listed = rows_of(everything, "accessDeviceTable")
    assert sum(1 for r in listed if r["Device Type"] == MPP_TYPE) >= 5


def test_mac_addresses_in_every_case_and_with_separators(everything: list[Cmd]) -> None:
    macs = {m for m in texts(everything, "macAddress")} | {
        r["MAC Address"] for r in rows_of(everything, "accessDeviceTable") if r["MAC Address"]
    }
    assert any(m.isupper() and ":" not in m for m in macs if re.search("[A-F]", m))
    assert any(m.islower() and ":" not in m for m in macs if re.search("[a-f]", m))
    assert any(re.search("[A-F]", m) and re.search("[a-f]", m) for m in macs)
    assert "00:04:f2:ab:cd:ef" in macs


def test_a_shared_call_appearance_and_common_area_phones(everything: list[Cmd]) -> None:
    sca = [
        cmd
        for cmd in everything
        if chain(cmd.kind) == "GroupAccessDeviceGetUserListResponse"
        and {r["Endpoint Type"] for r in table_rows(tables(cmd.response)["deviceUserTable"])}
        == {"Primary", "Shared Call Appearance"}
    ]
    assert len(sca) == 1
    places = [
        cmd.kind
        for cmd in everything
        if chain(cmd.kind) == "UserGetResponse" and cmd.response.findtext("isPlace") == "true"
    ]
    assert "UserGetResponse22V9" in places


def test_service_instances_each_with_a_number(everything: list[Cmd]) -> None:
    found = {
        chain(cmd.kind): cmd.response.findtext("serviceInstanceProfile/phoneNumber")
        for cmd in everything
        if chain(cmd.kind).endswith("GetInstanceResponse")
    }
    assert set(found) == {
        "GroupHuntGroupGetInstanceResponse",
        "GroupCallCenterGetInstanceResponse",
        "GroupAutoAttendantGetInstanceResponse",
    }
    assert all(found.values())
    for cmd in everything:
        if chain(cmd.kind).endswith("GetInstanceResponse"):
            assert cmd.request is not None and cmd.request.findtext("serviceUserId")


def test_error_responses_with_and_without_error_code(everything: list[Cmd]) -> None:
    errors = [cmd.response for cmd in everything if cmd.kind == "ErrorResponse"]
    assert len(errors) == 2
    assert all(e.get("type") == "Error" for e in errors)
    assert all(re.match(r"\[Error \d{4}\] ", e.findtext("summary", "")) for e in errors)
    assert sorted(e.find("errorCode") is None for e in errors) == [False, True]
    for cmd in everything:
        if cmd.kind == "ErrorResponse":
            assert cmd.response.get(XSI_TYPE) == "c:ErrorResponse"
            assert cmd.response.nsmap.get("c") == "C"


def test_document_shapes(everything: list[Cmd]) -> None:
    lone = [
        p
        for name in SAMPLE_NAMES
        for p in (SAMPLES / name).rglob("*.xml" + RESPONSE_SUFFIX)
        if not request_of(p).exists()
    ]
    assert lone
    prefixed = [
        cmd
        for cmd in everything
        if cmd.response.get(XSI_TYPE, "").startswith("c:") and cmd.kind != "ErrorResponse"
    ]
    assert [cmd.kind for cmd in prefixed] == ["UserGetResponse22V5"]
    assert max(cmd.index for cmd in everything) >= 12


def test_tables_with_reordered_and_unknown_columns(everything: list[Cmd]) -> None:
    from_xsd = {
        "userTable": [
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
        ],
        "accessDeviceTable": [
            "Device Name",
            "Device Type",
            "Available Ports",
            "Net Address",
            "MAC Address",
            "Status",
            "Version",
            "Access Device External Id",
        ],
    }
    reordered, extra = set(), set()
    for cmd in everything:
        for tag, table in tables(cmd.response).items():
            if tag not in from_xsd:
                continue
            heads = [h.text for h in table.findall("colHeading")]
            if set(heads) == set(from_xsd[tag]) and heads != from_xsd[tag]:
                reordered.add(tag)
            if set(heads) - set(from_xsd[tag]):
                extra.add(tag)
    assert reordered == {"userTable", "accessDeviceTable"}
    assert extra == {"userTable", "accessDeviceTable"}


def test_extensions_emails_and_services(everything: list[Cmd]) -> None:
    users = [cmd.response for cmd in everything if chain(cmd.kind) == "UserGetResponse"]
    extensions = {len(u.findtext("extension", "")) for u in users}
    assert 4 in extensions and max(extensions) >= 6
    emails = [u.findtext("emailAddress") for u in users]
    assert None in emails
    present = [e for e in emails if e]
    assert len(present) > len(set(present)), "one email is shared by two users"
    assigned = {
        r["Service Name"]
        for r in rows_of(everything, "userServicesAssignmentTable")
        if r["Assigned"] == "true"
    }
    assigned |= set(texts(everything, "userServiceEntry/serviceName"))
    assert {"Call Center - Premium", "BroadWorks Receptionist - Office"} <= assigned
    assert "false" in {r["Assigned"] for r in rows_of(everything, "userServicesAssignmentTable")}
    pack_services = {r["Service"] for r in rows_of(everything, "userServiceTable")}
    assert "Call Center - Premium" in pack_services
    assert any(r["Assigned"] == "true" for r in rows_of(everything, "servicePacksAssignmentTable"))


def test_values_the_mapper_must_flag(everything: list[Cmd]) -> None:
    assert max(len(t) for t in texts(everything, ".//address/addressLine1")) > 50
    group_names = {r["Group Name"] for r in rows_of(everything, "groupTable")}
    assert any("%" in name for name in group_names)
    enterprise = {r["Is Enterprise"] for r in rows_of(everything, "serviceProviderTable")}
    assert enterprise == {"true", "false"}
