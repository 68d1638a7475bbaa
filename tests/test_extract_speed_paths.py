"""The shortcuts the parse phase takes for speed keep what they replace."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrate.extract import extractor
from migrate.extract.envelope import Table, _Repeated
from migrate.extract.parsers.base import compact
from migrate.extract.reader import Export
from tests.ocip import command, document, el


def test_compact_drops_none_and_empty_lists_only() -> None:
    data = {
        "none": None,
        "empty": [],
        "empty_table": Table(["A"], []),
        "empty_repeated": _Repeated([]),
        "false": False,
        "zero": 0,
        "blank": "",
        "empty_dict": {},
        "list": ["x"],
        "text": "t",
    }
    assert compact(data) == {
        "false": False,
        "zero": 0,
        "blank": "",
        "empty_dict": {},
        "list": ["x"],
        "text": "t",
    }


@pytest.fixture
def collecting() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collecting")
@pytest.mark.parametrize("enabled", [True, False])
def test_a_batch_leaves_the_collector_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    user = command("UserGetResponse22", el("userId", "u@x") + el("serviceProviderId", "sp"))
    (tmp_path / "u.xml").write_bytes(document(user))
    (tmp_path / "broken.xml").write_bytes(b"<BroadsoftDocument><command>")
    seen = []
    real = extractor._read_document

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(extractor, "_read_document", spy)
    (gc.enable if enabled else gc.disable)()
    with Export(tmp_path) as export:
        part = extractor._parse_batch(export, list(enumerate(export.documents())), 10)
    assert seen == [False, False]
    assert gc.isenabled() is enabled
    assert [row[1] for row in part.rows] == ["u@x"]
    assert [w["code"] for w in part.warnings] == ["malformed-xml"]
