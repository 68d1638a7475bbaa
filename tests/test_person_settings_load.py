"""Person settings loaded into the sandbox: applied after the subscriber, read back by
verify, restored by rollback, listed exactly by the dry-run, refused where Webex
refuses."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from migrate.extract.parsers.user_settings import SERVICES
from migrate.load import journal as jr
from migrate.load import rollback
from migrate.load.dryrun import dry_run
from migrate.load.executor import LoadOptions
from migrate.load.journal import Journal
from migrate.load.verify import DIFFERENT, PERSON_SETTING, verify
from migrate.mapping.call_settings import (
    DEFAULT_RINGS,
    ENTRY_FIELDS,
    MAX_RINGS,
    MIN_RINGS,
    STORAGE,
    entry_rows,
)
from migrate.mapping.tables import load_tables, shipped_dir
from migrate.plan import builder
from migrate.sandbox import IN_PROCESS_URL, SANDBOX_TOKEN, Sandbox
from migrate.webex import Webex, WebexError
from migrate.webex.person_settings import PATHS, feature_of
from tests.extract_helpers import records
from tests.migration_helpers import CONFIG, SAMPLES, load, stage, with_webex
from tests.settings_fixtures import acme_with_settings

ALICE = "alice.johnson@acme-corp.com"
APPLY = "apply_person_settings"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("person-settings")
    acme_with_settings(root / "export", SAMPLES)
    return stage(root, root / "export", CONFIG)


@pytest.fixture
def case(staged: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(staged, tmp_path / "case"))


@pytest.fixture(scope="module")
def loaded(staged: Path, tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    root = Path(shutil.copytree(staged, tmp_path_factory.mktemp("refusals") / "case"))
    sandbox = Sandbox()
    assert load(root, sandbox).ok
    return sandbox


class Recording(httpx.AsyncBaseTransport):
    """Passes everything on; keeps each person-settings PUT (path, body) and every
    write under a person (method, path, body)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.puts: list[tuple[str, Any]] = []
        self.writes: list[tuple[str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        body = json.loads(request.content) if request.content else None
        if request.method == "PUT" and feature_of(path):
            self.puts.append((path, body))
        if request.method in ("PUT", "POST", "DELETE") and "/people/" in path:
            self.writes.append((request.method, path, body))
        return await self.inner.handle_async_request(request)


def person_of(sandbox: Sandbox, email: str) -> tuple[str, str]:
    sub = next(s for s in sandbox.state.subscribers.values() if s.email == email)
    return sub.person_id, sandbox.state.customers[sub.customer_id].org_id


def read(sandbox: Sandbox, email: str, feature: str) -> dict[str, Any]:
    person, org = person_of(sandbox, email)
    return with_webex(sandbox, lambda webex: webex.person_settings.read(org, person, feature))


def test_settings_follow_their_subscriber_and_read_back_the_same(case: Path) -> None:
    plan = builder.read(case / "w")
    applies = [a for a in plan.actions if a.type == APPLY]
    creates = {a.key for a in plan.actions if a.type == "create_subscriber"}
    assert applies and all(set(a.depends_on) & creates for a in applies)
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    forwarding = read(sandbox, ALICE, "callForwarding")
    assert forwarding["callForwarding"]["always"]["destination"] == "+12125550111"
    assert forwarding["callForwarding"]["noAnswer"]["numberOfRings"] == 20
    assert read(sandbox, ALICE, "anonymousCallReject") == {"enabled": True}
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    assert [d for d in result.differences if d.kind == PERSON_SETTING] == []
    assert result.checked[PERSON_SETTING] == len(applies)
    assert result.matched[PERSON_SETTING] == len(applies)
    # Changed behind the load's back: verify names the user, the feature and the field.
    person, _org = person_of(sandbox, ALICE)
    sub = next(s for s in sandbox.state.subscribers.values() if s.person_id == person)
    sub.settings["doNotDisturb"]["ringSplashEnabled"] = False
    result = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    (diff,) = [d for d in result.differences if d.kind == PERSON_SETTING]
    assert (diff.key, diff.problem, diff.field) == (
        f"{ALICE}/doNotDisturb",
        DIFFERENT,
        "ringSplashEnabled",
    )


def test_nothing_is_missing_from_both_webex_and_the_list(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    plan = builder.read(case / "w")
    model = case / "w" / "model"
    settings = [json.loads(x) for x in (model / "person_settings.jsonl").read_text().splitlines()]
    listed: dict[str, list[str]] = {}
    for line in (model / "not_migrated.jsonl").read_text().splitlines():
        item = json.loads(line)
        if item["kind"] == "call_settings":
            listed[item["bw_key"]["user_id"]] = item["items"]
    with Journal(case / "w") as journal:
        states = {a.key: a.state for a in journal.actions()}
    verified = with_webex(sandbox, lambda webex: verify(case / "w", webex, plan))
    wrong = {d.key for d in verified.differences if d.kind == PERSON_SETTING}
    checked = 0
    for record in records(case / "w", "user_settings"):
        for name in record["values"]:
            bw = f"{record['service']}.{name}"
            (holder,) = [
                s
                for s in settings
                if s["subscriber_id"] == record["user_id"] and bw in s["bw_values"]
            ]
            if holder["decision"] == "migrate":
                # Applied, and read back with the values the mapping gave it.
                assert states[f"{APPLY}:{holder['id']}"] == jr.SUCCEEDED, bw
                assert holder["id"] not in wrong, bw
            else:
                assert any(i.startswith(f"{bw}=") for i in listed[record["user_id"]]), bw
            checked += 1
    assert checked > 60


def test_rollback_of_a_settings_change_puts_back_what_was_there(case: Path) -> None:
    full = builder.read(case / "w")
    first = builder.read(case / "w")
    first.actions = [a for a in full.actions if a.type != APPLY]
    builder.write(first, case / "w")
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    person, org = person_of(sandbox, ALICE)

    async def tune(webex: Webex) -> None:  # the person's own settings before the migration
        await webex.person_settings.update(org, person, "callWaiting", {"enabled": False})
        await webex.person_settings.update(
            org, person, "doNotDisturb", {"enabled": True, "ringSplashEnabled": False}
        )

    with_webex(sandbox, tune)
    before = {f: read(sandbox, ALICE, f) for f in PATHS}
    builder.write(full, case / "w")
    assert load(case, sandbox).ok
    assert read(sandbox, ALICE, "doNotDisturb")["ringSplashEnabled"] is True

    async def undo(webex: Webex) -> rollback.RollbackResult:
        with Journal(case / "w") as journal:
            steps = [s for s in rollback.choose(journal, customer="acme-ent") if s.type == APPLY]
            assert steps
            return await rollback.execute(webex, journal, steps)

    result = with_webex(sandbox, undo)
    assert not result.failed
    assert {f: read(sandbox, ALICE, f) for f in PATHS} == before
    with Journal(case / "w") as journal:
        applies = [a for a in journal.actions() if a.type == APPLY]
    # Undone, or adopted: the feature already held the values, nothing was changed.
    assert all(a.state == jr.ROLLED_BACK or a.adopted for a in applies)
    assert sum(a.state == jr.ROLLED_BACK for a in applies) >= len(applies) - 2


def test_a_second_apply_keeps_the_settings_read_before_the_first(case: Path) -> None:
    """A crash after the PUT: the re-run must not take our own values for the originals."""
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    with Journal(case / "w") as journal:
        (action,) = [a for a in journal.actions() if a.key == f"{APPLY}:{ALICE}/doNotDisturb"]
        previous = action.result["previous"]
    assert previous["ringSplashEnabled"] is False  # Webex's default, not the BroadWorks value
    assert read(sandbox, ALICE, "doNotDisturb")["ringSplashEnabled"] is True


def opener(sandbox: Sandbox) -> Callable[[Any], AbstractAsyncContextManager[Webex]]:
    return lambda wrap: Webex(
        IN_PROCESS_URL, token=SANDBOX_TOKEN, transport=wrap(sandbox.transport())
    )


def test_dry_run_lists_exactly_the_puts_the_load_sends(case: Path) -> None:
    plan = builder.read(case / "w")
    sandbox = Sandbox()
    options = LoadOptions(poll_interval=0.001, concurrency=1)
    found = asyncio.run(dry_run(case / "w", plan, opener(sandbox), options=options))
    dry = sorted(
        (feature_of(r.path) or "", json.dumps(r.body, sort_keys=True))
        for r in found.recorded
        if r.method == "PUT" and feature_of(r.path)
    )
    recording = Recording(sandbox.transport())
    assert load(case, sandbox, transport=recording).ok
    real = sorted(
        (feature_of(path) or "", json.dumps(body, sort_keys=True)) for path, body in recording.puts
    )
    assert len(real) == sum(1 for a in plan.actions if a.type == APPLY)
    assert dry == real


@pytest.mark.parametrize(
    ("feature", "body", "field"),
    [
        (
            "callForwarding",
            {"callForwarding": {"noAnswer": {"numberOfRings": 25}}},
            "numberOfRings",
        ),
        (
            "callForwarding",
            {"callForwarding": {"busy": {"enabled": True, "destination": None}}},
            "busy",
        ),
        ("callForwarding", {"callForwarding": {"always": {"colour": "red"}}}, "colour"),
        ("voicemail", {"sendUnansweredCalls": {"numberOfRings": 1}}, "numberOfRings"),
        (
            "voicemail",
            {"messageStorage": {"storageType": "EXTERNAL", "externalEmail": None}},
            "externalEmail",
        ),
        (
            "simultaneousRing",
            {"phoneNumbers": [{"phoneNumber": f"+1212555{i:04d}"} for i in range(11)]},
            "phoneNumbers",
        ),
        ("doNotDisturb", {"enabled": "yes"}, "enabled"),
        ("singleNumberReach", {"numbers": []}, "numbers"),
        ("callWaiting", {"enabled": True, "systemMaxNumberOfRings": 5}, "systemMaxNumberOfRings"),
        (
            "sequentialRing",
            {"phoneNumbers": [{"phoneNumber": f"+1212555{i:04d}"} for i in range(6)]},
            "phoneNumbers",
        ),
        ("sequentialRing", {"baseLocationNumberOfRings": 1}, "baseLocationNumberOfRings"),
        (
            "sequentialRing",
            {"phoneNumbers": [{"phoneNumber": "+12125550100", "numberOfRings": 21}]},
            "numberOfRings",
        ),
        (
            "selectiveForward",
            {"enabled": True, "defaultPhoneNumberToForward": None},
            "defaultPhoneNumberToForward",
        ),
        ("selectiveForward", {"defaultPhoneNumberToForward": "not a number"}, "defaultPhone"),
        ("selectiveForward", {"criteria": []}, "criteria"),
    ],
)
def test_the_sandbox_refuses_what_webex_refuses(
    loaded: Sandbox, feature: str, body: dict[str, Any], field: str
) -> None:
    sandbox = loaded
    person, org = person_of(sandbox, ALICE)
    before = read(sandbox, ALICE, feature)

    async def put(webex: Webex) -> None:
        await webex.person_settings.update(org, person, feature, body)

    with pytest.raises(WebexError) as caught:
        with_webex(sandbox, put)
    named = " ".join(f"{e.field_name} {e.description}" for e in caught.value.errors)
    assert caught.value.status == 400 and field in f"{named} {caught.value}"
    assert read(sandbox, ALICE, feature) == before


def test_a_person_of_another_org_is_not_found(loaded: Sandbox) -> None:
    sandbox = loaded
    person, _org = person_of(sandbox, ALICE)

    async def peek(webex: Webex) -> dict[str, Any]:
        return await webex.person_settings.read(sandbox.state.partner_org_id, person, "voicemail")

    with pytest.raises(WebexError) as caught:
        with_webex(sandbox, peek)
    assert caught.value.status == 404


# -- every extracted value: applied and read back, or on the user's "Not migrated" row


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _holds(bw: Any, webex: Any) -> bool:
    """``webex`` says what the BroadWorks value ``bw`` said (in Webex's terms)."""
    if isinstance(webex, bool):
        return bw in ("true", "false") and (bw == "true") == webex
    if isinstance(webex, int):
        rings = int(bw)
        return webex == (DEFAULT_RINGS if rings <= 0 else min(max(rings, MIN_RINGS), MAX_RINGS))
    if not isinstance(webex, str) or not isinstance(bw, str):
        return False
    if bw in STORAGE:
        return STORAGE[bw] == webex
    if _digits(bw) and _digits(bw) == bw.lstrip("+"):  # a number: E.164 now
        return _digits(webex).endswith(_digits(bw).lstrip("0"))
    return bw == webex


def _scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [str(value)]


def _at(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body.get(part) if isinstance(body, dict) else None
    return body


def missing_from_both(
    user_settings: list[dict[str, Any]],
    person_settings: dict[str, dict[str, Any]],
    listed: dict[str, list[str]],
    stored: Callable[[str, str], dict[str, Any]],
) -> list[str]:
    """Every BroadWorks leaf (a field, or one detail of an entry) that is neither read
    back from Webex with its meaning nor on its user's "Not migrated" items."""
    rules = load_tables(shipped_dir()).call_settings
    missing: list[str] = []

    def on_list(user: str, name: str, value: Any) -> bool:
        return any(
            item.startswith(f"{name}=") and all(s in item for s in _scalars(value))
            for item in listed.get(user, [])
        )

    for record in user_settings:
        user = record["user_id"]
        for name, value in record["values"].items():
            bw = f"{record['service']}.{name}"
            rule = rules.rule(record["service"], name)
            holder = person_settings.get(f"{user}/{rule.feature}") if rule else None
            if rule is None or holder is None or holder["decision"] != "migrate":
                if not on_list(user, bw, value):
                    missing.append(f"{user} {bw}")
                continue
            webex = stored(user, rule.feature)
            fields = ENTRY_FIELDS.get((rule.feature, rule.webex_field))
            if fields is None:
                if not _holds(value, _at(webex, rule.webex_field)):
                    missing.append(f"{user} {bw}")
                continue
            entries = _at(webex, rule.webex_field) or []
            for index, row in enumerate(entry_rows(value)):
                phone = str(row.get("phoneNumber") or row.get("Phone Number") or "")
                found = [e for e in entries if phone and _holds(phone, e.get("phoneNumber"))]
                if not found:
                    if not on_list(user, f"{bw}.{phone or index}", row):
                        missing.append(f"{user} {bw}.{phone or index}")
                    continue
                for detail, item in row.items():
                    if item in (None, ""):  # BroadWorks says nothing: nor does Webex
                        ok = True
                    elif detail in fields:
                        ok = _holds(item, found[0].get(fields[detail]))
                    else:
                        ok = on_list(user, f"{bw}.{phone}.{detail}", item)
                    if not ok:
                        missing.append(f"{user} {bw}.{phone}.{detail}")
    return missing


def test_every_extracted_leaf_is_read_back_from_webex_or_listed(case: Path) -> None:
    sandbox = Sandbox()
    assert load(case, sandbox).ok
    model = case / "w" / "model"
    settings = {
        s["id"]: s
        for s in map(json.loads, (model / "person_settings.jsonl").read_text().splitlines())
    }
    listed = {
        item["bw_key"]["user_id"]: item["items"]
        for item in map(json.loads, (model / "not_migrated.jsonl").read_text().splitlines())
        if item["kind"] == "call_settings"
    }
    user_settings = records(case / "w", "user_settings")
    # The fixtures reach every service the extractor knows, in every command version.
    assert {r["service"] for r in user_settings} == set(SERVICES.values())
    leaves = sum(len(entry_rows(v)) for r in user_settings for v in r["values"].values())
    assert leaves > 80
    cache: dict[tuple[str, str], dict[str, Any]] = {}

    def stored(user: str, feature: str) -> dict[str, Any]:
        if (user, feature) not in cache:
            cache[user, feature] = read(sandbox, user, feature)
        return cache[user, feature]

    assert missing_from_both(user_settings, settings, listed, stored) == []
    # The check sees a leaf that is dropped, whichever side should have held it.
    outbound = "broadworks_anywhere.locations.9175550144.outboundAlternateNumber"
    short = {u: [i for i in items if not i.startswith(outbound)] for u, items in listed.items()}
    assert f"{ALICE} {outbound}" in missing_from_both(user_settings, settings, short, stored)
    cache[ALICE, "sequentialRing"] = {**stored(ALICE, "sequentialRing"), "phoneNumbers": []}
    cache[ALICE, "selectiveForward"] = {
        **stored(ALICE, "selectiveForward"),
        "ringReminderEnabled": True,
    }
    assert {
        f"{ALICE} sequential_ring.location.9175550166",
        f"{ALICE} call_forwarding_selective.playRingReminder",
    } <= set(missing_from_both(user_settings, settings, listed, stored))
