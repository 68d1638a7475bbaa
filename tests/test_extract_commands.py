"""One test per command chain and version: what each contributes to the inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extract_helpers import by_key, records, run
from tests.ocip import command, document, el, error_response, table, write_pair

ADDRESS = (
    "<address>"
    + el("addressLine1", "100 Main Street")
    + el("city", "Columbus")
    + el("stateOrProvince", "Ohio")
    + el("zipOrPostalCode", "43004")
    + el("country", "USA")
    + "</address>"
)


def user_body(
    *,
    echo_user: str | None = None,
    is_place: str | None = None,
    email: str | None = "a@example.com",
) -> str:
    body = ""
    body += el("serviceProviderId", "ent1") + el("groupId", "hq")
    if echo_user:
        body += el("userId", echo_user)
    body += el("lastName", "Müller") + el("firstName", "Zoë")
    body += el("callingLineIdLastName", "Muller") + el("callingLineIdFirstName", "Zoe")
    body += el("phoneNumber", "6175551212") + el("extension", "1212")
    body += el("language", "English") + el("timeZone", "US/Eastern")
    body += el("timeZoneDisplayName", "(GMT-04:00) (US) Eastern Time")
    body += el("defaultAlias", "zoe@example.com")
    body += (
        "<accessDeviceEndpoint><accessDevice>"
        + el("deviceLevel", "Group")
        + el("deviceName", "zoe-8851")
        + "</accessDevice>"
        + el("linePort", "6175551212@example.com")
        + el("staticRegistrationCapable", "false")
        + el("useDomain", "true")
        + "</accessDeviceEndpoint>"
    )
    if email:
        body += el("emailAddress", email)
    body += ADDRESS + el("countryCode", "1")
    if is_place is not None:
        body += el("isPlace", is_place)
    return body


@pytest.mark.parametrize("version", ["20", "21", "21sp1V2"])
def test_old_user_versions_take_the_user_id_from_the_request(tmp_path: Path, version: str) -> None:
    write_pair(
        tmp_path / "x",
        "u",
        [command(f"UserGetRequest{version}", el("userId", "zoe@x"))],
        [command(f"UserGetResponse{version}", user_body())],
    )
    result = run(tmp_path / "x", tmp_path / "w")
    user = by_key(tmp_path / "w", "users", "user_id")["zoe@x"]
    assert user["first_name"] == "Zoë"
    assert user["last_name"] == "Müller"
    assert user["phone_number"] == "+16175551212"
    assert user["phone_number_raw"] == "6175551212"
    assert user["time_zone"] == "US/Eastern"
    assert user["address"]["country"] == "USA"
    assert user["endpoint"] == {
        "device_level": "Group",
        "device_name": "zoe-8851",
        "line_port": "6175551212@example.com",
    }
    assert user["response_type"] == f"UserGetResponse{version}"
    assert result.counts["users"] == 1
    assert result.counts["devices"] == 1  # the endpoint's device
    assert result.counts["numbers"] == 1


@pytest.mark.parametrize("version", ["22", "22V5", "22V9", "23V2"])
def test_new_user_versions_stand_alone_because_they_echo_user_id(
    tmp_path: Path, version: str
) -> None:
    export = tmp_path / "x"
    export.mkdir()
    place = "true" if version in ("22V9", "23V2") else None
    (export / "lobby.xml").write_bytes(
        document(
            command(f"UserGetResponse{version}", user_body(echo_user="lobby@x", is_place=place))
        )
    )
    run(export, tmp_path / "w")
    user = by_key(tmp_path / "w", "users", "user_id")["lobby@x"]
    assert user["sp_id"] == "ent1" and user["group_id"] == "hq"
    assert user["is_place"] is (True if place else None)


def test_response_without_request_or_echo_is_dropped_with_an_error(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    (export / "orphan.xml").write_bytes(document(command("UserGetResponse21", user_body())))
    result = run(export, tmp_path / "w")
    assert result.counts["users"] == 0
    (warning,) = records(tmp_path / "w", "warnings")
    assert warning["code"] == "no-keys"
    assert warning["severity"] == "error"
    assert warning["field"] == "userId"
    assert warning["file"] == "orphan.xml"
    assert warning["record"].startswith("command 1 (UserGetResponse21")
    assert int(result.exit_code) == 1


def group_body(echo: bool) -> str:
    body = el("defaultDomain", "example.com") + el("userLimit", "25") + el("userCount", "3")
    body += el("groupName", "Head Office 100%") + el("callingLineIdPhoneNumber", "+15132337655")
    body += el("timeZone", "America/Denver") + el("timeZoneDisplayName", "(GMT-07:00) Mountain")
    body += ADDRESS
    if echo:
        body += el("serviceProviderId", "ent1") + el("groupId", "hq")
    return body


@pytest.mark.parametrize(
    ("version", "echo"), [("14sp7", False), ("22", False), ("22V4", False), ("22V5", True)]
)
def test_group_versions(tmp_path: Path, version: str, echo: bool) -> None:
    write_pair(
        tmp_path / "x",
        "g",
        [
            command(
                f"GroupGetRequest{version}", el("serviceProviderId", "ent1") + el("groupId", "hq")
            )
        ],
        [command(f"GroupGetResponse{version}", group_body(echo))],
    )
    run(tmp_path / "x", tmp_path / "w")
    (group,) = records(tmp_path / "w", "groups")
    assert (group["sp_id"], group["group_id"], group["name"]) == ("ent1", "hq", "Head Office 100%")
    assert group["user_limit"] == 25
    assert group["calling_line_id_number"] == "+15132337655"
    assert group["address"]["state"] == "Ohio"


def test_service_provider_list_and_detail_merge(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "sp",
        [
            command("ServiceProviderGetListRequest"),
            command("ServiceProviderGetRequest17sp1", el("serviceProviderId", "ent1")),
        ],
        [
            command(
                "ServiceProviderGetListResponse",
                table(
                    "serviceProviderTable",
                    [
                        "Service Provider Id",
                        "Service Provider Name",
                        "Is Enterprise",
                        "Reseller Id",
                    ],
                    [["ent1", None, "true", None], ["sp2", "Metro Telecom", "false", None]],
                ),
            ),
            command(
                "ServiceProviderGetResponse17sp1",
                el("isEnterprise", "true")
                + el("defaultDomain", "acme.example")
                + el("serviceProviderName", "Acme Corp")
                + "<contact>"
                + el("contactName", "Pat Admin")
                + el("contactEmail", "pat@acme.example")
                + "</contact>"
                + el("useServiceProviderLanguages", "false"),
            ),
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    sps = by_key(tmp_path / "w", "service_providers", "sp_id")
    assert sps["ent1"]["name"] == "Acme Corp"
    assert sps["ent1"]["is_enterprise"] is True
    assert sps["ent1"]["contact"]["email"] == "pat@acme.example"
    assert sps["sp2"]["is_enterprise"] is False


def test_group_and_user_lists(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "lists",
        [
            command("GroupGetListInServiceProviderRequest", el("serviceProviderId", "ent1")),
            command(
                "UserGetListInGroupRequest", el("serviceProviderId", "ent1") + el("GroupId", "hq")
            ),
        ],
        [
            command(
                "GroupGetListInServiceProviderResponse",
                table(
                    "groupTable",
                    ["Group Name", "Group Id", "User Limit"],
                    [["Head Office", "hq", "25"], [None, "branch", "10"]],
                ),
            ),
            command(
                "UserGetListInGroupResponse",
                table(
                    "userTable",
                    [
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
                    [
                        [
                            "a@x",
                            "Doe",
                            "Jane",
                            None,
                            "+1-2212221101",
                            "true",
                            "jane@x.com",
                            None,
                            None,
                            "false",
                            "1101",
                            "1",
                            None,
                        ],
                        [
                            "b@x",
                            "Roe",
                            "Rick",
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "false",
                            "22",
                            "1",
                            None,
                        ],
                    ],
                ),
            ),
        ],
    )
    result = run(tmp_path / "x", tmp_path / "w")
    assert result.counts["groups"] == 2
    users = by_key(tmp_path / "w", "users", "user_id")
    assert users["a@x"]["phone_number"] == "+12212221101"
    assert users["a@x"]["group_id"] == "hq"
    assert users["b@x"]["email"] is None
    numbers = by_key(tmp_path / "w", "numbers", "phone_number")
    assert numbers["+12212221101"]["user_id"] == "a@x"


def test_dn_table_with_range_and_instance_rows(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "dn",
        [
            command(
                "GroupDnGetAssignmentListRequest18",
                el("serviceProviderId", "ent1") + el("groupId", "hq"),
            )
        ],
        [
            command(
                "GroupDnGetAssignmentListResponse18",
                table(
                    "dnTable",
                    [
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
                    ],
                    [
                        [
                            "+1-5551231207 - +1-5551231210",
                            None,
                            "true",
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "1",
                            None,
                        ],
                        [
                            "+1-5551231200",
                            None,
                            "true",
                            "sales-hg@x",
                            "Sales",
                            "Hunt Group",
                            "1200",
                            None,
                            "Hunt Group",
                            "1",
                            None,
                        ],
                        ["+1-55512", None, "true", None, None, None, None, None, None, "1", None],
                        [
                            "+1-5551231299 - +1-5551231290",
                            None,
                            "true",
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "1",
                            None,
                        ],
                    ],
                ),
            )
        ],
    )
    result = run(tmp_path / "x", tmp_path / "w")
    numbers = by_key(tmp_path / "w", "numbers", "phone_number")
    assert sorted(numbers) == sorted(
        ["+15551231200", "+15551231207", "+15551231208", "+15551231209", "+15551231210", "+155512"]
    )
    assert numbers["+15551231200"]["user_type"] == "Hunt Group"
    # A DN row alone does not make a hunt group; its GetInstance would.
    assert result.counts["service_instances"] == 0
    (bad,) = records(tmp_path / "w", "warnings")
    assert bad["code"] == "bad-number" and bad["field"] == "Phone Numbers"
    assert bad["record"].endswith("row 4")


@pytest.mark.parametrize(
    ("version", "echo"), [("18sp1", False), ("22", False), ("22V2", True), ("24V3", True)]
)
def test_device_versions(tmp_path: Path, version: str, echo: bool) -> None:
    body = el("deviceType", "Cisco-CP-78xx-88xx-68xx-3PCC") + el("protocol", "SIP 2.0")
    body += el("macAddress", "805ec0568966")
    body += "<numberOfPorts><quantity>2</quantity></numberOfPorts>"
    body += el("numberOfAssignedPorts", "1") + el("status", "Online")
    body += el("version", "Cisco-CP-8851-3PCC/11.3.7_MPP_0001")
    if echo:
        body += el("serviceProviderId", "ent1") + el("groupId", "hq")
        body += el("deviceName", "zoe-8851")
    write_pair(
        tmp_path / "x",
        "dev",
        [
            command(
                f"GroupAccessDeviceGetRequest{version}",
                el("serviceProviderId", "ent1")
                + el("groupId", "hq")
                + el("deviceName", "zoe-8851"),
            )
        ],
        [command(f"GroupAccessDeviceGetResponse{version}", body)],
    )
    run(tmp_path / "x", tmp_path / "w")
    (device,) = records(tmp_path / "w", "devices")
    assert device["device_name"] == "zoe-8851"
    assert device["mac_address"] == "805EC0568966"
    assert device["mac_address_raw"] == "805ec0568966"
    assert device["version"] == "Cisco-CP-8851-3PCC/11.3.7_MPP_0001"


def test_device_users_registrations_and_shared_call_appearance(tmp_path: Path) -> None:
    export = tmp_path / "x"
    write_pair(
        export,
        "users",
        [
            command("UserGetRequest21", el("userId", "zoe@x")),
            command("UserGetRegistrationListRequest", el("userId", "zoe@x")),
        ],
        [
            command("UserGetResponse21", user_body()),
            command(
                "UserGetRegistrationListResponse",
                table(
                    "registrationTable",
                    [
                        "Device Level",
                        "Device Name",
                        "Order",
                        "URI",
                        "Expiration",
                        "Line/Port",
                        "Endpoint Type",
                        "User Agent",
                        "P-Access-Network-Info",
                    ],
                    [
                        [
                            "Group",
                            "zoe-8851",
                            "1",
                            "sip:x@1.2.3.4",
                            "Fri Jul 08 00:01:02 BST 2022",
                            "6175551212@example.com",
                            "Primary",
                            "Cisco-CP-8865-3PCC/12.0.3",
                            None,
                        ]
                    ],
                ),
            ),
        ],
    )
    write_pair(
        export,
        "devusers",
        [
            command(
                "GroupAccessDeviceGetUserListRequest21sp1",
                el("serviceProviderId", "ent1")
                + el("groupId", "hq")
                + el("deviceName", "zoe-8851"),
            )
        ],
        [
            command(
                "GroupAccessDeviceGetUserListResponse21sp1",
                table(
                    "deviceUserTable",
                    [
                        "Line/Port",
                        "Last Name",
                        "First Name",
                        "Phone Number",
                        "User Id",
                        "User Type",
                        "Endpoint Type",
                        "Order",
                        "Primary Line/Port",
                    ],
                    [
                        [
                            "6175551212@example.com",
                            "Müller",
                            "Zoë",
                            "6175551212",
                            "zoe@x",
                            "Normal",
                            "Primary",
                            "1",
                            "true",
                        ],
                        [
                            "sca_bob@example.com",
                            "Bob",
                            "B",
                            None,
                            "bob@x",
                            "Normal",
                            "Shared Call Appearance",
                            "2",
                            "false",
                        ],
                    ],
                ),
            )
        ],
    )
    run(export, tmp_path / "w")
    (device,) = records(tmp_path / "w", "devices")
    assert device["user_agents"] == ["Cisco-CP-8865-3PCC/12.0.3"]
    assert [(ln["user_id"], ln["endpoint_type"]) for ln in device["lines"]] == [
        ("zoe@x", "Primary"),
        ("bob@x", "Shared Call Appearance"),
    ]


def test_services_packs_and_assigned_services(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "svc",
        [
            command("UserServiceGetAssignmentListRequest", el("userId", "zoe@x")),
            command("UserAssignedServicesGetListRequest", el("userId", "zoe@x")),
            command(
                "ServiceProviderServicePackGetDetailListRequest",
                el("serviceProviderId", "ent1") + el("servicePackName", "Pack_Basico"),
            ),
            command("UserGetRequest22", el("userId", "zoe@x")),
        ],
        [
            command(
                "UserServiceGetAssignmentListResponse",
                table(
                    "servicePacksAssignmentTable",
                    ["Service Pack Name", "Assigned", "Description"],
                    [["Pack_Basico", "true", None], ["Premium", "false", None]],
                )
                + table(
                    "userServicesAssignmentTable",
                    ["Service Name", "Assigned"],
                    [
                        ["Authentication", "true"],
                        ["Call Center - Premium", "false"],
                        ["Voice Messaging User", "true"],
                    ],
                ),
            ),
            command(
                "UserAssignedServicesGetListResponse",
                "<userServiceEntry>"
                + el("serviceName", "Three-Way Call")
                + el("isActive", "true")
                + "</userServiceEntry>"
                + "<groupServiceEntry>"
                + el("serviceName", "Music On Hold")
                + "</groupServiceEntry>",
            ),
            command(
                "ServiceProviderServicePackGetDetailListResponse",
                el("servicePackName", "Pack_Basico")
                + el("servicePackDescription", "Basic")
                + el("isAvailableForUse", "true")
                + "<servicePackQuantity><unlimited>true</unlimited></servicePackQuantity>"
                + table(
                    "userServiceTable",
                    ["Service", "Authorized", "Allocated", "Available"],
                    [
                        ["Call Forwarding Always", "Unlimited", "Unlimited", "Unlimited"],
                        ["Shared Call Appearance", "5", "5", "2"],
                    ],
                ),
            ),
            command("UserGetResponse22", user_body(echo_user="zoe@x")),
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    (user,) = records(tmp_path / "w", "users")
    assert user["service_packs"] == ["Pack_Basico"]
    assert user["services"] == ["Authentication", "Three-Way Call", "Voice Messaging User"]
    assert user["group_services"] == ["Music On Hold"]
    (pack,) = records(tmp_path / "w", "service_packs")
    assert pack["services"] == ["Call Forwarding Always", "Shared Call Appearance"]


def test_service_instances(tmp_path: Path) -> None:
    profile = (
        "<serviceInstanceProfile>"
        + el("name", "Sales")
        + el("callingLineIdLastName", "S")
        + el("callingLineIdFirstName", "HG")
        + el("phoneNumber", "5551231200")
        + el("extension", "1200")
        + el("countryCode", "1")
        + "</serviceInstanceProfile>"
    )
    write_pair(
        tmp_path / "x",
        "svc",
        [
            command(
                "GroupHuntGroupGetInstanceListRequest",
                el("serviceProviderId", "ent1") + el("groupId", "hq"),
            ),
            command("GroupHuntGroupGetInstanceRequest20", el("serviceUserId", "hg@x")),
            command("GroupCallCenterGetInstanceRequest22", el("serviceUserId", "cc@x")),
            command("GroupAutoAttendantGetInstanceRequest24", el("serviceUserId", "aa@x")),
        ],
        [
            command(
                "GroupHuntGroupGetInstanceListResponse",
                table(
                    "huntGroupTable",
                    [
                        "Service User Id",
                        "Name",
                        "Phone Number",
                        "Extension",
                        "Department",
                        "Is Active",
                        "Policy",
                    ],
                    [["hg@x", "Sales", "+1-5551231200", "1200", None, "true", "Regular"]],
                ),
            ),
            command(
                "GroupHuntGroupGetInstanceResponse20",
                profile
                + el("policy", "Regular")
                + table(
                    "agentUserTable",
                    ["User Id", "Last Name", "First Name"],
                    [["zoe@x", "M", "Z"], ["bob@x", "B", "B"]],
                ),
            ),
            command(
                "GroupCallCenterGetInstanceResponse22",
                profile.replace("5551231200", "5551231201")
                + el("type", "Premium")
                + el("policy", "Circular"),
            ),
            command(
                "GroupAutoAttendantGetInstanceResponse24",
                profile.replace("5551231200", "5551231202") + el("type", "Basic"),
            ),
        ],
    )
    result = run(tmp_path / "x", tmp_path / "w")
    instances = by_key(tmp_path / "w", "service_instances", "service_user_id")
    assert instances["hg@x"]["kind"] == "hunt_group"
    assert instances["hg@x"]["group_id"] == "hq"
    assert instances["hg@x"]["agents"] == ["bob@x", "zoe@x"]
    assert instances["cc@x"]["type"] == "Premium"
    assert instances["aa@x"]["phone_number"] == "+15551231202"
    assert result.counts["numbers"] == 3


def test_system_languages_and_time_zones(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "sys",
        [command("SystemLanguageGetListRequest"), command("SystemTimeZoneGetListRequest20")],
        [
            command(
                "SystemLanguageGetListResponse",
                el("defaultLanguage", "English")
                + table(
                    "languageTable",
                    ["Language", "Locale", "Encoding"],
                    [["English", "en_US", "ISO-8859-1"], ["French", "fr_CA", "ISO-8859-1"]],
                ),
            ),
            command(
                "SystemTimeZoneGetListResponse20",
                table(
                    "timeZoneTable",
                    ["Key", "Display Name"],
                    [["America/New_York", "(GMT-05:00) (US) Eastern Time"]],
                ),
            ),
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    languages = by_key(tmp_path / "w", "languages", "language")
    assert languages["English"]["is_default"] is True
    assert languages["French"]["locale"] == "fr_CA"
    (zone,) = records(tmp_path / "w", "time_zones")
    assert zone["key"] == "America/New_York"


def test_error_responses_and_unknown_commands(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "err",
        [
            command("UserGetRequest22V5", el("userId", "gone@x")),
            command("UserCommPilotExpressGetRequest", el("userId", "zoe@x")),
            command("GroupGetRequest22V5", el("serviceProviderId", "e") + el("groupId", "g")),
        ],
        [
            error_response("[Error 4008] User not found: gone@x"),
            command("UserCommPilotExpressGetResponse", el("profileSetting", "Available In Office")),
            error_response("[Error 4962] whatever", code=4400, kind="Warning"),
        ],
    )
    result = run(tmp_path / "x", tmp_path / "w")
    warnings = records(tmp_path / "w", "warnings")
    (unknown,) = [w for w in warnings if w["code"] == "not-understood"]
    first, second = [w for w in warnings if w["code"] != "not-understood"]
    assert (first["code"], first["oci_error_code"], first["severity"]) == (
        "oci-error",
        4008,
        "warning",
    )
    assert "UserGetRequest22V5" in first["message"] and "User not found" in first["message"]
    assert (second["oci_error_code"], second["severity"]) == (4400, "info")
    # An unknown per-user read is still not understood, and names its user.
    assert result.unknown_commands == {"UserCommPilotExpressGetResponse": 1}
    assert (unknown["code"], unknown["severity"]) == ("not-understood", "info")
    assert "zoe@x" in unknown["message"] and "UserCommPilotExpressGetResponse" in unknown["message"]
    assert result.command_types["ErrorResponse"] == 2
    assert int(result.exit_code) == 0  # BroadWorks said no; nothing of ours failed


def test_other_declared_encodings_are_honoured(tmp_path: Path) -> None:
    for encoding in ("ISO-8859-2", "UTF-8", "UTF-16"):
        body = user_body().replace("Müller", "Dvořák").replace("Zoë", "Řehoř")
        write_pair(
            tmp_path / encoding,
            "u",
            [command("UserGetRequest21", el("userId", "cz@x"))],
            [command("UserGetResponse21", body)],
            encoding=encoding,
        )
        run(tmp_path / encoding, tmp_path / f"w-{encoding}")
        (user,) = records(tmp_path / f"w-{encoding}", "users")
        assert (user["last_name"], user["first_name"]) == ("Dvořák", "Řehoř"), encoding


def test_provider_level_user_list_and_system_device_list(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "wide",
        [
            command("UserGetListInServiceProviderRequest", el("serviceProviderId", "ent1")),
            command("SystemAccessDeviceGetAllRequest"),
        ],
        [
            command(
                "UserGetListInServiceProviderResponse",
                table(
                    "userTable",
                    [
                        "User Id",
                        "Group Id",
                        "Last Name",
                        "First Name",
                        "Phone Number",
                        "Country Code",
                        "User External Id",
                    ],
                    [
                        ["a@x", "hq", "Doe", "Jane", "+1-2125550101", "1", "ext-1"],
                        ["b@x", "branch", "Roe", "Rick", None, "1", None],
                    ],
                ),
            ),
            command(
                "SystemAccessDeviceGetAllResponse",
                table(
                    "accessDeviceTable",
                    [
                        "Service Provider Id",
                        "Group Id",
                        "Device Name",
                        "Device Type",
                        "MAC Address",
                    ],
                    [
                        ["ent1", "hq", "lobby", "Polycom VVX 400 DM", "0004f2000001"],
                        ["ent1", None, "sp-level", "Generic SIP Phone", None],
                    ],
                ),
            ),
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    users = by_key(tmp_path / "w", "users", "user_id")
    assert (users["a@x"]["sp_id"], users["a@x"]["group_id"]) == ("ent1", "hq")
    assert users["b@x"]["group_id"] == "branch"
    assert users["a@x"]["external_id"] == "ext-1"
    (device,) = records(tmp_path / "w", "devices")
    assert (device["group_id"], device["device_name"], device["mac_address"]) == (
        "hq",
        "lobby",
        "0004F2000001",
    )


def test_shared_call_appearance_endpoints_become_lines(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "sca",
        [
            command("UserGetRequest21", el("userId", "zoe@x")),
            command("UserSharedCallAppearanceGetRequest21sp1", el("userId", "zoe@x")),
        ],
        [
            command("UserGetResponse21", user_body()),
            command(
                "UserSharedCallAppearanceGetResponse21sp1",
                el("alertAllAppearancesForClickToDialCalls", "false")
                + table(
                    "endpointTable",
                    [
                        "Device Level",
                        "Device Name",
                        "Device Type",
                        "Line/Port",
                        "SIP Contact",
                        "Port Number",
                        "Is Active",
                        "Mac Address",
                    ],
                    [
                        [
                            "Group",
                            "boss-8865",
                            "Cisco-CP-78xx-88xx-68xx-3PCC",
                            "zoe_sca@example.com",
                            None,
                            None,
                            "true",
                            None,
                        ]
                    ],
                ),
            ),
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    devices = {d["device_name"]: d for d in records(tmp_path / "w", "devices")}
    # The SCA alone does not make boss-8865 a device of the export; it adds a line to it.
    assert sorted(devices) == ["zoe-8851"]
    write_pair(
        tmp_path / "x",
        "boss",
        [
            command(
                "GroupAccessDeviceGetRequest18sp1",
                el("serviceProviderId", "ent1")
                + el("groupId", "hq")
                + el("deviceName", "boss-8865"),
            )
        ],
        [
            command(
                "GroupAccessDeviceGetResponse18sp1",
                el("deviceType", "Cisco-CP-78xx-88xx-68xx-3PCC"),
            )
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    devices = {d["device_name"]: d for d in records(tmp_path / "w", "devices")}
    assert [(ln["user_id"], ln["endpoint_type"]) for ln in devices["boss-8865"]["lines"]] == [
        ("zoe@x", "Shared Call Appearance")
    ]


def test_soap_wrapped_response_is_unwrapped(tmp_path: Path) -> None:
    from xml.sax.saxutils import escape

    inner = document(command("UserGetResponse22", user_body(echo_user="soap@x"))).decode(
        "iso-8859-1"
    )
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soapenv:Body><processOCIMessageResponse xmlns="urn:com:broadsoft:webservice">'
        f"<processOCIMessageReturn>{escape(inner)}</processOCIMessageReturn>"
        "</processOCIMessageResponse></soapenv:Body></soapenv:Envelope>"
    )
    export = tmp_path / "x"
    export.mkdir()
    (export / "soap.xml").write_bytes(envelope.encode("utf-8"))
    run(export, tmp_path / "w")
    (user,) = records(tmp_path / "w", "users")
    assert (user["user_id"], user["last_name"]) == ("soap@x", "Müller")


@pytest.mark.parametrize(
    ("version", "echo"),
    [
        ("13mp2", False),
        ("17sp1", False),
        ("22", True),
        ("22V2", True),
        ("22V3", True),
        ("22V4", True),
    ],
)
def test_service_provider_versions(tmp_path: Path, version: str, echo: bool) -> None:
    body = el("isEnterprise", "true") + el("defaultDomain", "acme.example")
    body += el("serviceProviderName", "Acme") + ADDRESS
    if echo:
        body += el("serviceProviderId", "ent1") + el("serviceProviderExternalId", "crm-42")
    export = tmp_path / "x"
    write_pair(
        export,
        "sp",
        [command(f"ServiceProviderGetRequest{version}", el("serviceProviderId", "ent1"))],
        [command(f"ServiceProviderGetResponse{version}", body)],
    )
    run(export, tmp_path / "w")
    (sp,) = records(tmp_path / "w", "service_providers")
    assert (sp["sp_id"], sp["name"], sp["is_enterprise"]) == ("ent1", "Acme", True)
    assert sp["address"]["city"] == "Columbus"
    assert sp["external_id"] == ("crm-42" if echo else None)


@pytest.mark.parametrize(
    "version",
    [
        "14",
        "14sp4",
        "14sp9",
        "15sp2",
        "17",
        "17sp3",
        "17sp4",
        "18",
        "19",
        "21sp1",
        "22V2",
        "22V3",
        "22V4",
        "22V6",
        "22V7",
        "22V8",
        "23",
    ],
)
def test_every_user_version_reads_the_same_fields(tmp_path: Path, version: str) -> None:
    echo = "zoe@x" if version.startswith(("22", "23")) else None
    write_pair(
        tmp_path / "x",
        "u",
        [command(f"UserGetRequest{version}", el("userId", "zoe@x"))],
        [command(f"UserGetResponse{version}", user_body(echo_user=echo))],
    )
    run(tmp_path / "x", tmp_path / "w")
    (user,) = records(tmp_path / "w", "users")
    assert (user["user_id"], user["phone_number"], user["extension"]) == (
        "zoe@x",
        "+16175551212",
        "1212",
    )


@pytest.mark.parametrize(
    ("chain", "version"),
    [
        ("GroupHuntGroupGetInstance", "14"),
        ("GroupHuntGroupGetInstance", "17"),
        ("GroupHuntGroupGetInstance", "19sp1"),
        ("GroupCallCenterGetInstance", "16"),
        ("GroupCallCenterGetInstance", "19"),
        ("GroupCallCenterGetInstance", "21"),
        ("GroupAutoAttendantGetInstance", "17"),
        ("GroupAutoAttendantGetInstance", "20"),
    ],
)
def test_service_instance_versions(tmp_path: Path, chain: str, version: str) -> None:
    profile = (
        "<serviceInstanceProfile>"
        + el("name", "Front Desk")
        + el("extension", "100")
        + "</serviceInstanceProfile>"
    )
    write_pair(
        tmp_path / "x",
        "i",
        [command(f"{chain}Request{version}", el("serviceUserId", "svc@x"))],
        [command(f"{chain}Response{version}", profile)],
    )
    run(tmp_path / "x", tmp_path / "w")
    (instance,) = records(tmp_path / "w", "service_instances")
    assert (instance["service_user_id"], instance["name"]) == ("svc@x", "Front Desk")


def test_old_dn_table_without_user_columns(tmp_path: Path) -> None:
    write_pair(
        tmp_path / "x",
        "dn",
        [
            command(
                "GroupDnGetAssignmentListRequest",
                el("serviceProviderId", "ent1") + el("groupId", "hq"),
            )
        ],
        [
            command(
                "GroupDnGetAssignmentListResponse",
                table(
                    "dnTable",
                    ["Phone Numbers", "Assigned To", "Department", "Activated"],
                    [
                        ["+1-5551231900", "Lebowski,Jeffrey", None, "true"],
                        ["+1-5551231207 - +1-5551231208", None, None, "false"],
                    ],
                ),
            )
        ],
    )
    run(tmp_path / "x", tmp_path / "w")
    numbers = by_key(tmp_path / "w", "numbers", "phone_number")
    assert sorted(numbers) == ["+15551231207", "+15551231208", "+15551231900"]
    assert numbers["+15551231207"]["activated"] is False
