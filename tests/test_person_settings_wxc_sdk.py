"""The person-settings contract, judged by Cisco's wxc_sdk (a test dependency).

Every body our client PUTs (apply and restore) parses into wxc_sdk's model for its
endpoint, with no field the model does not declare and none it requires missing;
the served sandbox answers wxc_sdk's own reads with what its models parse, and takes
wxc_sdk's own writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from wxc_sdk import WebexSimpleApi
from wxc_sdk.person_settings.common import ApiSelector
from wxc_sdk.person_settings.dnd import DND
from wxc_sdk.person_settings.forwarding import PersonForwardingSetting
from wxc_sdk.person_settings.selective_forward import SelectiveForward
from wxc_sdk.person_settings.sequential_ring import (
    SequentialRing,
    SequentialRingApi,
    SequentialRingNumber,
)
from wxc_sdk.person_settings.sim_ring import SimRing
from wxc_sdk.person_settings.single_number_reach import (
    SingleNumberReach,
    SingleNumberReachNumber,
)
from wxc_sdk.person_settings.voicemail import VoicemailSettings

from migrate.load import rollback
from migrate.load.journal import Journal
from migrate.sandbox import Sandbox, ServedSandbox
from migrate.webex import Webex
from migrate.webex.person_settings import feature_of
from tests.migration_helpers import CONFIG, SAMPLES, load, stage, with_webex
from tests.settings_fixtures import acme_with_settings
from tests.test_person_settings_load import Recording
from tests.test_sandbox_wxc_sdk import unknown_fields, wxc

MODELS: dict[str, type[BaseModel]] = {
    "callForwarding": PersonForwardingSetting,
    "doNotDisturb": DND,
    "voicemail": VoicemailSettings,
    "simultaneousRing": SimRing,
    "singleNumberReach": SingleNumberReach,
    "selectiveForward": SelectiveForward,
    "sequentialRing": SequentialRing,
}
# wxc_sdk takes these as one ``enabled: bool`` argument and sends {"enabled": ...}.
ENABLED_ONLY = {"callWaiting", "anonymousCallReject"}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Sandbox, ServedSandbox, Recording]]:
    root = tmp_path_factory.mktemp("wxc-settings")
    acme_with_settings(root / "export", SAMPLES)
    stage(root, root / "export", CONFIG)
    sandbox = Sandbox()
    recording = Recording(sandbox.transport())
    assert load(root, sandbox, transport=recording).ok
    # Restore bodies too: roll the settings back on a copy of the journal, then apply again.
    copy = Path(shutil.copytree(root, root.parent / "rollback"))

    async def undo(webex: Webex) -> None:
        with Journal(copy / "w") as journal:
            steps = [
                s
                for s in rollback.choose(journal, customer="acme-ent")
                if s.type == "apply_person_settings"
            ]
            assert steps
            await rollback.execute(webex, journal, steps)

    with_webex(sandbox, undo, recording)
    with sandbox.serve(0) as server:
        yield sandbox, server, recording


def test_every_body_we_put_parses_into_wxc_sdk(
    served: tuple[Sandbox, ServedSandbox, Recording],
) -> None:
    _sandbox, _server, recording = served
    features = set()
    for path, body in recording.puts:
        feature = feature_of(path)
        assert feature is not None
        features.add(feature)
        if feature in ENABLED_ONLY:
            assert set(body) == {"enabled"} and isinstance(body["enabled"], bool), body
            continue
        model = MODELS[feature].model_validate(body)  # raises on a missing required field
        assert unknown_fields(model) == [], (feature, body)
    assert features == set(MODELS) | ENABLED_ONLY
    # Single number reach numbers: added (POST), changed back (PUT), removed (DELETE).
    methods = set()
    for method, path, body in recording.writes:
        if "/singleNumberReach/numbers" not in path:
            continue
        methods.add(method)
        if method != "DELETE":
            number = SingleNumberReachNumber.model_validate(body)
            assert unknown_fields(number) == [] and number.phone_number, body
    assert {"POST", "DELETE"} <= methods


def _people(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [
        (sub.person_id, sandbox.state.customers[sub.customer_id].org_id)
        for sub in sandbox.state.subscribers.values()
        if sub.status == "provisioned" and not sub.deleted
    ]


def test_wxc_sdk_reads_every_person_feature(
    served: tuple[Sandbox, ServedSandbox, Recording],
) -> None:
    sandbox, server, _puts = served
    people = _people(sandbox)
    assert people
    with wxc(server) as api:
        settings = api.person_settings
        for person, org in people:
            for model in (
                settings.forwarding.read(person, org_id=org),
                settings.dnd.read(person, org_id=org),
                settings.voicemail.read(person, org_id=org),
                settings.sim_ring.read(person, org_id=org),
            ):
                assert unknown_fields(model) == [], model
            forward = settings.selective_forward.read(person, org_id=org)
            sequential = SequentialRingApi(session=api.session, selector=ApiSelector.person)
            ring = sequential.read(person, org_id=org)
            for model in (forward, ring):
                assert unknown_fields(model) == [], model
                assert model.enabled is not None and model.criteria == []
            assert isinstance(settings.call_waiting.read(person, org_id=org), bool)
            assert isinstance(settings.anon_calls.read(person, org_id=org), bool)
            # wxc_sdk's single_number_reach.read takes no org: its session, with the org.
            url = settings.single_number_reach.ep(f"people/{person}/singleNumberReach")
            reach = SingleNumberReach.model_validate(
                api.session.rest_get(url, params={"orgId": org})
            )
            assert unknown_fields(reach) == [], reach


def test_the_sandbox_takes_wxc_sdk_writes(
    served: tuple[Sandbox, ServedSandbox, Recording],
) -> None:
    sandbox, server, _puts = served
    person, org = _people(sandbox)[0]
    api: WebexSimpleApi
    with wxc(server) as api:
        settings = api.person_settings
        settings.dnd.configure(person, DND(enabled=True, ring_splash_enabled=True), org_id=org)
        assert settings.dnd.read(person, org_id=org).enabled is True
        forwarding = settings.forwarding.read(person, org_id=org)
        forwarding.call_forwarding.no_answer.number_of_rings = 7
        settings.forwarding.configure(person, forwarding, org_id=org)
        again = settings.forwarding.read(person, org_id=org)
        assert again.call_forwarding.no_answer.number_of_rings == 7
        settings.call_waiting.configure(person, False, org_id=org)
        assert settings.call_waiting.read(person, org_id=org) is False
        settings.anon_calls.configure(person, True, org_id=org)
        assert settings.anon_calls.read(person, org_id=org) is True


def test_the_sandbox_takes_wxc_sdk_selective_forward_and_sequential_ring(
    served: tuple[Sandbox, ServedSandbox, Recording],
) -> None:
    sandbox, server, _puts = served
    person, org = _people(sandbox)[-1]
    with wxc(server) as api:
        forward = api.person_settings.selective_forward
        forward.configure(
            person,
            SelectiveForward(
                enabled=True,
                default_phone_number_to_forward="+12125550177",
                ring_reminder_enabled=True,
            ),
            org_id=org,
        )
        again = forward.read(person, org_id=org)
        assert (again.enabled, again.default_phone_number_to_forward) == (True, "+12125550177")
        sequential = SequentialRingApi(session=api.session, selector=ApiSelector.person)
        numbers = [SequentialRingNumber(phone_number="+19175550166", number_of_rings=4)]
        sequential.configure(
            person,
            SequentialRing(enabled=True, base_location_number_of_rings=5, phone_numbers=numbers),
            org_id=org,
        )
        ring = sequential.read(person, org_id=org)
        assert ring.enabled is True and ring.base_location_number_of_rings == 5
        assert ring.phone_numbers is not None
        assert [(n.phone_number, n.number_of_rings) for n in ring.phone_numbers] == [
            ("+19175550166", 4)
        ]
