"""Property: whatever a mangled export holds, ``migrate extract`` never ends in exit 4.

Documents are truncated, bit-flipped, given a DOCTYPE or an ENTITY anywhere,
written in an encoding they do not declare, or handed ranges of any size;
zips get a corrupt central directory, unknown compression methods, random
flag bits (encryption among them), duplicate names and cuts. Each example
runs the real command line (CliRunner, so the CLI's exception mapping is
what is judged) in a fresh workspace: the exit is 0, 1 or 2, never an
internal error, and a refusal (2) leaves the previous inventory as it was.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.cli.main import cli
from tests.ocip import command, document, el, table

pytestmark = pytest.mark.slow

USER = command(
    "UserGetResponse22",
    el("serviceProviderId", "e")
    + el("groupId", "g")
    + el("userId", "u@x")
    + el("lastName", "Élan")
    + el("firstName", "F")
    + el("phoneNumber", "6175550000")
    + el("countryCode", "1"),
)
RANGE = "+1-5551231207 - +1-5551231210"
DNS = command(
    "GroupDnGetAssignmentListResponse18",
    el("serviceProviderId", "e")
    + el("groupId", "g")
    + table(
        "dnTable",
        ["Phone Numbers", "User Id", "Activated", "Country Code"],
        [[RANGE, None, "true", "1"], ["+1-6175550000", "u@x", "true", "1"]],
    ),
)
REQUEST = document(command("UserGetRequest22", el("userId", "u@x")))
BASES = (document(USER), document(DNS), document(USER, DNS, encoding="UTF-8"))
INSERTS = (
    b'<!DOCTYPE d [<!ENTITY e "x">]>',
    b'<!DOCTYPE BroadsoftDocument SYSTEM "http://127.0.0.1:9/x.dtd">',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"&e;",
    b"&x;",
    b"<!--",
    b"]]>",
    b"\x00",
    b"\xff\xfe",
    b"<command>",
    b"</BroadsoftDocument>",
)
ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp500", "utf-8-sig", "latin-1")


@st.composite
def mangled_document(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(BASES))
    if draw(st.booleans()):
        low = draw(st.integers(0, 10**9))
        size = draw(st.sampled_from((1, 10, 1_000, 10_001, 10**6, 10**8)))
        cell = f"+1-{low:010d} - +1-{low + size - 1:010d}"
        data = data.replace(RANGE.encode(), cell.encode())
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(("truncate", "flip", "insert", "encode")))
        if kind == "truncate" and data:
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif kind == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(INSERTS)) + data[at:]
        elif kind == "encode":
            data = data.decode("latin-1").encode(draw(st.sampled_from(ENCODINGS)), "replace")
    return data


def zipped(documents: list[tuple[str, bytes]]) -> bytearray:
    buffer = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are one of the cases
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in documents:
                archive.writestr(name, data)
    return bytearray(buffer.getvalue())


def records_at(data: bytearray, signature: bytes) -> list[int]:
    found, start = [], 0
    while (at := data.find(signature, start)) >= 0:
        found.append(at)
        start = at + 1
    return found


@st.composite
def mangled_zip(draw: st.DrawFn) -> bytes:
    names = draw(
        st.lists(
            st.sampled_from(("a.xml", "b/c.xml", "b/c.xml.response.xml", "r.txt")),
            min_size=1,
            max_size=4,
        )
    )
    docs = [(name, draw(mangled_document()) if draw(st.booleans()) else BASES[0]) for name in names]
    if "b/c.xml.response.xml" in names:
        docs.append(("b/c.xml", REQUEST))
    data = zipped(docs)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("central", "method", "flags", "cut", "flip")))
        central = records_at(data, b"PK\x01\x02")
        local = records_at(data, b"PK\x03\x04")
        if kind == "central" and central:
            start = central[0]
            at = draw(st.integers(start, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        elif kind in ("method", "flags") and central:
            which = draw(st.integers(0, len(central) - 1))
            offsets = [central[which] + (10 if kind == "method" else 8)]
            if which < len(local) and draw(st.booleans()):
                offsets.append(local[which] + (8 if kind == "method" else 6))
            value = draw(
                st.sampled_from((1, 6, 9, 12, 14, 77, 99, 0xFFFF))
                if kind == "method"
                else st.sampled_from((0x01, 0x08, 0x20, 0x40, 0x800, 0xFFFF))
            )
            for offset in offsets:
                data[offset : offset + 2] = value.to_bytes(2, "little")
        elif kind == "cut" and len(data) > 1:
            data = data[: draw(st.integers(1, len(data) - 1))]
        elif kind == "flip":
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


def extract_exit(export: Path, root: Path) -> tuple[int, str]:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["extract", "-w", str(root / "w"), "--reports", str(root / "r"), str(export)]
    )
    # An exception CliRunner had to catch would be a crash the CLI did not map.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stderr


def check(export: Path, root: Path) -> None:
    before = (root / "w" / "inventory" / "users.jsonl").read_bytes()
    code, err = extract_exit(export, root)
    assert code in (0, 1, 2), err
    assert "internal error" not in err and "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1 and str(export) in err
        assert (root / "w" / "inventory" / "users.jsonl").read_bytes() == before


def primed(root: Path) -> None:
    good = root / "good"
    good.mkdir()
    (good / "good.xml").write_bytes(BASES[0])
    assert extract_exit(good, root)[0] == 0


FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(docs=st.lists(mangled_document(), min_size=1, max_size=3), pair=st.booleans())
def test_mangled_documents_never_end_in_an_internal_error(docs: list[bytes], pair: bool) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        primed(root)
        export = root / "export"
        export.mkdir()
        for index, data in enumerate(docs):
            (export / f"d{index}.xml").write_bytes(data)
        if pair:
            (export / "d0.xml.response.xml").write_bytes(docs[0])
        check(export, root)


@FUZZ
@given(data=mangled_zip())
def test_mangled_zips_never_end_in_an_internal_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        primed(root)
        export = root / "export.zip"
        export.write_bytes(data)
        check(export, root)
