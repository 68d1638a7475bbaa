"""A customer already on Webex (Webex for BroadWorks, UC-One) is attached to its org.

The sandbox holds the org before the migration, with two of the customer's
locations, one of its numbers and two people (one a BroadWorks user, one
not). The load attaches the org (``orgId``), adopts what was there and adds
only what was missing; rollback removes what the load made and leaves every
object that was there before exactly as it was.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from wxc_sdk import WebexSimpleApi
from wxc_sdk.rest import RestSession
from wxc_sdk.tokens import Tokens

from migrate.load import journal as jr
from migrate.load import rollback
from migrate.load.executor import LoadOptions
from migrate.load.journal import Journal
from migrate.load.verify import verify
from migrate.plan import builder
from migrate.sandbox import Sandbox, SandboxState
from migrate.sandbox.seeding import SeedError
from migrate.webex import WebexError
from tests.conftest import invoke
from tests.migration_helpers import (
    COMPARED_TYPES,
    CONFIG,
    SAMPLES,
    common,
    load,
    stage,
    webex_for,
    with_webex,
)
from tests.test_sandbox_wxc_sdk import known

ORG_UUID = "52cf576d-60a8-407a-b22c-467c51591908"
ORG_ID = base64.urlsafe_b64encode(f"ciscospark://us/ORGANIZATION/{ORG_UUID}".encode()).decode()
ORG_ID = ORG_ID.rstrip("=")
CUSTOMER = "acme-ent"
HQ, MTL, MUC = "Acme HQ New York", "Acme Montréal", "Acme München"
ALICE = "alice.johnson@acme-corp.com"  # a BroadWorks user the org already has
OLD_TIMER = "old.timer@acme-corp.com"  # in the org, not in BroadWorks
SEED: dict[str, Any] = {
    "orgs": [
        {
            "name": "Acme (Webex for BroadWorks)",
            "id": ORG_ID,
            "locations": [
                {
                    "name": HQ,
                    "timeZone": "America/New_York",
                    "address": {"address1": "1200 Avenue of the Americas", "city": "New York"},
                    "numbers": ["+12125550101"],
                },
                {"name": MTL, "timeZone": "America/Toronto", "language": "fr_CA"},
            ],
            "people": [
                {
                    "email": ALICE,
                    "firstName": "Alice",
                    "lastName": "Johnson",
                    "location": HQ,
                    "extension": "4101",
                    "phoneNumber": "+12125550101",
                },
                {"email": OLD_TIMER, "firstName": "Old", "lastName": "Timer", "location": HQ},
            ],
        }
    ]
}


def config(org_id: str = ORG_UUID) -> str:
    # The UUID Partner Hub shows is accepted and sent encoded.
    return CONFIG + f'\n[customers."{CUSTOMER}"]\norg_id = "{org_id}"\n'


def before(state: SandboxState) -> dict[str, Any]:
    """Everything of the org that was there before the load, as it was."""
    return {
        "org": (ORG_ID in state.orgs, state.orgs[ORG_ID].display_name),
        "locations": sorted(
            (loc.id, loc.name, loc.time_zone, loc.calling_enabled)
            for loc in state.locations.values()
            if loc.org_id == ORG_ID and loc.name in (HQ, MTL)
        ),
        "people": sorted(
            (p.id, p.email, p.extension, p.phone_number, p.location_id, p.deleted)
            for p in state.people.values()
        ),
        "numbers": sorted(
            (n.phone_number, n.location_id, n.state)
            for n in state.numbers.values()
            if n.phone_number == "+12125550101"
        ),
    }


def people(sandbox: Sandbox) -> dict[str, tuple[str | None, str | None]]:
    """What ``GET /people`` shows of the org: email → (person id, extension)."""

    async def go() -> dict[str, tuple[str | None, str | None]]:
        async with webex_for(sandbox) as webex:
            return {
                str(p.email): (p.id, p.extension)
                async for p in webex.people.list_people(ORG_ID, calling_data=True)
            }

    return asyncio.run(go())


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    root = stage(tmp_path, SAMPLES / "acme-enterprise", config())
    plan = builder.read(root / "w")
    plan.actions = [a for a in plan.actions if a.type in COMPARED_TYPES]
    builder.write(plan, root / "w")
    return root


def test_the_plan_attaches_the_org_without_customer_info(staged: Path) -> None:
    create = next(a for a in builder.read(staged / "w").actions if a.type == "create_customer")
    assert create.payload["body"]["orgId"] == ORG_ID
    assert "customerInfo" not in create.payload["body"]
    assert create.lookup == {"externalId": CUSTOMER, "orgId": ORG_ID}


def test_an_existing_org_is_adopted_not_duplicated_and_rollback_leaves_it(staged: Path) -> None:
    sandbox = Sandbox()
    seeded = sandbox.seed(SEED)[0]
    alice_id = seeded["people"][ALICE]
    was = before(sandbox.state)
    orgs_before = set(sandbox.state.orgs)

    result = load(staged, sandbox)
    assert result.ok, result.counts
    state = sandbox.state
    assert set(state.orgs) == orgs_before, "no second org"
    (customer,) = state.customers.values()
    assert customer.org_id == ORG_ID and customer.existing_org
    names = sorted(loc.name for loc in state.locations.values() if loc.org_id == ORG_ID)
    assert names == sorted([HQ, MTL, MUC]), "the org's locations reused, only München made"
    alice = state.active_subscriber_by_email(ALICE)
    assert alice is not None and alice.person_id == alice_id and alice.extension == "4101"
    shown = people(sandbox)
    assert shown[ALICE][0] == alice_id and OLD_TIMER in shown
    assert len([e for e in shown if e == ALICE]) == 1

    journal = Journal(staged / "w")
    try:
        adopted = {a.key: a.adopted for a in journal.actions(states=[jr.SUCCEEDED])}
        assert adopted[f"create_customer:{CUSTOMER}"] is True
        assert adopted[f"create_location:{CUSTOMER}/acme-mtl"] is True
        assert adopted[f"create_location:{CUSTOMER}/acme-muc"] is False
        assert adopted[f"create_subscriber:{ALICE}"] is True
        assert adopted["create_subscriber:bob.martinez@acme-corp.com"] is False

        steps = rollback.choose(journal, customer=CUSTOMER)
        undone = {s.key for s in steps}
        assert f"create_customer:{CUSTOMER}" not in undone
        assert f"create_subscriber:{ALICE}" not in undone
        assert "create_subscriber:bob.martinez@acme-corp.com" in undone

        async def undo() -> rollback.RollbackResult:
            async with webex_for(sandbox) as webex:
                return await rollback.execute(
                    webex, journal, steps, LoadOptions(poll_interval=0.001)
                )

        outcome = asyncio.run(undo())
    finally:
        journal.close()
    assert not outcome.failed, outcome.failed
    assert before(sandbox.state) == was, "what was there before is untouched"
    assert state.active_subscriber_by_email("bob.martinez@acme-corp.com") is None
    shown = people(sandbox)
    assert shown[ALICE] == (alice_id, "4101") and OLD_TIMER in shown
    assert "bob.martinez@acme-corp.com" not in shown


def test_cli_seed_load_and_rollback_keep_the_existing_org(tmp_path: Path) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise", config(ORG_ID))
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(SEED), encoding="utf-8")
    code, out, err = invoke("sandbox", "seed", str(seed_file), *common(root))
    assert code == 0, err
    assert ORG_ID in out and "2 locations, 2 people" in out
    state_file = root / "w" / "sandbox-state.json"
    was = before(SandboxState.load(state_file))

    code, out, err = invoke("load", *common(root), "--sandbox", "--poll-interval", "0.001")
    assert code in (0, 1), err
    state = SandboxState.load(state_file)
    assert [c.org_id for c in state.customers.values()] == [ORG_ID]
    assert sum(1 for loc in state.locations.values() if loc.name == HQ) == 1

    code, out, err = invoke("rollback", "--customer", CUSTOMER, "--yes", *common(root), "--sandbox")
    assert code == 0, err
    after = SandboxState.load(state_file)
    assert before(after) == was
    assert not [s for s in after.subscribers.values() if not s.deleted and not s.existing_person]


def test_precheck_asks_webex_about_the_org(tmp_path: Path) -> None:
    unknown = "0b6a5b7c-1111-4222-8333-944455556666"
    root = stage(tmp_path, SAMPLES / "acme-enterprise", config(unknown))
    _code, out, _err = invoke("precheck", *common(root), "--sandbox", "--json")
    findings = json.loads(out)["findings"]
    assert any(
        f["entity"] == "customer" and f["key"] == CUSTOMER and f["source"] == "webex"
        for f in findings
    ), findings

    seed_file = tmp_path / "seed.json"
    seed_file.write_text(
        json.dumps({"orgs": [{**SEED["orgs"][0], "id": _encode(unknown)}]}), encoding="utf-8"
    )
    assert invoke("sandbox", "seed", str(seed_file), *common(root))[0] == 0
    _code, out, _err = invoke("precheck", *common(root), "--sandbox", "--json")
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["source"] == "webex" and f["entity"] == "customer"], (
        findings
    )


def test_an_org_id_that_is_none_is_refused_with_the_key(tmp_path: Path) -> None:
    (tmp_path / "migrate.toml").write_text(config("not-an-org"))
    code, _out, err = invoke(
        "map", "-w", str(tmp_path / "w"), "--config", str(tmp_path / "migrate.toml")
    )
    assert code == 2, err
    assert "customers.acme-ent.org_id" in err and "not a Webex organization id" in err


def test_one_org_for_two_customers_is_refused(tmp_path: Path) -> None:
    text = config() + '[customers."other"]\norg_id = "' + ORG_ID + '"\n'
    (tmp_path / "migrate.toml").write_text(text)
    code, _out, err = invoke(
        "map", "-w", str(tmp_path / "w"), "--config", str(tmp_path / "migrate.toml")
    )
    assert code == 2 and "also the org of customer" in err


def test_the_sandbox_refuses_an_org_it_does_not_know_and_a_bad_seed() -> None:
    sandbox = Sandbox()
    with pytest.raises(SeedError, match="location"):
        sandbox.seed(
            {"orgs": [{"name": "X", "people": [{"email": "a@x.example", "location": "Nope"}]}]}
        )

    async def go() -> int | None:
        async with webex_for(sandbox) as webex:
            body = {
                "provisioningId": "p",
                "packages": ["webex_meetings"],
                "externalId": "x",
                "orgId": _encode(ORG_UUID),
                "address": {"addressLine1": "1 Main St", "city": "Columbus", "country": "US"},
            }
            try:
                await webex.wholesale.provision_customer(body)  # type: ignore[arg-type]
            except WebexError as err:
                return err.status
            return None

    assert asyncio.run(go()) == 400
    assert sandbox.state.customers == {}


def _encode(uuid_text: str) -> str:
    raw = f"ciscospark://us/ORGANIZATION/{uuid_text}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _review_org(root: Path, value: str) -> tuple[int, str]:
    review = root / "r" / "review.xlsx"
    book = load_workbook(review)
    sheet = book["Customers"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Webex org ID") + 1, value=value)
    book.save(review)
    code, _out, err = invoke("map", *common(root), "--overrides", str(review))
    return code, err


def test_the_review_gives_the_org_and_a_malformed_one_names_the_cell(tmp_path: Path) -> None:
    root = stage(tmp_path, SAMPLES / "acme-enterprise", CONFIG)
    code, err = _review_org(root, "not-an-org")
    assert code == 2
    assert "sheet Customers: row 2: column Webex org ID" in err
    code, err = _review_org(root, ORG_UUID)
    assert code == 0, err
    customer = json.loads((root / "w" / "model" / "customers.jsonl").read_text().splitlines()[0])
    assert customer["org_id"] == ORG_ID
    assert invoke("plan", *common(root))[0] == 0
    create = next(a for a in builder.read(root / "w").actions if a.type == "create_customer")
    assert create.payload["body"]["orgId"] == ORG_ID


def test_wxc_sdk_reads_the_seeded_people_and_me() -> None:
    """The new answers (a person the org had, ``/people/me``) parse into Cisco's models."""
    sandbox = Sandbox()
    sandbox.seed(SEED)
    with sandbox.serve(0) as server:
        tokens = Tokens(access_token="wxc-sdk-test-token")
        session = RestSession(tokens=tokens, concurrent_requests=2)
        session.BASE = server.url  # type: ignore[misc]  # wxc_sdk's one base-URL knob
        with WebexSimpleApi(tokens=tokens, session=session) as api:
            listed = known(list(api.people.list(org_id=ORG_ID, calling_data=True, max=1)))
            assert sorted(p.emails[0] for p in listed if p.emails) == sorted([ALICE, OLD_TIMER])
            alice = next(p for p in listed if p.emails == [ALICE])
            assert alice.extension == "4101" and alice.org_id == ORG_ID
            assert known([api.people.details(alice.person_id, calling_data=True)])[0] == alice
            me = known([api.people.me()])[0]
            assert me.org_id == sandbox.state.partner_org_id


def test_a_configured_customer_that_is_not_in_the_inventory_is_flagged(tmp_path: Path) -> None:
    text = CONFIG + f'[customers."acme"]\norg_id = "{ORG_UUID}"\n'  # the id is acme-ent
    root = stage(tmp_path, SAMPLES / "acme-enterprise", text)
    issues = [json.loads(line) for line in (root / "w" / "model" / "issues.jsonl").open()]
    flagged = [i for i in issues if i["code"] == "unknown_configured_customer"]
    assert [(i["key"], i["severity"]) for i in flagged] == [("acme", "warning")]
    assert "acme-ent" in flagged[0]["message"]


def test_verify_leaves_what_the_org_held_before_out_of_its_differences(
    staged: Path, tmp_path: Path
) -> None:
    case = Path(shutil.copytree(staged, tmp_path / "case"))
    seed = copy.deepcopy(SEED)
    seed["orgs"][0]["locations"].append(
        {"name": "Warehouse", "timeZone": "America/New_York", "numbers": ["+12125550999"]}
    )
    sandbox = Sandbox()
    sandbox.seed(seed)
    assert load(case, sandbox).ok
    plan = builder.read(case / "w")
    checked = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    assert not [d for d in checked.differences if d.problem == "unexpected"], checked.differences
    notes = dict(checked.not_compared)
    assert "already in the org.location of 1 objects" in notes, notes
    assert "before the migration" in notes["already in the org.location of 1 objects"]
