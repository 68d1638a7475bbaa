"""Call park, call pickup and paging over OCI-P: the walk asks what the folder export
holds (lists, then each group by name or service user), and the BroadWorks emulator
answers it, so a live pull gives the folder's inventory record for record."""

from __future__ import annotations

from pathlib import Path

from migrate.extract import extract
from migrate.extract.oci import Scope, pull
from tests.call_group_fixtures import acme_with_call_groups
from tests.oci_helpers import SAMPLES, conn, emulator_of, entities

ROOT = Path(__file__).resolve().parent.parent


def test_a_live_pull_reads_every_call_group_the_folder_holds(tmp_path: Path) -> None:
    export = acme_with_call_groups(tmp_path / "export", ROOT / "samples")
    extract(export, tmp_path / "folder")
    with emulator_of(export) as emu:
        pull(conn(emu), Scope(SAMPLES["acme-enterprise"]), tmp_path / "live" / "oci-export")
        types = {a.type for a in emu.log if a.outcome != "dropped"}
    extract(tmp_path / "live" / "oci-export", tmp_path / "live")
    folder = entities(tmp_path / "folder")["group_features"]
    live = entities(tmp_path / "live")["group_features"]
    kinds = ("call_park", "call_park_settings", "call_pickup", "paging_group")
    assert len([f for f in folder if f["kind"] in kinds]) == 12
    assert live == folder
    # Each call park asked by name in its newest version; paging in the versions saved.
    assert {
        "GroupCallParkGetInstanceRequest16sp2",
        "GroupCallPickupGetInstanceRequest",
        "GroupGroupPagingGetInstanceRequest19sp1",
        "GroupGroupPagingGetTargetListRequest",
        "GroupGroupPagingGetOriginatorListRequest",
        "GroupCallParkGetRequest16sp2",
    } <= types
