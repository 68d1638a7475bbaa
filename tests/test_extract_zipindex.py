"""Zip exports read through the on-disk directory index, checked against zipfile itself."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from migrate.errors import InputError
from migrate.extract.reader import Export
from migrate.extract.zipindex import Entry, central_directory, open_member
from tests.extract_helpers import records, run
from tests.ocip import command, document, el

METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def user(user_id: str) -> bytes:
    return document(
        command(
            "UserGetResponse22",
            el("serviceProviderId", "e")
            + el("groupId", "g")
            + el("userId", user_id)
            + el("lastName", "Ok")
            + el("firstName", "Fine")
            + el("countryCode", "1"),
        )
    )


class _Unseekable:
    """A sink zipfile cannot seek back in, so it writes data descriptors (flag bit 3)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


CONTENTS: list[tuple[str, bytes]] = [
    ("README", b"not a document"),
    ("a/b.xml", user("b@x")),
    ("a/b.xml.response.xml", user("b2@x")),
    ("a/dossier café ✓.xml", user("utf8@x")),  # non-ASCII: zipfile sets bit 11 (UTF-8)
    ("a/", b""),
    ("big.xml", b"<x>" + b"y" * 300_000 + b"</x>"),
    ("empty.xml", b""),
]


def write_zip(target: Path, method: int, descriptors: bool = False) -> Path:
    sink = _Unseekable()
    with zipfile.ZipFile(sink if descriptors else target, "w", method) as archive:
        archive.comment = b"an archive comment, which ends the file"
        for name, data in CONTENTS:
            archive.writestr(name, data)
    if descriptors:
        target.write_bytes(bytes(sink.data))
    return target


def assert_same_as_zipfile(archive: Path) -> None:
    """Every entry, and every byte of every member, as zipfile gives them."""
    with zipfile.ZipFile(archive) as z, archive.open("rb") as handle:
        expected = [
            (
                info.filename,
                Entry(
                    info.header_offset,
                    info.compress_size,
                    info.file_size,
                    info.compress_type,
                    info.flag_bits,
                    info.CRC,
                ),
            )
            for info in z.infolist()
        ]
        found = list(central_directory(handle))
        assert found == expected
        for name, entry in found:
            if not name.endswith("/"):
                with open_member(archive, name, entry) as member:
                    assert member.read() == z.read(name)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("descriptors", [False, True])
def test_entries_and_bytes_are_zipfiles(tmp_path: Path, method: int, descriptors: bool) -> None:
    archive = write_zip(tmp_path / "x.zip", method, descriptors)
    with zipfile.ZipFile(archive) as z:
        flags = {info.filename: info.flag_bits for info in z.infolist()}
        assert z.comment.startswith(b"an archive comment")
    assert all(bool(flag & 0x08) == descriptors for flag in flags.values())
    assert flags["a/dossier café ✓.xml"] & 0x800
    assert_same_as_zipfile(archive)


def test_cp437_names_without_the_utf8_flag(tmp_path: Path) -> None:
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("cafe.xml", user("c@x"))
    data = archive.read_bytes()
    # Same length, in both headers, and no bit 11: the historical encoding.
    archive.write_bytes(data.replace(b"cafe.xml", "café.xml".encode("cp437")))
    assert_same_as_zipfile(archive)
    with Export(archive) as export:
        assert [doc.name for doc in export.documents()] == ["café.xml"]


def test_zip64_end_record_and_extra_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Limits this low make zipfile write a zip64 end record and put sizes and
    # offsets in zip64 extra fields, as it does past 65,535 entries or 4 GiB.
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100)
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for index in range(8):
            z.writestr(f"u{index}.xml", user(f"u{index}@x"))
        with z.open("forced.xml", "w", force_zip64=True) as member:
            member.write(user("forced@x"))
    monkeypatch.undo()
    data = archive.read_bytes()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    with zipfile.ZipFile(archive) as z:
        assert all(info.extra[:2] == b"\x01\x00" for info in z.infolist())
    assert_same_as_zipfile(archive)


def test_bytes_prepended_to_the_zip_shift_every_offset(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "x.zip", zipfile.ZIP_DEFLATED)
    archive.write_bytes(b"#!/bin/sh a self-extractor's stub\n" + archive.read_bytes())
    assert_same_as_zipfile(archive)


def test_a_big_member_is_read_in_pieces(tmp_path: Path) -> None:
    archive = tmp_path / "x.zip"
    body = b"".join(b"<row>%d</row>" % i for i in range(600_000))
    assert len(body) > 4 << 20
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", body)
    with archive.open("rb") as handle:
        [(name, entry)] = list(central_directory(handle))
    pieces = []
    with open_member(archive, name, entry) as member:
        while piece := member.read(1 << 16):
            assert len(piece) <= 1 << 16
            pieces.append(piece)
    assert len(pieces) > 60 and b"".join(pieces) == body


def folder_and_zip(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    folder = tmp_path / "export"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for index, name in enumerate(names):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            data = user(f"u{index}@x")
            (folder / name).write_bytes(data)
            z.writestr(name, data)
    return folder, archive


def test_documents_order_and_pairs_are_the_folders(tmp_path: Path) -> None:
    names = [
        "a/b.xml",
        "a/b.xml.response.xml",
        "a.b/x.xml",
        "a/b/c.xml",
        "a/b/c.xml.RESPONSE.XML",  # a response by its suffix, whatever the case
        "a/orphan.xml.response.xml",  # no request beside it
        "other/b.xml.response.xml",  # its request is in another folder
        "Z.xml",
        "é/ü.xml",
        "é/ü.xml.response.xml",
        "notes.txt",
        "x/README",
    ]
    folder, archive = folder_and_zip(tmp_path, names)
    with Export(folder) as export:
        from_folder = [(doc.name, doc.request) for doc in export.documents()]
        ignored = export.ignored
    with Export(archive) as export:
        docs = list(export.documents())
        assert export.ignored == ignored == ["notes.txt", "x/README"]
        for doc in docs:
            with export.open(doc.name, doc.entry) as stream:
                assert stream.read() == (folder / doc.name).read_bytes()
            assert (doc.request is None) == (doc.request_entry is None)
            if doc.request is not None:
                assert doc.request_entry is not None
                with export.open(doc.request, doc.request_entry) as stream:
                    assert stream.read() == (folder / doc.request).read_bytes()
    assert [(doc.name, doc.request) for doc in docs] == from_folder
    assert ("a/b.xml.response.xml", "a/b.xml") in from_folder
    assert ("a/orphan.xml.response.xml", None) in from_folder
    assert "a/b.xml" not in [name for name, _request in from_folder]


def test_a_worker_reads_by_entry_without_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder, archive = folder_and_zip(tmp_path, ["u.xml", "u.xml.response.xml", "v.xml"])
    with Export(archive) as export:
        docs = list(export.documents())

    def no_zipfile(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the directory was read again")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    worker = Export(archive, scan=False)
    for doc in docs:
        assert doc.entry is not None
        with worker.open(doc.name, doc.entry) as stream:
            assert b"BroadsoftDocument" in stream.read()


def test_extract_from_a_zip_never_opens_zipfile_and_equals_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["g/u.xml", "g/u.xml.response.xml", "g/v.xml", "h/w.xml", "notes.txt"]
    folder, archive = folder_and_zip(tmp_path, names)
    from_folder = run(folder, tmp_path / "wf")

    def no_zipfile(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("zipfile.ZipFile was used")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    from_zip = run(archive, tmp_path / "wz")
    assert from_zip.counts == from_folder.counts and from_zip.counts["users"] == 3
    assert from_zip.ignored_files == from_folder.ignored_files == ["notes.txt"]
    for entity in ("users", "warnings"):
        assert records(tmp_path / "wz", entity) == records(tmp_path / "wf", entity)


def test_a_crc_mismatch_is_a_warning_for_that_document_only(tmp_path: Path) -> None:
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr("bad.xml", user("bad@x"))
        z.writestr("good.xml", user("good@x"))
    data = bytearray(archive.read_bytes())
    at = data.index(b"bad@x")
    data[at : at + 3] = b"BAD"  # stored: the bytes still parse, only the CRC tells
    archive.write_bytes(bytes(data))
    result = run(archive, tmp_path / "w")
    warnings = records(tmp_path / "w", "warnings")
    assert [(w["file"], w["code"]) for w in warnings] == [("bad.xml", "unreadable")]
    assert "Bad CRC-32" in warnings[0]["message"]
    assert [u["user_id"] for u in records(tmp_path / "w", "users")] == ["good@x"]
    assert int(result.exit_code) == 1


def outcome(read: Callable[[], bytes]) -> object:
    try:
        return read()
    except Exception as err:  # what is raised is the outcome
        return type(err), str(err)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("change", [-10, 10])
def test_a_wrong_size_ends_as_zipfile_ends(tmp_path: Path, method: int, change: int) -> None:
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w", method) as z:
        z.writestr("short.xml", user("short@x"))
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02")
    size = int.from_bytes(data[central + 24 : central + 28], "little")
    data[central + 24 : central + 28] = (size + change).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with zipfile.ZipFile(archive) as z:
        expected = outcome(lambda: z.read("short.xml"))
    with Export(archive) as export:
        [doc] = list(export.documents())

        def ours() -> bytes:
            with export.open(doc.name, doc.entry) as stream:
                return stream.read()

        assert outcome(ours) == expected
    assert not isinstance(expected, bytes) or change > 0


def test_a_local_header_that_is_not_one_is_badzipfile(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "x.zip", zipfile.ZIP_DEFLATED)
    with archive.open("rb") as handle:
        entries = dict(central_directory(handle))
    moved = entries["a/b.xml"]._replace(offset=entries["a/b.xml"].offset + 1)
    with pytest.raises(zipfile.BadZipFile, match="Bad magic number for file header"):
        open_member(archive, "a/b.xml", moved)
    with pytest.raises(zipfile.BadZipFile, match="differ"):
        open_member(archive, "a/other.xml", entries["a/b.xml"])


def corrupt(archive: Path, how: str) -> None:
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02")
    if how == "truncated":
        del data[len(data) // 2 :]
    elif how == "directory cut":
        del data[central + 10 : central + 60]
    elif how == "bad magic":
        data[central + 2] = 0
    elif how == "bad offset":
        end = data.rindex(b"PK\x05\x06")
        data[end + 16 : end + 20] = (len(data) * 2).to_bytes(4, "little")
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "directory cut", "bad magic", "bad offset"])
def test_a_corrupt_zip_is_a_one_line_input_error_and_leaves_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    archive = write_zip(tmp_path / "x.zip", zipfile.ZIP_DEFLATED)
    corrupt(archive, how)
    with pytest.raises(InputError) as raised:
        Export(archive)
    message = str(raised.value)
    assert message.startswith(f"{archive}: ") and "\n" not in message
    assert list(scratch.iterdir()) == []


def test_the_index_is_removed_on_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    archive = write_zip(tmp_path / "x.zip", zipfile.ZIP_DEFLATED)
    with Export(archive) as export:
        assert len(list(scratch.iterdir())) == 1
        assert len(list(export.documents())) == 4
    assert list(scratch.iterdir()) == []


def set_flag(archive: Path, name: str, flag: int = 0, method: int | None = None) -> None:
    """Set flag bits and/or the method of ``name``, in its local and its central header."""
    data = bytearray(archive.read_bytes())
    # signature, header size, where the flags are, where the name's length is
    for signature, size, flags_at, length_at in (
        (b"PK\x03\x04", 30, 6, 26),
        (b"PK\x01\x02", 46, 8, 28),
    ):
        at = -1
        while True:
            at = data.index(signature, at + 1)
            length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
            if bytes(data[at + size : at + size + length]) == name.encode():
                break
        data[at + flags_at] |= flag
        if method is not None:
            data[at + flags_at + 2 : at + flags_at + 4] = method.to_bytes(2, "little")
    archive.write_bytes(bytes(data))


def test_unreadable_and_duplicate_entries_are_refused_up_front_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    archive = tmp_path / "x.zip"
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for name in ("a.xml", "locked.xml", "d64.xml", "dup.xml", "dup.xml", "x.txt"):
            z.writestr(name, user("u@x"))
    set_flag(archive, "locked.xml", flag=0x01)
    set_flag(archive, "d64.xml", method=9)
    set_flag(archive, "x.txt", flag=0x01)  # not a document: no matter
    with pytest.raises(InputError) as raised:
        Export(archive)
    assert str(raised.value) == (
        f"{archive}: entry locked.xml is encrypted (password-protected); unzip it with its "
        "password and pass the folder (and 2 more problem entries)"
    )
    assert list(scratch.iterdir()) == []


def test_member_bytes_through_export_open_by_name(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "x.zip", zipfile.ZIP_BZIP2)
    with Export(archive) as export, zipfile.ZipFile(archive) as z:
        assert export.open("a/b.xml").read() == z.read("a/b.xml")
        with pytest.raises(KeyError):
            export.open("missing.xml")
