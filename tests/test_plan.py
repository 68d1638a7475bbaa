"""``migrate plan``: actions in dependency order, left-alone objects, a fingerprint per input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrate.errors import PreconditionError
from migrate.mapping.rules import is_workspace
from migrate.mapping.tables import shipped_dir
from migrate.plan import builder
from migrate.plan import model as wm
from migrate.stages.map import run_map
from tests.conftest import invoke
from tests.test_map_fixtures import inventory, write_inventory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def mapped(tmp_path: Path) -> tuple[Path, Path]:
    workspace, reports = tmp_path / "w", tmp_path / "r"
    for stage in (["extract", str(SAMPLES / "acme-enterprise")], ["map"]):
        code, _out, err = invoke(
            stage[0], "-w", str(workspace), "--reports", str(reports), *stage[1:]
        )
        assert code == 0, err
    return workspace, reports


def test_actions_are_ordered_and_every_subscriber_is_accounted_for(
    mapped: tuple[Path, Path],
) -> None:
    workspace, reports = mapped
    code, out, err = invoke("plan", "-w", str(workspace), "--reports", str(reports), "--json")
    assert code == 0, err
    payload = json.loads(out)
    plan = builder.read(workspace)
    keys = [a.key for a in plan.actions]
    assert keys[:2] == ["create_customer:acme-ent", "await_customer:acme-ent"]
    position = {key: i for i, key in enumerate(keys)}
    for action in plan.actions:
        assert len(set(action.depends_on)) == len(action.depends_on)
        for dependency in action.depends_on:
            assert position[dependency] < position[action.key], (action.key, dependency)
    subscribers = [a for a in plan.actions if a.type == "create_subscriber"]
    admins = [s.id for s in wm.read(workspace, "subscribers") if s.is_admin]
    assert subscribers[0].key == f"create_subscriber:{admins[0]}"
    assert all(f"create_subscriber:{admins[0]}" in s.depends_on for s in subscribers[1:])
    planned = {a.key.split(":", 1)[1] for a in subscribers}
    left = {item.key for item in plan.left_alone if item.entity == "subscriber"}
    # Places become workspaces, not subscribers.
    model_ids = {s.id for s in wm.read(workspace, "subscribers") if not is_workspace(s)}
    assert planned | left == model_ids and not planned & left
    blockers = {
        i.key
        for i in wm.read(workspace, "issues")
        if i.severity == "blocker" and i.entity == "subscriber"
    }
    assert left == blockers
    assert payload["counts"]["create_subscriber"] == len(subscribers)
    assert (reports / "plan.xlsx").is_file()


def test_calling_payloads_carry_location_and_number_references(mapped: tuple[Path, Path]) -> None:
    workspace, _reports = mapped
    plan = builder.build(workspace, None, None)
    by_key = {a.key: a for a in plan.actions}
    customer = by_key["create_customer:acme-ent"].payload["body"]
    assert customer["externalId"] == "acme-ent"
    assert (
        customer["provisioningParameters"]["calling"]["location"]["timezone"] == "America/New_York"
    )
    muc = by_key["create_subscriber:anna.schmidt@acme-corp.com"].payload["body"]
    assert muc["provisioningParameters"]["locationId"] == {
        "$ref": "create_location:acme-ent/acme-muc",
        "field": "locationId",
    }
    assert muc["provisioningParameters"]["primaryPhoneNumber"].startswith("+49")
    assert muc["customerId"] == {"$ref": "await_customer:acme-ent", "field": "customerId"}


def test_a_changed_mapping_table_makes_the_plan_stale_until_replanned(
    mapped: tuple[Path, Path], tmp_path: Path
) -> None:
    workspace, _reports = mapped
    mine = tmp_path / "my-mappings"
    shutil.copytree(shipped_dir(), mine)
    plan = builder.build(workspace, None, mine)
    builder.write(plan, workspace)
    builder.check_fresh(builder.read(workspace), workspace, None, mine)  # fresh: no error
    with (mine / "devices.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(PreconditionError) as refused:
        builder.check_fresh(builder.read(workspace), workspace, None, mine)
    assert "mappings/devices.csv" in str(refused.value)
    assert refused.value.exit_code == 3
    builder.write(builder.build(workspace, None, mine), workspace)
    builder.check_fresh(builder.read(workspace), workspace, None, mine)


def test_a_changed_config_or_inventory_is_named(mapped: tuple[Path, Path], tmp_path: Path) -> None:
    workspace, _reports = mapped
    config = tmp_path / "migrate.toml"
    config.write_text('customer_level = "enterprise"\n')
    builder.write(builder.build(workspace, config, None), workspace)
    config.write_text('customer_level = "group"\n')
    (workspace / "inventory" / "users.jsonl").write_text("")
    with pytest.raises(PreconditionError) as refused:
        builder.check_fresh(builder.read(workspace), workspace, config, None)
    assert "config, inventory changed" in str(refused.value)


def test_plan_without_model_exits_3(tmp_path: Path) -> None:
    code, _out, err = invoke("plan", "-w", str(tmp_path / "empty"))
    assert code == 3
    assert "run `migrate map` first" in err


def test_a_customer_whose_primary_location_is_blocked_is_left_alone(tmp_path: Path) -> None:
    line1 = "Acme Corporate Headquarters, 1200 Avenue of the Americas"
    data = inventory()
    data["groups"][0]["address"] |= {"line1": line1, "line2": "Floor 14"}  # New York: primary
    workspace = write_inventory(tmp_path / "w", data)
    config = tmp_path / "migrate.toml"
    config.write_text('provisioning_id = "PROV-1"\n', encoding="utf-8")
    run_map(workspace, tmp_path / "r", config)
    [customer] = wm.read(workspace, "customers")
    assert customer.primary_location == "ent1/g-ny"
    assert any(
        i.code == "address_line_too_long" and i.key == "ent1/g-ny" and i.severity == "blocker"
        for i in wm.read(workspace, "issues")
    )
    plan = builder.build(workspace, config, None)
    assert [a for a in plan.actions if a.customer == "ent1"] == []
    assert line1 not in json.dumps([a.to_dict() for a in plan.actions])
    left = {(item.entity, item.key): item.reason for item in plan.left_alone}
    assert left[("customer", "ent1")].startswith("its primary location ent1/g-ny is left alone")
    assert "address_line_too_long" in left[("location", "ent1/g-ny")]
