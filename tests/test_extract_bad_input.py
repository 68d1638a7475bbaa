"""Bad input: every case gets a clear warning or error, no traceback, no damage."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from migrate.cli.main import cli
from migrate.extract import store as store_module
from migrate.extract.xmlsafe import PARSER_OPTIONS
from migrate.workspace import LOCK_FILE
from tests.extract_helpers import by_key, records, run
from tests.ocip import XSI, command, document, el, write_pair

GOOD_USER = command(
    "UserGetResponse22",
    el("serviceProviderId", "e")
    + el("groupId", "g")
    + el("userId", "ok@x")
    + el("lastName", "Ok")
    + el("firstName", "Fine")
    + el("countryCode", "1"),
)


def good_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.xml").write_bytes(document(GOOD_USER))
    return folder


def only_warning(workspace: Path, code: str) -> dict:
    found = [w for w in records(workspace, "warnings") if w["code"] == code]
    assert len(found) == 1, records(workspace, "warnings")
    return found[0]


def test_malformed_xml_is_an_error_for_that_file_only(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "broken.xml").write_bytes(b'<?xml version="1.0"?><BroadsoftDocument><command>')
    result = run(export, tmp_path / "w")
    warning = only_warning(tmp_path / "w", "malformed-xml")
    assert warning["file"] == "broken.xml"
    assert warning["severity"] == "error"
    assert "line 1" in warning["message"]
    assert result.counts["users"] == 1
    assert int(result.exit_code) == 1


def test_truncated_document_keeps_the_commands_before_the_cut(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    whole = document(
        GOOD_USER, GOOD_USER.replace("ok@x", "two@x"), GOOD_USER.replace("ok@x", "three@x")
    )
    cut = whole.index(b"three@x")
    (export / "cut.xml").write_bytes(whole[:cut])
    result = run(export, tmp_path / "w")
    assert sorted(by_key(tmp_path / "w", "users", "user_id")) == ["ok@x", "two@x"]
    warning = only_warning(tmp_path / "w", "malformed-xml")
    assert warning["record"] == "after command 2"
    assert "2 command(s) before it were kept" in warning["message"]
    assert int(result.exit_code) == 1


def test_a_file_that_is_not_oci_p(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "pom.xml").write_bytes(b'<?xml version="1.0"?><project><command/></project>')
    (export / "empty.xml").write_bytes(b'<?xml version="1.0"?><project/>')
    (export / "notes.txt").write_text("not xml at all")
    result = run(export, tmp_path / "w")
    warnings = [w for w in records(tmp_path / "w", "warnings") if w["code"] == "not-oci"]
    assert sorted(w["file"] for w in warnings) == ["empty.xml", "pom.xml"]
    assert result.ignored_files == ["notes.txt"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<command xmlns="" xsi:type="UserGetResponse22"><userId>&lol9;</userId></command>
</BroadsoftDocument>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "bomb.xml").write_bytes(BILLION_LAUGHS)
    result = run(export, tmp_path / "w")
    warning = only_warning(tmp_path / "w", "unsafe-xml")
    assert warning["file"] == "bomb.xml"
    assert "DTD" in warning["message"]
    assert result.counts["users"] == 1


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY ext "pwned">')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def xxe_document(url: str, secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "{url}/dtd" [\n'
        f'<!ENTITY file SYSTEM "file://{secret}">\n<!ENTITY net SYSTEM "{url}/net">\n]>\n'
        f'<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="{XSI}">'
        '<command xmlns="" xsi:type="UserGetResponse22">'
        "<serviceProviderId>e</serviceProviderId><groupId>g</groupId>"
        "<userId>x@x</userId><lastName>&file;</lastName><firstName>&net;</firstName>"
        "</command></BroadsoftDocument>"
    ).encode()


def test_external_entities_and_dtds_are_refused_without_network(
    tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    export = good_export(tmp_path / "x")
    (export / "xxe.xml").write_bytes(xxe_document(url, secret))
    run(export, tmp_path / "w")
    assert only_warning(tmp_path / "w", "unsafe-xml")["file"] == "xxe.xml"
    assert hits == []
    assert "TOP-SECRET" not in (tmp_path / "w" / "inventory" / "users.jsonl").read_text()


def test_parser_options_alone_resolve_nothing_and_fetch_nothing(
    tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    """Second line of defence: even past the DTD guard, lxml expands and fetches nothing."""
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    names = []
    for _event, element in etree.iterparse(
        io.BytesIO(xxe_document(url, secret)), events=("end",), tag="{*}command", **PARSER_OPTIONS
    ):
        names.append(etree.tostring(element))
    assert hits == []
    assert b"TOP-SECRET" not in b"".join(names)
    assert b"pwned" not in b"".join(names)


def test_user_listed_twice_with_different_data(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    (export / "a.xml").write_bytes(document(GOOD_USER))
    (export / "b.xml").write_bytes(document(GOOD_USER.replace("Fine", "Different")))
    (export / "c.xml").write_bytes(document(GOOD_USER))  # same data again: no warning
    result = run(export, tmp_path / "w")
    warning = only_warning(tmp_path / "w", "conflict")
    assert warning["severity"] == "error"
    assert warning["record"] == "user ok@x"
    assert warning["field"] == "first_name"
    assert "'Fine' in a.xml" in warning["message"] and "'Different' in b.xml" in warning["message"]
    assert by_key(tmp_path / "w", "users", "user_id")["ok@x"]["first_name"] == "Fine"
    assert int(result.exit_code) == 1


def test_number_assigned_to_two_users_is_a_conflict(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    with_number = GOOD_USER.replace(
        "<countryCode>", "<phoneNumber>6175550000</phoneNumber><countryCode>"
    )
    (export / "a.xml").write_bytes(document(with_number, with_number.replace("ok@x", "dup@x")))
    run(export, tmp_path / "w")
    warning = only_warning(tmp_path / "w", "conflict")
    assert warning["record"] == "number +16175550000"
    assert warning["field"] == "user_id"


def zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


def test_zip_export_reads_like_the_folder(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    write_pair(
        export / "deep" / "er",
        "u",
        [command("UserGetRequest21", el("userId", "z@x"))],
        [
            command(
                "UserGetResponse21",
                el("serviceProviderId", "e")
                + el("groupId", "g")
                + el("lastName", "Zed")
                + el("firstName", "Z"),
            )
        ],
    )
    archive = zip_of(export, tmp_path / "x.zip")
    run(archive, tmp_path / "wz")
    run(export, tmp_path / "wd")
    for entity in ("users", "warnings"):
        assert records(tmp_path / "wz", entity) == records(tmp_path / "wd", entity)
    assert len(records(tmp_path / "wz", "users")) == 2


def test_corrupt_zip_member_is_an_error_for_that_member(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "big.xml").write_bytes(
        document(*[GOOD_USER.replace("ok@x", f"u{i}@x") for i in range(15)])
    )
    archive = zip_of(export, tmp_path / "x.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("big.xml")
    start = info.header_offset + 30 + len(info.filename) + 20
    data[start : start + 40] = b"\x00" * 40
    archive.write_bytes(bytes(data))
    result = run(archive, tmp_path / "w")
    warnings = records(tmp_path / "w", "warnings")
    assert [w["file"] for w in warnings] == ["big.xml"]
    assert warnings[0]["severity"] == "error"
    assert "good" not in warnings[0]["file"]
    assert int(result.exit_code) == 1


def cli_extract(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


def test_truncated_zip_exits_2_with_one_line_and_keeps_the_inventory(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    workspace = tmp_path / "w"
    code, _out, _err = cli_extract(
        ["-w", str(workspace), "--reports", str(tmp_path / "r"), str(export)]
    )
    assert code == 0
    before = (workspace / "inventory" / "users.jsonl").read_bytes()
    archive = zip_of(export, tmp_path / "x.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    code, _out, err = cli_extract(["-w", str(workspace), str(truncated)])
    assert code == 2
    assert err.count("\n") == 1 and "truncated.zip" in err and "Traceback" not in err
    assert (workspace / "inventory" / "users.jsonl").read_bytes() == before


def test_missing_export_exits_2(tmp_path: Path) -> None:
    code, _out, err = cli_extract(["-w", str(tmp_path / "w"), str(tmp_path / "nope")])
    assert code == 2
    assert err.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_failure_midway_leaves_the_previous_inventory_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = good_export(tmp_path / "x")
    workspace = tmp_path / "w"
    run(export, workspace)
    before = {p.name: p.read_bytes() for p in (workspace / "inventory").iterdir()}

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "merge", explode)
    code, _out, err = cli_extract(["-w", str(workspace), str(export)])
    assert code == 4
    assert err.startswith("internal error: RuntimeError: disk on fire")
    after = {p.name: p.read_bytes() for p in (workspace / "inventory").iterdir()}
    assert after == before
    # Nothing staged is left; the lock file is the workspace's own (extract takes the lock).
    assert sorted(p.name for p in workspace.iterdir() if p.name != LOCK_FILE) == ["inventory"]


def test_worker_processes_give_the_same_inventory_as_one_process(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    for i in range(450):  # more than two batches of documents
        body = GOOD_USER.replace("ok@x", f"u{i:03d}@x").replace("Fine", f"N{i % 7}")
        if i == 300:
            body = GOOD_USER.replace("ok@x", "u000@x").replace("Fine", "Clash")  # across batches
        (export / f"d{i:03d}.xml").write_bytes(document(body))
    (export / "d999.xml").write_bytes(b"<oops")
    single = extract_with(export, tmp_path / "one", workers=1)
    double = extract_with(export, tmp_path / "two", workers=2)
    assert single.counts == double.counts
    for name in ("users.jsonl", "warnings.jsonl"):
        assert (tmp_path / "one" / "inventory" / name).read_bytes() == (
            tmp_path / "two" / "inventory" / name
        ).read_bytes()
    assert [w["code"] for w in records(tmp_path / "two", "warnings")] == [
        "conflict",
        "malformed-xml",
    ]


def extract_with(export: Path, workspace: Path, workers: int):  # type: ignore[no-untyped-def]
    from migrate.extract import extract

    return extract(export, workspace, workers=workers)
