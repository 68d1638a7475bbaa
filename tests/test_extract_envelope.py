"""Envelope and table helpers: the protocol facts every parser relies on."""

from __future__ import annotations

import io

import pytest

from migrate.extract import xmlsafe
from migrate.extract.envelope import command_type, error_code, table, to_data
from migrate.extract.numbers import NumberError, expand, normalise_mac, to_e164
from migrate.extract.xmlsafe import iter_commands
from tests.ocip import command, document, el
from tests.ocip import table as make_table


def commands(*cmds: str) -> list[tuple[str, dict]]:
    found = []
    for element in iter_commands(io.BytesIO(document(*cmds))):
        found.append((command_type(element).name, to_data(element)))
    return found


def test_table_is_read_by_heading_whatever_the_order_and_extra_columns() -> None:
    cmd = command(
        "GroupAccessDeviceGetListResponse",
        make_table(
            "accessDeviceTable",
            ["Status", "Something New", "Device Name", "MAC Address", "Device Type"],
            [
                ["Online", "x", "hall", None, "Polycom VVX 400 DM"],
                ["Offline", None, "desk", "AABBCC112233", None],
            ],
        ),
    )
    ((_name, data),) = commands(cmd)
    rows = table(data, "Device Name")
    assert rows == [
        {
            "Status": "Online",
            "Something New": "x",
            "Device Name": "hall",
            "MAC Address": None,
            "Device Type": "Polycom VVX 400 DM",
        },
        {
            "Status": "Offline",
            "Something New": None,
            "Device Name": "desk",
            "MAC Address": "AABBCC112233",
            "Device Type": None,
        },
    ]
    assert rows.headings[2] == "Device Name"
    assert table(data, "No Such Heading") == []


def test_short_rows_give_none_for_missing_cells() -> None:
    cmd = command("X", make_table("t", ["A", "B", "C"], [["1"]]))
    ((_name, data),) = commands(cmd)
    assert table(data, "A") == [{"A": "1", "B": None, "C": None}]


@pytest.mark.parametrize(
    ("xsi_type", "prefix", "name", "base", "version"),
    [
        ("UserGetResponse22V5", False, "UserGetResponse22V5", "UserGetResponse", "22V5"),
        ("UserGetResponse21sp1V2", False, "UserGetResponse21sp1V2", "UserGetResponse", "21sp1V2"),
        (
            "ServiceProviderGetResponse13mp2",
            False,
            "ServiceProviderGetResponse13mp2",
            "ServiceProviderGetResponse",
            "13mp2",
        ),
        (
            "GroupAccessDeviceGetUserListResponse21sp1",
            True,
            "GroupAccessDeviceGetUserListResponse21sp1",
            "GroupAccessDeviceGetUserListResponse",
            "21sp1",
        ),
        ("ErrorResponse", True, "ErrorResponse", "ErrorResponse", ""),
        (
            "UserGetListInGroupResponse",
            False,
            "UserGetListInGroupResponse",
            "UserGetListInGroupResponse",
            "",
        ),
    ],
)
def test_command_type_strips_prefix_and_version(
    xsi_type: str, prefix: bool, name: str, base: str, version: str
) -> None:
    element = next(iter_commands(io.BytesIO(document(command(xsi_type, prefix=prefix)))))
    ctype = command_type(element)
    assert (ctype.name, ctype.base, ctype.version) == (name, base, version)


def test_repeated_elements_become_lists_and_nil_is_none() -> None:
    body = el("alias", "a@x") + el("alias", "b@x") + '<title xsi:nil="true"/>' + el("dept")
    ((_name, data),) = commands(command("UserGetResponse22", body))
    assert list(data["alias"]) == ["a@x", "b@x"]
    assert data["title"] is None
    assert data["dept"] is None


def test_error_code_from_element_or_summary() -> None:
    assert error_code({"errorCode": "4962", "summary": "[Error 1] x"}) == 4962
    assert error_code({"summary": "[Error 4008] User not found: a@b"}) == 4008
    assert error_code({"summary": "no code here"}) is None


@pytest.mark.parametrize(
    ("raw", "cc", "prefix", "expected"),
    [
        ("6175551212", "1", None, "+16175551212"),
        ("+1-6175551212", None, None, "+16175551212"),
        ("+16175551212", "44", None, "+16175551212"),
        ("+44-1632123456", None, None, "+441632123456"),
        ("01632123456", "44", "0", "+441632123456"),
        ("(617) 555-1212", "1", "1", "+16175551212"),
        ("6175551212", None, None, None),
        ("", "1", None, None),
        (None, "1", None, None),
    ],
)
def test_to_e164(raw: str | None, cc: str | None, prefix: str | None, expected: str | None) -> None:
    assert to_e164(raw, cc, prefix) == expected


def test_range_expansion_is_inclusive_and_keeps_the_cell_as_raw() -> None:
    cell = "+1-5551231207 - +1-5551231210"
    assert expand(cell) == [(cell, f"+1555123120{n}") for n in (7, 8, 9)] + [(cell, "+15551231210")]
    assert expand("+1-5551231207") == [("+1-5551231207", "+15551231207")]


@pytest.mark.parametrize(
    "cell",
    [
        "+1-5551231210 - +1-5551231207",
        "+1-555 - +1-5551231207",
        "+1-5550000000 - +1-5559999999",
        "not a number",
    ],
)
def test_bad_ranges_are_refused(cell: str) -> None:
    with pytest.raises(NumberError):
        expand(cell)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("aabbcc112233", "AABBCC112233"),
        ("00:04:f2:ab:cd:ef", "0004F2ABCDEF"),
        ("0004.f2ab.cdef", "0004F2ABCDEF"),
        ("00-04-F2-AB-CD-EF", "0004F2ABCDEF"),
        ("0004F2ABCDE", None),
        ("GGGGGGGGGGGG", None),
        (None, None),
    ],
)
def test_mac_normalisation(raw: str | None, expected: str | None) -> None:
    assert normalise_mac(raw) == expected


def test_big_documents_stream_with_the_same_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    cmds = [command("UserGetResponse22", f"<userId>u{i}</userId>") for i in range(50)]
    data = document(*cmds)
    whole = [to_data(e) for e in iter_commands(io.BytesIO(data))]
    monkeypatch.setattr(xmlsafe, "WHOLE_DOCUMENT_MAX", 100)  # every document is "big"
    streamed = [to_data(e) for e in iter_commands(io.BytesIO(data))]
    assert streamed == whole
    assert [d["userId"] for d in streamed] == [f"u{i}" for i in range(50)]


def test_nested_commands_are_judged_as_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamed, the inner command ends first and its parent is no document root.
    inner = command("UserGetResponse22", "<userId>inner</userId>")
    data = document(command("GroupGetResponse22", inner))
    for limit in (xmlsafe.WHOLE_DOCUMENT_MAX, 10):
        monkeypatch.setattr(xmlsafe, "WHOLE_DOCUMENT_MAX", limit)
        with pytest.raises(xmlsafe.NotOCIDocument):
            list(iter_commands(io.BytesIO(data)))
