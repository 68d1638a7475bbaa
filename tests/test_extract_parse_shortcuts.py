"""The parse phase's shortcuts give what the long way gives, on awkward input too."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from migrate.extract import extractor
from migrate.extract.envelope import Table, boolean, command_type, table, text, to_data
from migrate.extract.parsers.base import Context, MissingKey
from migrate.extract.reader import Export
from migrate.extract.xmlsafe import PARSER_OPTIONS, iter_commands
from tests.ocip import command, document, el

# A table as awkward as the schema allows: padded and blank cells, an empty
# cell, a short row, a long row, a namespaced row, a cell with markup inside.
_AWKWARD_TABLE = (
    "<userTable>"
    "<colHeading> User Id </colHeading><colHeading>Last Name</colHeading>"
    "<colHeading>Phone Number</colHeading>"
    "<row><col>  u1@x  </col><col>\n\t</col><col/></row>"
    "<row><col>u2@x</col></row>"
    "<row><col>u3@x</col><col>Doe</col><col>+1-5550100</col><col>extra</col></row>"
    '<x:row xmlns:x="urn:x"><x:col>u4@x</x:col><x:col> Roe</x:col></x:row>'
    "<row><col>u5@x<b>bold</b></col><col></col><col>5550101 </col></row>"
    "</userTable>"
)


def _old_boolean(value: Any) -> bool | None:
    """The definition the lookup replaced, kept as the oracle."""
    raw = text(value)
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    return None


@pytest.mark.parametrize(
    "value",
    ["true", "TRUE", "True", "yes", "1", "false", "No", "0", " true", "", "maybe", None, {}, []],
)
def test_boolean_by_lookup_is_the_old_boolean(value: Any) -> None:
    assert boolean(value) == _old_boolean(value)


def test_table_cells_are_already_what_text_would_make_them() -> None:
    # Parsers read cells with row.get(heading), without text(): every cell
    # must be a trimmed string or None whatever the row holds.
    ((element),) = iter_commands(
        io.BytesIO(document(command("UserGetListInGroupResponse", _AWKWARD_TABLE)))
    )
    rows = table(to_data(element), "User Id")
    assert rows == [
        {"User Id": "u1@x", "Last Name": None, "Phone Number": None},
        {"User Id": "u2@x", "Last Name": None, "Phone Number": None},
        {"User Id": "u3@x", "Last Name": "Doe", "Phone Number": "+1-5550100"},
        {"User Id": "u4@x", "Last Name": "Roe", "Phone Number": None},
        {"User Id": "u5@x", "Last Name": None, "Phone Number": "5550101"},
    ]
    for row in rows:
        for value in row.values():
            assert value is None or (type(value) is str and value == value.strip() and value)
            assert text(value) == value


def test_an_entity_reference_in_a_row_is_still_a_string_cell() -> None:
    # Only an element parsed without the export reader's DTD refusal can
    # carry one; the cell it makes must still be a string.
    raw = (
        b'<!DOCTYPE t [<!ENTITY e "expanded">]>'
        b"<command><t><colHeading>A</colHeading><colHeading>B</colHeading>"
        b"<row><col>a&e;</col>&e;</row></t></command>"
    )
    element = etree.fromstring(raw, etree.XMLParser(**PARSER_OPTIONS))
    rows = table(to_data(element), "A")
    assert isinstance(rows, Table)
    assert rows == [{"A": "a", "B": "&e;"}]
    assert all(text(v) == v for row in rows for v in row.values())


def _context(keys: dict[str, str]) -> Context:
    ((element),) = iter_commands(io.BytesIO(document(command("UserGetResponse22"))))
    return Context("f.xml", 1, command_type(element), keys)


def test_keys_come_from_the_response_then_the_request() -> None:
    ctx = _context({"userId": "asked@x", "groupId": "g"})
    assert ctx.key({"userId": "echoed@x"}, "userId") == "echoed@x"
    assert ctx.key({"userId": {"not": "text"}}, "userId") == "asked@x"
    assert ctx.key({}, "GroupId", "groupId") == "g"
    assert ctx.optional_key({}, "serviceProviderId") is None
    assert ctx.optional_key({"serviceProviderId": None}, "serviceProviderId") is None
    with pytest.raises(MissingKey) as raised:
        ctx.key({}, "serviceProviderId", "spId")
    assert raised.value.name == "serviceProviderId"


def test_request_keys_read_as_before(tmp_path: Path) -> None:
    requests = [
        command("UserGetRequest22", el("userId", "  u1@x ")),
        command(
            "GroupScheduleGetEventListRequest",
            el("serviceProviderId", "sp")
            + el("groupId", "g")
            + el("scheduleKey", None, scheduleName=" Hours ", scheduleType="Time")
            + el("notAKey", "x"),
        ),
        # A key with markup inside is no key; a blank one is skipped; a
        # namespaced one counts by its local name.
        command(
            "GroupAccessDeviceGetRequest18sp1",
            "<deviceName>d<b/></deviceName><groupId>  </groupId>"
            '<k:serviceProviderId xmlns:k="urn:k">sp2</k:serviceProviderId>',
        ),
        command("UserGetRequest22", ""),
    ]
    (tmp_path / "r.xml").write_bytes(document(*requests))
    sink = extractor._Collector()
    with Export(tmp_path) as export:
        found = extractor._read_request(export, "r.xml", sink)
    assert found == [
        ("UserGetRequest22", {"userId": "u1@x"}),
        (
            "GroupScheduleGetEventListRequest",
            {
                "serviceProviderId": "sp",
                "groupId": "g",
                "scheduleName": "Hours",
                "scheduleType": "Time",
            },
        ),
        ("GroupAccessDeviceGetRequest18sp1", {"serviceProviderId": "sp2"}),
        ("UserGetRequest22", {}),
    ]
    assert sink.warnings == []
