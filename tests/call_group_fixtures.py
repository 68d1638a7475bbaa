"""OCI-P call park, call pickup and group paging responses, every command version, and
an acme export with them added (documents the sample does not have).

In acme's HQ: two call parks on the 16sp2 shape and one on the old shape, the group's
park settings in both versions, two pickup groups, three paging groups (19sp1, 17sp3
and the first version). Some members break Webex's rules on purpose: alice is in two
call parks, dave in two pickups, anna (Munich) in an HQ pickup.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ocip import command, el, table, write_pair

SP, HQ, MTL = "acme-ent", "acme-hq", "acme-mtl"
ALICE, BOB, CAROL = (
    "alice.johnson@acme-corp.com",
    "bob.martinez@acme-corp.com",
    "carol.nguyen@acme-corp.com",
)
DAVE, GRACE, HENRY = (
    "dave.okafor@acme-corp.com",
    "grace.lee@acme-corp.com",
    "henry.park@acme-corp.com",
)
LOBBY, ANNA = "lobby.phone@acme-corp.com", "anna.schmidt@acme-corp.com"
FRANCOIS, ZOE = "francois.lefevre@acme-corp.com", "zoe.tremblay@acme-corp.com"
PAGING, PAGING_OLD = "hq-paging@acme-corp.com", "hq-warehouse-paging@acme-corp.com"
PAGING_BARE, PAGING_MTL = "hq-bare-paging@acme-corp.com", "mtl-paging@acme-corp.com"

USER_HEADINGS = [
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Phone Number",
    "Extension",
    "Department",
    "Email Address",
]
OLD_USER_HEADINGS = USER_HEADINGS[:5]


def users(name: str, ids: list[str], headings: list[str] = USER_HEADINGS) -> str:
    rows = [
        [uid, uid.split("@")[0].split(".")[-1].title(), uid.split(".")[0].title()] for uid in ids
    ]
    return table(name, headings, [r + [None] * (len(headings) - 3) for r in rows])


def group_keys(group: str) -> str:
    return el("serviceProviderId", SP) + el("groupId", group)


def named(group: str, name: str) -> str:
    return group_keys(group) + el("name", name)


# (response type, request type, request body, response body)
Pair = tuple[str, str, str, str]

CALL_PARKS: list[Pair] = [
    (
        "GroupCallParkGetInstanceListResponse",
        "GroupCallParkGetInstanceListRequest",
        group_keys(HQ),
        el("name", "Front Park") + el("name", "Back Park") + el("name", "Legacy Park"),
    ),
    (
        "GroupCallParkGetInstanceResponse16sp2",
        "GroupCallParkGetInstanceRequest16sp2",
        named(HQ, "Front Park"),
        el("recallTo", "Parking User Only") + users("userTable", [BOB, ALICE, LOBBY]),
    ),
    (
        "GroupCallParkGetInstanceResponse16sp2",
        "GroupCallParkGetInstanceRequest16sp2",
        named(HQ, "Back Park"),
        el("recallAlternateUserId", "old-hunt@acme-corp.com")
        + el("recallTo", "Parking User Then Alternate User")
        + users("userTable", [CAROL, ALICE]),
    ),
    (
        "GroupCallParkGetInstanceResponse",
        "GroupCallParkGetInstanceRequest",
        named(HQ, "Legacy Park"),
        users("userTable", [HENRY], OLD_USER_HEADINGS),
    ),
    (
        "GroupCallParkGetResponse16sp2",
        "GroupCallParkGetRequest16sp2",
        group_keys(HQ),
        el("recallTimerSeconds", "45")
        + el("displayTimerSeconds", "15")
        + el("enableDestinationAnnouncement", "false")
        + el("recallRingPattern", "Long-Long")
        + el("recallTo", "Parking User Only")
        + el("alternateUserRecallTimerSeconds", "30"),
    ),
    (
        "GroupCallParkGetResponse",
        "GroupCallParkGetRequest",
        group_keys(MTL),
        el("recallTimerSeconds", "60")
        + el("displayTimerSeconds", "10")
        + el("enableDestinationAnnouncement", "true"),
    ),
]

CALL_PICKUPS: list[Pair] = [
    (
        "GroupCallPickupGetInstanceListResponse",
        "GroupCallPickupGetInstanceListRequest",
        group_keys(HQ),
        el("name", "Sales Pickup") + el("name", "Ops Pickup"),
    ),
    (
        "GroupCallPickupGetInstanceResponse",
        "GroupCallPickupGetInstanceRequest",
        named(HQ, "Sales Pickup"),
        users("userTable", [DAVE, BOB, LOBBY]),
    ),
    (
        "GroupCallPickupGetInstanceResponse",
        "GroupCallPickupGetInstanceRequest",
        named(HQ, "Ops Pickup"),
        users("userTable", [GRACE, DAVE, ANNA]),
    ),
    (
        "GroupCallPickupGetInstanceListResponse",
        "GroupCallPickupGetInstanceListRequest",
        group_keys(MTL),
        el("name", "Montreal Pickup"),
    ),
    (
        "GroupCallPickupGetInstanceResponse",
        "GroupCallPickupGetInstanceRequest",
        named(MTL, "Montreal Pickup"),
        users("userTable", [ZOE, FRANCOIS]),
    ),
]


def _profile(name: str, number: str | None, extension: str | None) -> str:
    body = (
        el("name", name) + el("callingLineIdLastName", name) + el("callingLineIdFirstName", "Page")
    )
    if number:
        body += el("phoneNumber", number)
    if extension:
        body += el("extension", extension)
    return f"<serviceInstanceProfile>{body}</serviceInstanceProfile>"


def _paging_list(group: str, rows: list[list[str | None]]) -> Pair:
    return (
        "GroupGroupPagingGetInstanceListResponse",
        "GroupGroupPagingGetInstanceListRequest",
        group_keys(group),
        table(
            "pagingGroupTable",
            ["Service User Id", "Name", "Phone Number", "Extension", "Department", "Is Active"],
            rows,
        ),
    )


def _members(user: str, originators: list[str], targets: list[str]) -> list[Pair]:
    return [
        (
            "GroupGroupPagingGetOriginatorListResponse",
            "GroupGroupPagingGetOriginatorListRequest",
            el("serviceUserId", user),
            users("originatorTable", originators),
        ),
        (
            "GroupGroupPagingGetTargetListResponse",
            "GroupGroupPagingGetTargetListRequest",
            el("serviceUserId", user),
            users("targetTable", targets),
        ),
    ]


PAGINGS: list[Pair] = [
    _paging_list(
        HQ,
        [
            [PAGING, "HQ All Call", "2125550151", "4190", None, "true"],
            [PAGING_OLD, "Warehouse", None, "4191", None, "false"],
            [PAGING_BARE, "No Number Page", None, None, None, "true"],
        ],
    ),
    (
        "GroupGroupPagingGetInstanceResponse19sp1",
        "GroupGroupPagingGetInstanceRequest19sp1",
        el("serviceUserId", PAGING),
        _profile("HQ All Call", "2125550151", "4190")
        + el("confirmationToneTimeoutSeconds", "1")
        + el("deliverOriginatorCLIDInstead", "true")
        + el("originatorCLIDPrefix", "Page"),
    ),
    *_members(PAGING, [GRACE, HENRY], [ALICE, LOBBY, BOB, ANNA]),
    (
        "GroupGroupPagingGetInstanceResponse17sp3",
        "GroupGroupPagingGetInstanceRequest17sp3",
        el("serviceUserId", PAGING_OLD),
        _profile("Warehouse", None, "4191")
        + el("confirmationToneTimeoutSeconds", "2")
        + el("deliverOriginatorCLIDInstead", "false"),
    ),
    *_members(PAGING_OLD, [CAROL], [DAVE, HENRY]),
    (
        "GroupGroupPagingGetInstanceResponse19sp1",
        "GroupGroupPagingGetInstanceRequest19sp1",
        el("serviceUserId", PAGING_BARE),
        _profile("No Number Page", None, None)
        + el("confirmationToneTimeoutSeconds", "1")
        + el("deliverOriginatorCLIDInstead", "false"),
    ),
    *_members(PAGING_BARE, [], [ALICE]),
    _paging_list(MTL, [[PAGING_MTL, "Montreal Page", None, "4291", None, "true"]]),
    (
        "GroupGroupPagingGetInstanceResponse",
        "GroupGroupPagingGetInstanceRequest",
        el("serviceUserId", PAGING_MTL),
        _profile("Montreal Page", None, "4291")
        + el("confirmationToneTimeoutSeconds", "1")
        + el("deliverOriginatorCLIDInstead", "false"),
    ),
    *_members(PAGING_MTL, [FRANCOIS], [ZOE, FRANCOIS]),
]

FIXTURES: list[Pair] = [*CALL_PARKS, *CALL_PICKUPS, *PAGINGS]


def write_fixtures(folder: Path, name: str, pairs: list[Pair]) -> None:
    write_pair(
        folder,
        name,
        [command(request, body) for _response, request, body, _r in pairs],
        [command(response, body) for response, _request, _b, body in pairs],
    )


def acme_with_call_groups(target: Path, samples: Path) -> Path:
    shutil.copytree(samples / "acme-enterprise", target)
    write_fixtures(target / "hq", "hq-call-groups", FIXTURES)
    return target
