"""The model read one customer at a time: ordered files in step, the others indexed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrate.errors import WorkspaceError
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.plan.bycustomer import ModelIndex


def _write(workspace: Path, entity: str, records: list[Any]) -> None:
    folder = wm.model_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(wm.to_record(r)) + "\n" for r in records]
    (folder / f"{entity}.jsonl").write_text("".join(lines), encoding="utf-8")


def _customer(cid: str) -> wm.Customer:
    return wm.Customer(cid, {}, "group", f"Customer {cid}", packages=["webex_calling"])


def _location(cid: str) -> wm.Location:
    return wm.Location(f"{cid}/hq", cid, {}, "HQ", is_primary=True, time_zone="UTC")


def _device(cid: str, did: str, owner: str) -> wm.Device:
    return wm.Device(
        did,
        cid,
        f"{cid}/hq",
        {},
        device_name=did,
        model="DMS Cisco 8851",
        migrate=True,
        mac="6C710D8A51F2",
        owner=owner,
        owner_kind="person",
    )


def _subscriber(cid: str, uid: str) -> wm.Subscriber:
    return wm.Subscriber(
        uid, cid, f"{cid}/hq", {}, "Ann", "Lee", f"{uid}@example.com", package="webex_calling"
    )


@pytest.fixture
def model(tmp_path: Path) -> Path:
    # "a-b/g" sorts before "a/..." as a device id, after "a" as a customer id.
    ids = ["a", "a-b/g"]
    _write(tmp_path, "customers", [_customer(c) for c in ids])
    _write(tmp_path, "locations", [_location(c) for c in ids])
    _write(tmp_path, "subscribers", [_subscriber("a", "ua"), _subscriber("a-b/g", "ub")])
    _write(
        tmp_path,
        "devices",
        [_device("a-b/g", "a-b/g/phone", "ub"), _device("a", "a/g1/phone", "ua")],
    )
    issue = wm.Issue("i1", wm.BLOCKER, "E1", "subscriber", "ub", "a", None, None, None, "no")
    _write(tmp_path, "issues", [issue])
    return tmp_path


def test_devices_out_of_customer_order_are_planned_with_their_customer(model: Path) -> None:
    plan = builder.build(model, None, None)
    devices = [(a.customer, a.key) for a in plan.actions if a.type == "create_device"]
    assert devices == [("a", "create_device:a/g1/phone")]
    # The blocker was filed under customer "a" but names a subscriber of "a-b/g".
    left = {(x.customer, x.entity, x.key) for x in plan.left_alone}
    assert ("a-b/g", "subscriber", "ub") in left
    assert ("a-b/g", "device", "a-b/g/phone") in left


def test_the_index_answers_one_customer_at_a_time(model: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    index = ModelIndex(model, scratch)
    try:
        groups = [(g.id, [s.id for s in g.subscribers]) for g in index.customers()]
        assert groups == [("a", ["ua"]), ("a-b/g", ["ub"])]
        assert [d.id for d in index.records("devices", "a-b/g")] == ["a-b/g/phone"]
        assert index.blocked(["ua", "ub", "a"]) == {("subscriber", "ub"): "blocker E1: no"}
    finally:
        index.close()


def test_a_model_file_out_of_customer_order_is_named(model: Path) -> None:
    _write(model, "subscribers", [_subscriber("a-b/g", "ub"), _subscriber("a", "ua")])
    with pytest.raises(WorkspaceError) as refused:
        builder.build(model, None, None)
    message = str(refused.value)
    assert "subscribers.jsonl: not ordered by customer_id" in message
    assert "\n" not in message
