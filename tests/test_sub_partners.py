"""A sub-partner migration rehearses end to end: the sandbox knows the configured sub-partner
(in process) or the ones ``sandbox serve --sub-partner`` names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from migrate.sandbox import Sandbox
from migrate.stages.sandbox import ServeOptions, serve
from tests.migration_helpers import SAMPLES, invoke

SUB = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9zdWItcGFydG5lci0x"
OTHER = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9zdWItcGFydG5lci0y"
AUTH = {"Authorization": "Bearer sub-partner-test"}


def args(root: Path) -> list[str]:
    return ["-w", str(root / "w"), "--reports", str(root / "r"), "--config", str(root / "m.toml")]


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sub-partner")
    config = (SAMPLES / "sandbox.toml").read_text(encoding="utf-8")
    (root / "m.toml").write_text(f'sub_partner_org_id = "{SUB}"\n{config}', encoding="utf-8")
    code, out, err = invoke("run", str(SAMPLES / "acme-enterprise"), *args(root), "--sandbox")
    assert code == 0, err + out
    return root


def test_a_sub_partner_migration_runs_and_verifies_on_the_sandbox(rehearsed: Path) -> None:
    sandbox = Sandbox(state_file=rehearsed / "w" / "sandbox-state.json")
    customers = list(sandbox.state.customers.values())
    assert customers and {c.sub_partner_org_id for c in customers} == {SUB}
    assert list(sandbox.state.sub_partners) == [SUB]  # once, though every command opened it
    code, out, err = invoke("verify", *args(rehearsed), "--sandbox", "--json")
    assert code == 0, err + out
    result = json.loads(out)
    assert result["customers"] and result["checked"]["customer"] == len(customers)


def test_billing_of_the_sub_partner_reconciles_its_customers(rehearsed: Path) -> None:
    yesterday = date.fromordinal(date.today().toordinal() - 1)
    period = ["--start", yesterday.isoformat(), "--end", yesterday.isoformat()]
    common = [*args(rehearsed), "--sandbox", *period]
    code, out, err = invoke("billing", *common, "--sub-partner", SUB)
    assert code == 0, err + out  # provisioned today: nothing billed, nothing expected
    state = rehearsed / "w" / "sandbox-state.json"
    sandbox = Sandbox(state_file=state)
    sub = min(sandbox.state.subscribers.values(), key=lambda s: s.email)
    start = datetime.combine(yesterday, datetime.min.time(), UTC)
    sandbox.set_activity(sub.id, [(sub.packages[0], start, None)])
    sandbox.save()
    code, out, err = invoke("billing", *common, "--sub-partner", SUB)
    assert code == 1, err
    assert f"unexpected user {sub.email}" in out  # the sub-partner's report holds the user
    code, out, err = invoke("billing", *common, "--sub-partner", OTHER)
    assert code != 0 and "Webex refused the billing report" in err + out


def test_serve_knows_the_sub_partners_it_is_given() -> None:
    options = ServeOptions(port=0, sub_partners=(f"{SUB}:Acme Resellers", OTHER))
    sandbox, server = serve(options)
    try:
        with httpx.Client(headers=AUTH, timeout=5) as client:
            listed = client.get(f"{server.url}/wholesale/subPartners").json()["items"]
            org = client.get(f"{server.url}/organizations/{SUB}").json()
            scoped = client.get(
                f"{server.url}/wholesale/customers", params={"onBehalfOfSubPartnerOrgId": OTHER}
            )
    finally:
        server.close()
    assert [(p["orgId"], p["provisioningState"]) for p in listed] == [
        (SUB, "active"),
        (OTHER, "active"),
    ]
    assert org["displayName"] == "Acme Resellers"
    assert scoped.status_code == 200 and scoped.json()["items"] == []
    assert set(sandbox.state.sub_partners) == {SUB, OTHER}


def test_a_bad_sub_partner_option_is_a_usage_error() -> None:
    code, out, err = invoke("sandbox", "serve", "--port", "0", "--sub-partner", ":Name only")
    assert code == 2
    assert "--sub-partner ':Name only': expected ORG_ID or ORG_ID:NAME" in err + out
