"""``extract --from-oci`` against the BroadWorks emulator: the same inventory as from the folder."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from migrate.cli.extract import oci_progress
from migrate.errors import InputError, PreconditionError
from migrate.extract import extract
from migrate.extract.oci import Scope, pull
from migrate.extract.oci.chains import CHAINS, response_base
from migrate.extract.oci.session import parse_host
from migrate.extract.parsers import PARSERS
from migrate.synthetic import generate
from tests.oci_helpers import (
    SAMPLES,
    asked,
    conn,
    emulator,
    emulator_of,
    entities,
    folder_inventory,
    warnings,
)

# What the walk finds that the hand-made samples never held, and the reverse:
# each sample's lists name devices whose GroupAccessDeviceGet it lacks (the
# live walk asks, the emulator answers "not found"), and each holds one
# ErrorResponse for a user no list names (the walk never asks for it).
ONLY_LIVE = {
    "acme-enterprise": {"hq-dave", "mtl-hel"},
    "metro-sp-group-mode": {"dental-", "pizza-l", "pizza-m"},
}
ONLY_FOLDER = {
    "acme-enterprise": "temp.contractor@acme-corp.com",
    "metro-sp-group-mode": "6175550399@metro-voip.net",
}


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_round_trip_gives_the_folders_inventory_record_for_record(
    sample: str, tmp_path: Path
) -> None:
    expected = folder_inventory(sample, tmp_path / "folder")
    with emulator(sample) as emu:
        result = pull(conn(emu), Scope(SAMPLES[sample]), tmp_path / "live" / "oci-export")
    extract(tmp_path / "live" / "oci-export", tmp_path / "live")
    live_records, folder_records = entities(tmp_path / "live"), entities(expected)
    assert sum(len(r) for r in folder_records.values()) > 40
    assert live_records == folder_records
    assert result.stats.users == len(folder_records["users"])
    live, folder = warnings(tmp_path / "live"), warnings(expected)
    assert [w for w in folder if w not in live] == [w for w in folder if ONLY_FOLDER[sample] in w]
    extra = [w for w in live if w not in folder]
    assert extra and all("GroupAccessDeviceGetRequest" in w and "Not found" in w for w in extra)
    assert {w.split("deviceName=")[1][:7] for w in extra} == ONLY_LIVE[sample]


def test_the_walk_asks_the_newest_version_and_falls_back(tmp_path: Path) -> None:
    with emulator("acme-enterprise") as emu:
        pull(conn(emu), Scope("acme-ent"), tmp_path / "export")
    types = [a.type for a in emu.log]
    # The emulator's release knows UserGet up to 23V2 and ServiceProviderGet 17sp1 only.
    assert types.count("ServiceProviderGetRequest22V5") == 1
    assert "ServiceProviderGetRequest17sp1" in types
    assert "ServiceProviderGetRequest13mp2" not in types
    user_gets = [t for t in types if t.startswith("UserGetRequest")]
    assert set(user_gets) == {"UserGetRequest23V2"}, "negotiated once, then reused"
    assert len(user_gets) == 14
    # A version the server named as unknown is not asked again for the next object.
    sca = Counter(t for t in types if t.startswith("UserSharedCallAppearanceGetRequest"))
    assert sca["UserSharedCallAppearanceGetRequest21sp1"] == 1
    # And a request type it knows in no version is optional: not sent again at all.
    assert sca["UserSharedCallAppearanceGetRequest14"] == 1


def test_every_walked_request_has_a_parser_and_every_group_level_parser_is_walked() -> None:
    walked = {response_base(base) for base in CHAINS}
    assert walked <= set(PARSERS)
    # Left out on purpose: system- and provider-wide lists (they would pull other
    # customers) and paged variants of lists the walk asks whole.
    not_walked = {
        "UserGetListInSystemResponse",
        "UserGetListInServiceProviderResponse",
        "UserGetListInServiceProviderPagedSortedListResponse",
        "UserGetListInGroupPagedSortedListResponse",
        "GroupGetListInServiceProviderPagedSortedListResponse",
        "GroupDnGetAssignmentPagedSortedListResponse",
        "GroupAccessDeviceGetPagedSortedListResponse",
        "SystemAccessDeviceGetAllResponse",
        # One event each: the walk reads a schedule's events whole (…GetEventDetailList).
        "GroupScheduleGetEventResponse",
        "ServiceProviderScheduleGetEventResponse",
    }
    assert set(PARSERS) - walked == not_walked


def test_a_dropped_connection_is_reconnected_and_nothing_is_asked_twice(tmp_path: Path) -> None:
    expected = entities(folder_inventory("acme-enterprise", tmp_path / "folder"))
    with emulator("acme-enterprise", drop_after=30) as emu:
        result = pull(conn(emu), Scope("acme-ent"), tmp_path / "live" / "oci-export")
    assert [a.outcome for a in emu.log].count("dropped") == 1
    assert result.reconnects == 1
    answered = asked(emu)
    typed = [(a.type, frozenset(a.keys.items())) for a in emu.log if a.outcome != "dropped"]
    assert len(typed) == len(set(typed)), "no request answered twice"
    assert len(answered) > 100
    extract(tmp_path / "live" / "oci-export", tmp_path / "live")
    assert entities(tmp_path / "live") == expected


def test_a_rerun_of_a_finished_walk_asks_nothing(tmp_path: Path) -> None:
    with emulator("metro-sp-group-mode") as emu:
        first = pull(conn(emu), Scope("metro-voip"), tmp_path / "export")
        emu.reset_log()
        again = pull(conn(emu), Scope("metro-voip"), tmp_path / "export")
    assert first.stats.saved > 30
    assert again.stats.saved == 0 and again.stats.asked == 0
    assert again.stats.reused == first.stats.saved
    assert emu.log == []


def test_a_damaged_saved_response_is_asked_again_and_replaced(tmp_path: Path) -> None:
    export = tmp_path / "export"
    with emulator("metro-sp-group-mode") as emu:
        pull(conn(emu), Scope("metro-voip"), export)
        damaged = next(export.rglob("UserGet.xml.response.xml"))
        whole = damaged.read_bytes()
        damaged.write_bytes(whole[: len(whole) // 2])
        emu.reset_log()
        again = pull(conn(emu), Scope("metro-voip"), export)
    assert [a.type for a in emu.log] == ["UserGetRequest23V2"]
    assert again.stats.saved == 1
    assert damaged.read_bytes().split(b"</sessionId>")[1] == whole.split(b"</sessionId>")[1]


def test_group_scope_walks_only_the_named_groups(tmp_path: Path) -> None:
    with emulator("metro-sp-group-mode") as emu:
        result = pull(
            conn(emu), Scope("metro-voip", ("joes-pizza", "no-such-group")), tmp_path / "export"
        )
    assert result.stats.groups == 1 and result.stats.missing_groups == ["no-such-group"]
    groups_asked = {a.keys.get("groupId") for a in emu.log} - {None}
    assert groups_asked == {"joes-pizza"}


def test_another_customers_walk_in_the_folder_is_refused(tmp_path: Path) -> None:
    with emulator("metro-sp-group-mode") as emu:
        pull(conn(emu), Scope("metro-voip"), tmp_path / "export")
        with pytest.raises(PreconditionError, match="holds the walk of"):
            pull(conn(emu), Scope("acme-ent"), tmp_path / "export")


@pytest.mark.parametrize("flow", ["signed", "plain"])
def test_both_login_flows_are_accepted_and_a_wrong_password_is_refused(
    flow: str, tmp_path: Path
) -> None:
    with emulator("metro-sp-group-mode") as emu:
        pull(conn(emu, flow), Scope("metro-voip", ("bright-smile",)), tmp_path / "ok")
        assert emu.logins >= 1 and emu.answered > 10
        wrong = conn(emu, flow)
        wrong.login = type(wrong.login)(wrong.login.user, "not-it", flow)
        with pytest.raises(PreconditionError, match="login as oci-admin refused") as err:
            pull(wrong, Scope("metro-voip"), tmp_path / "refused")
    assert "not-it" not in str(err.value)


def test_an_unreachable_server_is_a_precondition_error_naming_the_resume(tmp_path: Path) -> None:
    with emulator("metro-sp-group-mode") as emu:
        target = conn(emu, retries=1, timeout=2)
    # The emulator is closed: nothing listens on its port any more.
    with pytest.raises(PreconditionError, match="run the same command again to resume"):
        pull(target, Scope("metro-voip"), tmp_path / "export")


@pytest.mark.parametrize(
    ("value", "tls", "expected"),
    [
        ("bw.example.net", False, ("bw.example.net", 2208)),
        ("bw.example.net", True, ("bw.example.net", 2209)),
        ("bw.example.net:3000", True, ("bw.example.net", 3000)),
        ("[2001:db8::1]:2300", False, ("2001:db8::1", 2300)),
        ("[2001:db8::1]", True, ("2001:db8::1", 2209)),
    ],
)
def test_host_and_default_ports(value: str, tls: bool, expected: tuple[str, int]) -> None:
    assert parse_host(value, tls) == expected


@pytest.mark.parametrize("value", ["bw:0", "bw:port", ":2208", "bw:70000"])
def test_bad_host_is_a_usage_error(value: str) -> None:
    with pytest.raises(InputError):
        parse_host(value, False)


def test_round_trip_of_a_generated_export_with_several_providers(tmp_path: Path) -> None:
    """Lone response documents, R22 to R24 versions, packs found only through the pack list."""
    export = tmp_path / "export"
    generate(export, users=150, seed=1)
    extract(export, tmp_path / "folder", workers=1)
    folder = entities(tmp_path / "folder")
    live: dict[str, list[dict[str, Any]]] = {}
    with emulator_of(export) as emu:
        for provider in folder["service_providers"]:
            workspace = tmp_path / provider["sp_id"]
            pull(conn(emu), Scope(provider["sp_id"]), workspace / "oci")
            extract(workspace / "oci", workspace, workers=1)
            assert warnings(workspace) == []
            for entity, records in entities(workspace).items():
                kept = live.setdefault(entity, [])
                kept.extend(r for r in records if r not in kept)  # lookups come with each
    assert len(folder["service_providers"]) >= 2 and len(folder["users"]) == 150
    assert warnings(tmp_path / "folder") == []
    for entity, records in folder.items():
        key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
        assert sorted(live.get(entity, []), key=key) == sorted(records, key=key), entity


def test_progress_counts_answers_when_the_total_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    delegated: list[tuple[str, int]] = []

    @contextmanager
    def bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
        delegated.append((label, total))
        yield lambda step: None

    shown = oci_progress(bar)
    assert shown is not None and oci_progress(None) is None
    with shown("pull", 0) as advance:
        for _ in range(30):
            advance(1)
    with shown("extract", 72) as advance:
        advance(72)
    err = capsys.readouterr().err
    assert "\rpull: 25 answers" in err and err.endswith("\rpull: 30 answers\n")
    assert delegated == [("extract", 72)]
