"""The synthetic export generator: determinism, truthful manifest, protocol shape, CLI.

The export is read back at the protocol level (lxml) with the helpers of
tests/test_samples.py, never through ``migrate.extract``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from migrate.cli.main import cli
from migrate.synthetic import MANIFEST_NAME, generate
from migrate.synthetic.zipstream import StreamingZip
from tests.test_samples import (
    DECLARATION,
    ECHOING,
    MPP_TYPE,
    RESPONSE_SUFFIX,
    XSI_TYPE,
    Cmd,
    census,
    chain,
    check_document,
    check_references,
    commands_of,
    iter_commands,
    local_type,
    request_of,
    table_rows,
    tables,
)

# Big enough that every quirk the generator knows shows up at least once.
VARIETY_USERS, VARIETY_SEED = 4000, 20


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "export"
    generate(root, VARIETY_USERS, VARIETY_SEED)
    return root


@pytest.fixture(scope="module")
def commands(export: Path) -> list[Cmd]:
    return list(iter_commands(export))


@pytest.fixture(scope="module")
def manifest(export: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((export / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    generate(first, 400, seed=5)
    generate(second, 400, seed=5)
    assert digest(first) == digest(second)
    assert len(digest(first)) > 50


def test_another_seed_writes_another_export(tmp_path: Path) -> None:
    generate(tmp_path / "a", 400, seed=5)
    generate(tmp_path / "b", 400, seed=6)
    assert digest(tmp_path / "a") != digest(tmp_path / "b")


def test_parallel_workers_write_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "one", 600, seed=9, workers=1)
    generate(tmp_path / "two", 600, seed=9, workers=2)
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


@pytest.mark.parametrize(("users", "seed"), [(1, 0), (37, 3), (VARIETY_USERS, VARIETY_SEED)])
def test_manifest_counts_are_what_is_on_disk(
    tmp_path: Path, export: Path, users: int, seed: int
) -> None:
    root = export if users == VARIETY_USERS else tmp_path / "export"
    if root != export:
        result = generate(root, users, seed)
        assert result.counts["users"] == users
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["users"] == users and manifest["seed"] == seed
    on_disk = census(root)
    assert manifest["counts"] == on_disk
    assert on_disk["users"] == users
    files = [p for p in root.rglob("*") if p.is_file()]
    assert manifest["files"] == len(files)
    assert manifest["documents"] == len(files) - 1


def test_every_document_is_well_formed_truthful_and_small(export: Path) -> None:
    encodings = set()
    for path in export.rglob("*.xml"):
        check_document(path)  # declaration, bytes vs encoding, envelope, 1..15 commands
        declared = DECLARATION.match(path.read_bytes())
        assert declared
        encodings.add(declared.group(1))
    assert encodings == {b"ISO-8859-1", b"UTF-8"}


def test_ids_numbers_and_devices_agree_across_documents(export: Path) -> None:
    check_references(export)


def test_requests_and_responses_pair_up(export: Path) -> None:
    lone = 0
    for response in export.rglob("*.xml" + RESPONSE_SUFFIX):
        request = request_of(response)
        answers = commands_of(response)
        if not request.exists():
            lone += 1
            for command in answers:
                keys = ECHOING.get(local_type(command))
                assert keys, f"{response}: {local_type(command)} needs its request"
                assert all(command.findtext(k) for k in keys)
            continue
        asks = commands_of(request)
        assert len(asks) == len(answers), response
        for ask, answer in zip(asks, answers, strict=True):
            assert local_type(answer) in (
                local_type(ask).replace("Request", "Response", 1),
                "ErrorResponse",
            ), response
    assert lone > 0
    for request in export.rglob("*.xml"):
        if not request.name.endswith(RESPONSE_SUFFIX):
            assert Path(f"{request}{RESPONSE_SUFFIX}").exists()


def test_the_export_has_the_samples_variety(
    commands: list[Cmd], manifest: dict[str, object]
) -> None:
    seen = {cmd.kind for cmd in commands}
    assert {
        "UserGetResponse20",
        "UserGetResponse21",
        "UserGetResponse22V5",
        "UserGetResponse23V2",
    } <= seen
    assert {"GroupGetResponse14sp7", "GroupGetResponse22V5"} <= seen
    assert {
        "GroupAccessDeviceGetResponse18sp1",
        "GroupAccessDeviceGetResponse22V2",
        "GroupAccessDeviceGetResponse24V3",
    } <= seen
    assert {"ServiceProviderGetResponse17sp1", "ServiceProviderGetResponse22V4"} <= seen
    bases = {chain(k) for k in seen}
    assert {
        "GroupHuntGroupGetInstanceResponse",
        "GroupCallCenterGetInstanceResponse",
        "GroupAutoAttendantGetInstanceResponse",
        "GroupAccessDeviceGetUserListResponse",
        "UserGetRegistrationListResponse",
        "UserServiceGetAssignmentListResponse",
        "UserAssignedServicesGetListResponse",
        "ServiceProviderServicePackGetDetailListResponse",
        "SystemLanguageGetListResponse",
        "SystemTimeZoneGetListResponse",
        "ErrorResponse",
        "UserCallForwardingAlwaysGetResponse",
    } <= bases

    errors = [c.response for c in commands if c.kind == "ErrorResponse"]
    assert {e.find("errorCode") is None for e in errors} == {True, False}
    assert any(
        c.response.get(XSI_TYPE, "").startswith("c:") and c.kind != "ErrorResponse"
        for c in commands
    )

    rows = {
        tag: [
            r
            for c in commands
            for t, table in tables(c.response).items()
            if t == tag
            for r in table_rows(table)
        ]
        for tag in ("dnTable", "accessDeviceTable", "deviceUserTable", "registrationTable")
    }
    assert any(" - " in r["Phone Numbers"] for r in rows["dnTable"])
    types = {r["Device Type"] for r in rows["accessDeviceTable"]}
    assert {
        MPP_TYPE,
        "Polycom VVX 400 DM",
        "Yealink-T46U",
        "Generic SIP Phone",
        "Cisco-ATA19x-3PCC",
        "Business Communicator - PC",
        "Business Communicator - Mobile",
    } <= types
    assert "Shared Call Appearance" in {r["Endpoint Type"] for r in rows["deviceUserTable"]}
    agents = {r["User Agent"] for r in rows["registrationTable"]}
    assert "Cisco-CP-8865-3PCC/12.0.3" in agents
    assert not any("8865" in r["Version"] for r in rows["accessDeviceTable"])
    macs = {r["MAC Address"] for r in rows["accessDeviceTable"]}
    assert any(":" in m for m in macs)
    assert any(re.fullmatch("[0-9a-f]{12}", m) for m in macs)
    assert any(re.fullmatch("[0-9A-F]{12}", m) for m in macs)

    users = [c.response for c in commands if chain(c.kind) == "UserGetResponse"]
    assert any(u.findtext("isPlace") == "true" for u in users)
    assert any(u.findtext("emailAddress") is None for u in users)
    extensions = {len(u.findtext("extension", "")) for u in users}
    assert {3, 4, 6} <= extensions
    zones = {u.findtext("timeZone") for u in users}
    assert zones & {"US/Eastern", "US/Pacific", "Canada/Eastern"}
    displays = {u.findtext("timeZoneDisplayName") for u in users}
    assert {"(GMT-04:00) (US) Eastern Time", "(GMT-05:00) (US) Eastern Time"} <= displays

    quirks = manifest["quirks"]
    assert isinstance(quirks, dict)
    for name in (
        "dn_ranges",
        "places",
        "shared_call_appearances",
        "lone_response_documents",
        "users_without_email",
        "mac_with_separators",
        "mac_mixed_case",
        "prefixed_data_responses",
        "long_address_lines",
        "duplicate_emails",
        "utf8_only_names",
        "encoding_UTF-8",
        "encoding_ISO-8859-1",
    ):
        assert quirks.get(name, 0) > 0, name
    assert sum(1 for k in quirks if k.startswith("release_")) >= 5


def test_columns_are_reordered_or_extended_somewhere(commands: list[Cmd]) -> None:
    variants = set()
    for cmd in commands:
        table = tables(cmd.response).get("userTable")
        if table is not None:
            heads = [h.text for h in table.findall("colHeading")]
            variants.add("reordered" if heads[0] != "User Id" else "plain")
            if "Name Dialing Name" in heads:
                variants.add("extra")
    assert variants == {"plain", "reordered", "extra"}


def test_accents_are_latin1_bytes_in_latin1_documents(export: Path) -> None:
    accented = 0
    for path in export.rglob("*.xml.response.xml"):
        data = path.read_bytes()
        if data.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>') and any(
            b > 0x7F for b in data
        ):
            text = data.decode("iso-8859-1")
            assert etree.fromstring(data) is not None
            accented += bool(re.search("[éèëüöäßçñíóáô]", text))
    assert accented > 10


def test_a_zip_export_holds_the_same_bytes_as_a_folder(tmp_path: Path) -> None:
    generate(tmp_path / "folder", 500, seed=8)
    result = generate(tmp_path / "export.zip", 500, seed=8)
    again = generate(tmp_path / "again.zip", 500, seed=8)
    assert (tmp_path / "export.zip").read_bytes() == (tmp_path / "again.zip").read_bytes()
    assert result.counts == again.counts
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        assert archive.testzip() is None
        members = {name: archive.read(name) for name in archive.namelist()}
    on_disk = {
        str(p.relative_to(tmp_path / "folder")): p.read_bytes()
        for p in (tmp_path / "folder").rglob("*")
        if p.is_file()
    }
    assert members == on_disk
    assert not list(tmp_path.glob("*.partial"))


def test_the_streaming_zip_switches_to_zip64_past_65535_members(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with StreamingZip(path, (2025, 7, 30, 12, 0, 0)) as archive:
        for i in range(70_000):
            archive.write(f"d/{i}.xml", b"<x/>")
    with zipfile.ZipFile(path) as reader:
        names = reader.namelist()
        assert len(names) == 70_000
        assert reader.read("d/69999.xml") == b"<x/>"
        assert reader.getinfo("d/0.xml").date_time == (2025, 7, 30, 12, 0, 0)


def test_memory_does_not_grow_with_the_number_of_users(tmp_path: Path) -> None:
    # Only one group (at most 400 users) is ever held; holding 3,000 users would
    # take well over this bound.
    tracemalloc.start()
    try:
        generate(tmp_path / "export", 3000, seed=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


def test_cli_writes_an_export_and_prints_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["synthetic", str(tmp_path / "x"), "--users", "120", "--seed", "4"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("synthetic: 120 users")
    manifest = json.loads((tmp_path / "x" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["counts"]["users"] == 120 and manifest["seed"] == 4


def test_cli_json_and_refusals(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["synthetic", str(tmp_path / "x"), "--users", "50", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    manifest = json.loads((tmp_path / "x" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert payload["counts"] == manifest["counts"]
    assert payload["users"] == 50 and payload["seed"] == 0
    again = runner.invoke(cli, ["synthetic", str(tmp_path / "x"), "--users", "50"])
    assert again.exit_code == 2
    assert "not an empty folder" in again.output
    zero = runner.invoke(cli, ["synthetic", str(tmp_path / "y"), "--users", "0"])
    assert zero.exit_code == 2
    zipped = runner.invoke(cli, ["synthetic", str(tmp_path / "e.zip"), "--users", "30"])
    assert zipped.exit_code == 0, zipped.output
    assert zipfile.is_zipfile(tmp_path / "e.zip")
    parallel_zip = runner.invoke(
        cli, ["synthetic", str(tmp_path / "f.zip"), "--users", "30", "--workers", "2"]
    )
    assert parallel_zip.exit_code == 2
