"""A hostile tester's exports: each ends in a documented exit code, a message naming
the file (and entry or record), and a workspace that is left as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from migrate.cli.main import cli
from migrate.extract import extract, extractor
from migrate.extract.staging import OWNER_FILE, remove_stale_staging
from migrate.inventory import inventory_dir
from migrate.reports import xlsx
from migrate.reports.extract_report import write_extract_report
from migrate.workspace import LOCK_FILE
from tests.conftest import invoke
from tests.extract_helpers import by_key, records
from tests.ocip import XSI, command, document, el, table

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


def snapshot(workspace: Path) -> dict[str, bytes]:
    """Every file and folder under the workspace, with its bytes."""
    return {
        path.relative_to(workspace).as_posix(): path.read_bytes() if path.is_file() else b"/"
        for path in sorted(workspace.rglob("*"))
    }


def cli_extract(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


def prepared(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A workspace holding a good inventory, and its snapshot."""
    workspace = tmp_path / "w"
    code, _out, err = cli_extract(
        "-w", str(workspace), "--reports", str(tmp_path / "r"), str(good_export(tmp_path / "ok"))
    )
    assert code == 0, err
    return workspace, snapshot(workspace)


# -- zips whose entries cannot be read --------------------------------------------------


def zip_with(target: Path, entries: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return target


def patch_entry(archive: Path, name: str, flag: int = 0, method: int | None = None) -> None:
    """Set general-purpose flag bits and/or the method of ``name``, in both headers."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(name)
    local = info.header_offset
    # Local header: flags at +6, method at +8.
    data[local + 6] |= flag
    if method is not None:
        data[local + 8 : local + 10] = method.to_bytes(2, "little")
    # Central directory: find this entry's record by its name.
    start = 0
    while True:
        at = data.index(b"PK\x01\x02", start)
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == name.encode():
            break
        start = at + 4
    data[at + 8] |= flag
    if method is not None:
        data[at + 10 : at + 12] = method.to_bytes(2, "little")
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("flag", "method", "said"),
    [
        (0x01, None, "encrypted"),
        (0, 9, "Deflate64 (method 9)"),
        (0, 77, "an unknown method (method 77)"),
    ],
)
def test_unreadable_zip_entry_is_a_one_line_input_error(
    tmp_path: Path, flag: int, method: int | None, said: str
) -> None:
    workspace, before = prepared(tmp_path)
    archive = zip_with(
        tmp_path / "export.zip",
        [("a/good.xml", document(GOOD_USER)), ("b/locked.xml", document(GOOD_USER))],
    )
    patch_entry(archive, "b/locked.xml", flag, method)
    code, _out, err = cli_extract("-w", str(workspace), str(archive))
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err
    assert err.startswith(f"error: {archive}: entry b/locked.xml ")
    assert said in err
    assert snapshot(workspace) == before


def test_a_zip_newer_than_python_reads_is_a_one_line_input_error(tmp_path: Path) -> None:
    workspace, before = prepared(tmp_path)
    archive = zip_with(tmp_path / "export.zip", [("a/good.xml", document(GOOD_USER))])
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (64).to_bytes(2, "little")  # "version needed": 6.4
    archive.write_bytes(bytes(data))
    code, _out, err = cli_extract("-w", str(workspace), str(archive))
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err
    assert err.startswith(f"error: {archive}: a zip this Python cannot read (zip file version 6.4)")
    assert snapshot(workspace) == before


def test_duplicate_entry_names_are_refused(tmp_path: Path) -> None:
    workspace, before = prepared(tmp_path)
    other = GOOD_USER.replace("ok@x", "hidden@x")
    archive = zip_with(
        tmp_path / "dup.zip",
        [("u.xml", document(GOOD_USER)), ("u.xml", document(other)), ("notes.txt", b"")],
    )
    code, _out, err = cli_extract("-w", str(workspace), str(archive))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {archive}: holds 2 entries named u.xml")
    assert snapshot(workspace) == before


def test_duplicate_non_document_entries_do_not_matter(tmp_path: Path) -> None:
    archive = zip_with(
        tmp_path / "x.zip",
        [("u.xml", document(GOOD_USER)), ("README", b"a"), ("README", b"b")],
    )
    result = extract(archive, tmp_path / "w")
    assert result.counts["users"] == 1 and int(result.exit_code) == 0


# -- DN ranges ---------------------------------------------------------------------------


def dn_document(*cells: str) -> bytes:
    rows = [[cell, "true", "1"] for cell in cells]
    return document(
        command(
            "GroupDnGetAssignmentListResponse18",
            el("serviceProviderId", "e")
            + el("groupId", "g")
            + table("dnTable", ["Phone Numbers", "Activated", "Country Code"], rows),
        )
    )


def test_a_range_over_the_cap_is_a_warning_naming_file_record_and_range(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    # 2.6 KB of ranges that would expand to 2 million numbers.
    huge = [f"+1-55{i:02d}0000000 - +1-55{i:02d}0099999" for i in range(20)]
    (export / "dn.xml").write_bytes(dn_document("+1-5551231207 - +1-5551231210", *huge))
    assert (export / "dn.xml").stat().st_size < 3000
    code, out, err = cli_extract(
        "-w", str(tmp_path / "w"), "--reports", str(tmp_path / "r"), "--json", str(export)
    )
    assert code == 0, err
    assert sorted(by_key(tmp_path / "w", "numbers", "phone_number")) == [
        f"+1555123120{n}" for n in range(7, 10)
    ] + ["+15551231210"]
    found = [w for w in records(tmp_path / "w", "warnings") if w["code"] == "range-too-large"]
    assert len(found) == 20
    first = next(w for w in found if "+1-55000000000" in w["message"])
    assert first["file"] == "dn.xml"
    assert first["record"].startswith("command 1 (GroupDnGetAssignmentListResponse18")
    assert first["record"].endswith("row 2")
    assert "'+1-55000000000 - +1-55000099999' holds 100000 numbers" in first["message"]
    messages = json.loads(out)["messages"]
    assert any(
        m.startswith("warning: dn.xml: command 1 ") and "+1-55000000000 - +1-55000099999" in m
        for m in messages
    )


def test_the_range_cap_is_configurable(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    (export / "dn.xml").write_bytes(dn_document("+1-5551231200 - +1-5551231205"))
    small = extract(export, tmp_path / "small", max_range=5)
    assert small.counts["numbers"] == 0
    assert [w["code"] for w in records(tmp_path / "small", "warnings")] == ["range-too-large"]
    default = extract(export, tmp_path / "default")
    assert default.counts["numbers"] == 6
    with pytest.raises(ValueError, match="max_range"):
        extract(export, tmp_path / "never", max_range=0)


def test_a_full_sheet_goes_on_in_a_second_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "x"
    export.mkdir()
    (export / "dn.xml").write_bytes(dn_document("+1-5551231200 - +1-5551231269"))
    extract(export, tmp_path / "w")
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 30)  # a header and 29 rows per sheet
    path = write_extract_report(tmp_path / "w", tmp_path / "extract.xlsx")
    book = load_workbook(path, read_only=True)
    numbers = [name for name in book.sheetnames if name.startswith("Numbers")]
    assert numbers == ["Numbers", "Numbers (2)", "Numbers (3)"]
    rows = [row for name in numbers for row in list(book[name].iter_rows(values_only=True))[1:]]
    assert [len(list(book[name].iter_rows())) for name in numbers] == [30, 30, 13]
    assert [row[0] for row in rows] == [f"+155512312{n:02d}" for n in range(70)]


# -- DTDs that hid from the old prolog scan ---------------------------------------------

ENTITY_USER = (
    f'<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="{XSI}">'
    '<command xmlns="" xsi:type="UserGetResponse22"><serviceProviderId>e</serviceProviderId>'
    "<groupId>g</groupId><userId>evil@x</userId><lastName>&x;</lastName>"
    "<firstName>F</firstName></command></BroadsoftDocument>"
)
DOCTYPE = '<!DOCTYPE BroadsoftDocument [<!ENTITY x "Injected">]>'


def hidden_doctypes() -> dict[str, bytes]:
    return {
        "after-comment": (
            f'<?xml version="1.0"?><!-- an innocent comment -->{DOCTYPE}{ENTITY_USER}'
        ).encode(),
        "after-70kb": (
            '<?xml version="1.0"?>' + "<!--" + "p" * 70_000 + "-->" + DOCTYPE + ENTITY_USER
        ).encode(),
        "utf16-no-bom": (f'<?xml version="1.0" encoding="UTF-16"?>{DOCTYPE}{ENTITY_USER}').encode(
            "utf-16-le"
        ),
        "utf16-be-no-bom": (
            f'<?xml version="1.0" encoding="UTF-16"?>{DOCTYPE}{ENTITY_USER}'
        ).encode("utf-16-be"),
        "utf16-bom": (f'<?xml version="1.0" encoding="UTF-16"?>{DOCTYPE}{ENTITY_USER}').encode(
            "utf-16"
        ),
        "after-whitespace": ("\n" * 80_000 + DOCTYPE + ENTITY_USER).encode(),
        "pi-before": (f'<?xml version="1.0"?><?x {"y" * 70_000}?>{DOCTYPE}{ENTITY_USER}').encode(),
        "external-only": (
            '<?xml version="1.0"?><!-- c --><!DOCTYPE BroadsoftDocument SYSTEM '
            '"http://127.0.0.1:9/x.dtd">' + ENTITY_USER.replace("&x;", "L")
        ).encode(),
    }


@pytest.mark.parametrize("case", sorted(hidden_doctypes()))
def test_a_hidden_doctype_is_refused(tmp_path: Path, case: str) -> None:
    workspace, _before = prepared(tmp_path)
    export = good_export(tmp_path / "x")
    (export / f"{case}.xml").write_bytes(hidden_doctypes()[case])
    code, out, err = cli_extract("-w", str(workspace), "--json", str(export))
    assert code == 1, err
    (warning,) = records(workspace, "warnings")
    assert warning["code"] == "unsafe-xml" and warning["file"] == f"{case}.xml"
    assert warning["severity"] == "error" and "DTD" in warning["message"]
    assert sorted(by_key(workspace, "users", "user_id")) == ["ok@x"]
    assert json.loads(out)["messages"][0].startswith(f"error: {case}.xml: document: ")


def test_a_doctype_in_a_request_or_a_soap_payload_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "x"
    export.mkdir()
    (export / "r.xml").write_bytes(f'<?xml version="1.0"?><!-- c -->{DOCTYPE}'.encode() + b"<a/>")
    (export / "r.xml.response.xml").write_bytes(document(GOOD_USER))
    inner = f"<?xml version='1.0'?><!-- c -->{DOCTYPE}{ENTITY_USER}"
    escaped = inner.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    (export / "soap.xml").write_bytes(
        (
            '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv='
            '"http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            f"<processOCIMessageResponse><processOCIMessageReturn>{escaped}"
            "</processOCIMessageReturn></processOCIMessageResponse>"
            "</soapenv:Body></soapenv:Envelope>"
        ).encode()
    )
    result = extract(export, tmp_path / "w")
    found = {(w["file"], w["code"]) for w in records(tmp_path / "w", "warnings")}
    assert found == {("r.xml", "unreadable-request"), ("soap.xml", "unsafe-xml")}
    assert sorted(by_key(tmp_path / "w", "users", "user_id")) == ["ok@x"]
    assert int(result.exit_code) == 1


# -- what the console can say -------------------------------------------------------------


def test_result_messages_name_the_file_record_and_field(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "broken.xml").write_bytes(b'<?xml version="1.0"?><BroadsoftDocument><command>')
    (export / "dn.xml").write_bytes(dn_document("abc"))
    result = extract(export, tmp_path / "w")
    assert result.messages[0].startswith("error: broken.xml: document: malformed XML at line 1")
    assert result.messages[1] == (
        "warning: dn.xml: command 1 (GroupDnGetAssignmentListResponse18) row 1: "
        "field Phone Numbers: cannot read 'abc' as a phone number"
    )
    manifest = json.loads((inventory_dir(tmp_path / "w") / "manifest.json").read_text())
    assert "messages" not in manifest


def test_result_messages_are_capped_worst_first(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "dn.xml").write_bytes(dn_document(*["x" * n for n in range(1, 31)]))
    (export / "zz.xml").write_bytes(b"<oops")
    result = extract(export, tmp_path / "w")
    assert len(result.messages) == 21
    assert result.messages[0].startswith("error: zz.xml: ")
    assert result.messages[-1] == "... and 11 more in warnings.jsonl"


# -- staging folders a killed extract left behind ------------------------------------------

KILL_AFTER_FIRST_BATCH = """
import os, signal, sys
from pathlib import Path
from migrate.extract import extract, extractor

def die(_n):
    os.kill(os.getpid(), signal.SIGKILL)

extract(Path(sys.argv[1]), Path(sys.argv[2]), progress=die, workers=1)
"""

HOLD_A_STAGING_FOLDER = """
import sys
from pathlib import Path
from migrate.extract.staging import owned

folder = Path(sys.argv[1])
folder.mkdir()
with owned(folder):
    print("held", flush=True)
    sys.stdin.read()
"""


def many_documents(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"d{i:03d}.xml").write_bytes(document(GOOD_USER.replace("ok@x", f"u{i}@x")))
    return folder


def test_kill_9_leaves_a_staging_folder_that_the_next_extract_removes(tmp_path: Path) -> None:
    workspace, before = prepared(tmp_path)
    export = many_documents(tmp_path / "many", 250)  # two batches: killed after the first
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_FIRST_BATCH, str(export), str(workspace)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = sorted(workspace.glob(".inventory.new-*"))
    assert len(left) == 1 and list(left[0].glob(".rec-*.sqlite"))  # the first batch's shard
    # Dot names: the staging folder, and the lock file the CLI's extract took preparing it.
    assert {k: v for k, v in snapshot(workspace).items() if not k.startswith(".")} == {
        k: v for k, v in before.items() if not k.startswith(".")
    }
    result = extract(good_export(tmp_path / "again"), workspace)
    assert result.stale_removed == [str(left[0])]
    assert sorted(p.name for p in workspace.iterdir() if p.name != LOCK_FILE) == ["inventory"]
    assert not (workspace / "inventory" / OWNER_FILE).exists()


def test_a_staging_folder_held_by_a_live_process_is_left_alone(tmp_path: Path) -> None:
    workspace, _before = prepared(tmp_path)
    held = workspace / ".inventory.new-live"
    stranger = workspace / ".inventory.new-nolock"  # not provably dead: not ours to delete
    stranger.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_STAGING_FOLDER, str(held)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        result = extract(good_export(tmp_path / "x"), workspace)
        assert result.stale_removed == []
        assert held.is_dir() and stranger.is_dir()
    finally:
        holder.kill()  # SIGKILL: no cleanup of its own
        holder.wait(timeout=30)
    assert (held / OWNER_FILE).exists()
    assert remove_stale_staging(inventory_dir(workspace)) == [held]
    assert stranger.is_dir()


def test_a_document_past_its_record_budget_keeps_the_order_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extractor, "_DOCUMENT_RECORDS", 3)
    export = tmp_path / "x"
    export.mkdir()
    (export / "a.xml").write_bytes(dn_document("+1-5551231200 - +1-5551231205"))
    (export / "b.xml").write_bytes(dn_document("+1-5551231300"))
    result = extract(export, tmp_path / "w", workers=1)
    assert sorted(by_key(tmp_path / "w", "numbers", "phone_number")) == [
        "+15551231200",
        "+15551231201",
        "+15551231202",
        "+15551231300",
    ]
    (warning,) = records(tmp_path / "w", "warnings")
    assert warning["code"] == "too-many-records" and warning["file"] == "a.xml"
    assert int(result.exit_code) == 1


def test_a_folder_that_cannot_be_listed_stops_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, before = prepared(tmp_path)
    export = good_export(tmp_path / "x")
    (export / "locked").mkdir()
    (export / "locked" / "u.xml").write_bytes(document(GOOD_USER))
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] | int) -> object:
        if not isinstance(path, int) and Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, _out, err = cli_extract("-w", str(workspace), str(export))
    assert code == 2
    assert err == f"error: {export / 'locked'}: cannot list the folder: Permission denied\n"
    assert snapshot(workspace) == before


def test_the_console_names_the_bad_file_without_and_with_verbose(tmp_path: Path) -> None:
    export = good_export(tmp_path / "x")
    (export / "broken.xml").write_bytes(b'<?xml version="1.0"?><BroadsoftDocument><command>')
    (export / "dn.xml").write_bytes(dn_document(*["x" * n for n in range(1, 9)]))
    args = ["extract", "-w", str(tmp_path / "w"), "--reports", str(tmp_path / "r"), str(export)]
    code, out, _err = invoke(*args)
    assert code == 1
    assert "error: broken.xml: document: malformed XML at line 1" in out
    assert "more with -v" in out and out.count("warning: dn.xml:") == 4
    code, out, _err = invoke(*args, "-v")
    assert out.count("warning: dn.xml:") == 8 and "more with -v" not in out
