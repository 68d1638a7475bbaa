"""A Webex client nobody here wrote reads the served sandbox after a load.

wxc_sdk (Cisco's Webex Calling SDK, a test dependency; its models follow Cisco's
specs) lists and gets people, numbers, locations (admin and calling), devices,
workspaces and licences of every loaded customer, paging with small pages.
Every answer must parse into its models, carry no field those models do not
know (except the few Webex returns that they leave out) and add up to the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from wxc_sdk import WebexSimpleApi
from wxc_sdk.rest import RestSession
from wxc_sdk.tokens import Tokens

from migrate.plan import builder
from migrate.sandbox import Sandbox, ServedSandbox
from tests.migration_helpers import CONFIG, GROUP_CONFIG, SAMPLES, load, stage

TOKEN = "wxc-sdk-test-token"
PAGE = 2  # small pages, so that every list follows Link headers
# Fields Webex returns that wxc_sdk's models leave out (model name → field names).
NOT_IN_WXC_SDK = {"TelephonyLocation": {"address"}}


def unknown_fields(model: BaseModel, path: str = "") -> list[str]:
    """Every field of ``model`` (nested too) that its class does not declare."""
    name = type(model).__name__
    found = [
        f"{path}{key} ({name})"
        for key in (model.model_extra or {})
        if key not in NOT_IN_WXC_SDK.get(name, set())
    ]
    for field_name in type(model).model_fields:
        value = getattr(model, field_name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                found += unknown_fields(item, f"{path}{field_name}.")
    return found


def known(models: list[Any]) -> list[Any]:
    for model in models:
        assert unknown_fields(model) == [], model
    return models


@pytest.fixture(scope="module", params=["acme-enterprise", "metro-sp-group-mode"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Sandbox, ServedSandbox]]:
    sample: str = request.param
    root = stage(
        tmp_path_factory.mktemp(sample),
        SAMPLES / sample,
        GROUP_CONFIG if sample.startswith("metro") else CONFIG,
    )
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    with sandbox.serve(0) as server:
        yield root, sandbox, server


def wxc(server: ServedSandbox) -> WebexSimpleApi:
    tokens = Tokens(access_token=TOKEN)
    session = RestSession(tokens=tokens, concurrent_requests=2)
    session.BASE = server.url  # type: ignore[misc]  # wxc_sdk's one base-URL knob
    return WebexSimpleApi(tokens=tokens, session=session)


def planned(root: Path, action_type: str) -> list[dict[str, Any]]:
    plan = builder.read(root / "w")
    return [a.payload["body"] for a in plan.actions if a.type == action_type]


def test_wxc_sdk_reads_what_the_plan_made(loaded: tuple[Path, Sandbox, ServedSandbox]) -> None:
    root, sandbox, server = loaded
    customers = planned(root, "create_customer")
    orgs = {
        c["externalId"]: sandbox.state.customer_by_external_id(c["externalId"]) for c in customers
    }
    assert all(orgs.values())
    emails: list[str] = []
    numbers: list[str] = []
    admin_locations = calling_locations = 0
    macs: list[str] = []
    places: list[str] = []
    with wxc(server) as api:
        for body in customers:
            customer = orgs[body["externalId"]]
            assert customer is not None
            org = customer.org_id

            people = known(list(api.people.list(org_id=org, calling_data=True, max=PAGE)))
            for person in people:
                again = known([api.people.details(person.person_id, calling_data=True)])[0]
                assert again == person and person.org_id == org
                assert person.licenses and person.display_name
            emails += [email for p in people for email in p.emails or []]
            with_numbers = [p for p in people if p.tn is not None]
            assert with_numbers and all(p.location_id for p in with_numbers)

            listed = known(list(api.telephony.phone_numbers(org_id=org, max=PAGE)))
            assert all(n.toll_free_number is False and n.location.id for n in listed)
            owned = {n.phone_number: n.owner.owner_id for n in listed if n.owner}
            assert {p.tn.value: p.person_id for p in with_numbers if p.tn}.items() <= owned.items()
            numbers += [n.phone_number for n in listed if n.phone_number]

            locations = known(list(api.locations.list(org_id=org, max=PAGE)))
            for location in locations:
                assert known([api.locations.details(location.location_id)])[0] == location
            admin_locations += len(locations)
            calling = known(list(api.telephony.locations.list(org_id=org)))
            for location in calling:
                detail = api.telephony.locations.details(location.location_id, org_id=org)
                assert known([detail])[0].name == location.name
            calling_locations += len(calling)

            devices = known(list(api.devices.list(org_id=org, max=PAGE)))
            for device in devices:
                assert known([api.devices.details(device.device_id, org_id=org)])[0] == device
            macs += [d.mac for d in devices if d.mac]

            workspaces = known(list(api.workspaces.list(org_id=org, max=PAGE)))
            for workspace in workspaces:
                again_ws = known([api.workspaces.details(workspace.workspace_id)])[0]
                assert again_ws == workspace
            places += [w.display_name for w in workspaces if w.display_name]

            licenses = known(api.licenses.list(org_id=org))
            assert len(licenses) == len(set(body["packages"]))
            for lic in licenses:
                assert known([api.licenses.details(lic.license_id)])[0] == lic
            held = Counter(x for p in people for x in p.licenses or [])
            assert {
                lic.license_id: lic.consumed_by_users for lic in licenses if held[lic.license_id]
            } == {x: n for x, n in held.items()}

    assert Counter(emails) == Counter(b["email"] for b in planned(root, "create_subscriber"))
    assert Counter(numbers) == Counter(
        n for b in planned(root, "add_numbers") for n in b["phoneNumbers"]
    )
    expected_locations = len(customers) + len(planned(root, "create_location"))
    assert admin_locations == calling_locations == expected_locations
    assert Counter(m.replace(":", "").upper() for m in macs) == Counter(
        b["mac"] for b in planned(root, "create_device")
    )
    assert Counter(places) == Counter(b["displayName"] for b in planned(root, "create_workspace"))
