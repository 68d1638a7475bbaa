"""The Solution Guide's Table 3 (call-in country) and Table 4 (locales), every row, as far
as the request body that reaches the sandbox: a customer's language is the full locale the
guide gives, never cut to the two-letter code Webex would pair with the template's country.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from migrate.mapping.locale import DEFAULT_SENSIBLE, SUPPORTED
from migrate.sandbox import Sandbox
from tests.migration_helpers import common, invoke, load
from tests.test_map_fixtures import BASIC, write_inventory
from tests.webex_helpers import ContractTransport

# Table 4, left column: a supported five-character locale, reached from a BroadWorks
# language name (languages.csv) and the customer's country (countries.csv).
FIVE_CHARACTER = {
    "en_US": ("English", "United States"),
    "en_AU": ("English", "Australia"),
    "en_GB": ("British English", "United Kingdom"),
    "en_CA": ("English", "Canada"),
    "fr_FR": ("French", "France"),
    "fr_CA": ("Canadian French", "Canada"),
    "cs_CZ": ("Czech", "Czech Republic"),
    "da_DK": ("Danish", "Denmark"),
    "de_DE": ("German", "Germany"),
    "hu_HU": ("Hungarian", "Hungary"),
    "id_ID": ("Indonesian", "Indonesia"),
    "it_IT": ("Italian", "Italy"),
    "ja_JP": ("Japanese", "Japan"),
    "ko_KR": ("Korean", "South Korea"),
    "es_ES": ("Spanish", "Spain"),
    "es_CO": ("Spanish", "Colombia"),
    "es_MX": ("Mexican Spanish", "Mexico"),
    "nl_NL": ("Dutch", "Netherlands"),
    "nb_NO": ("Norwegian", "Norway"),
    "pl_PL": ("Polish", "Poland"),
    "pt_PT": ("Portuguese", "Portugal"),
    "pt_BR": ("Portuguese", "Brazil"),
    "ru_RU": ("Russian", "Russia"),
    "ro_RO": ("Romanian", "Romania"),
    "zh_CN": ("Chinese", "China"),
    "zh_TW": ("Traditional Chinese", "Taiwan"),
    "sv_SE": ("Swedish", "Sweden"),
    "ar_SA": ("Arabic", "Saudi Arabia"),
    "tr_TR": ("Turkish", "Turkey"),
}
# Table 4, right columns: only the two-letter code pairs with no supported locale in the
# customer's country (Japan; Japanese in the United States), so the guide's "default
# sensible locale" applies.
TWO_LETTER = {
    "en": ("English", "Japan", "en_US"),
    "fr": ("French", "Japan", "fr_FR"),
    "cs": ("Czech", "Japan", "cs_CZ"),
    "da": ("Danish", "Japan", "da_DK"),
    "de": ("German", "Japan", "de_DE"),
    "hu": ("Hungarian", "Japan", "hu_HU"),
    "id": ("Indonesian", "Japan", "id_ID"),
    "it": ("Italian", "Japan", "it_IT"),
    "ja": ("Japanese", "United States", "ja_JP"),
    "ko": ("Korean", "Japan", "ko_KR"),
    "es": ("Spanish", "Japan", "es_ES"),
    "nl": ("Dutch", "Japan", "nl_NL"),
    "nb": ("Norwegian", "Japan", "nb_NO"),
    "pl": ("Polish", "Japan", "pl_PL"),
    "pt": ("Portuguese", "Japan", "pt_PT"),
    "ru": ("Russian", "Japan", "ru_RU"),
    "ro": ("Romanian", "Japan", "ro_RO"),
    "zh": ("Chinese", "Japan", "zh_CN"),
    "sv": ("Swedish", "Japan", "sv_SE"),
    "ar": ("Arabic", "Japan", "ar_SA"),
    "tr": ("Turkish", "Japan", "tr_TR"),
}
# Table 3: the Meetings call-in country code follows the organisation's country.
CALL_IN = {
    "United States": ("US", "+1"),
    "Canada": ("CA", "+1"),
    "Singapore": ("SG", "+65"),
    "Australia": ("AU", "+61"),
    "United Kingdom": ("GB", "+44"),
    "Germany": ("DE", "+49"),
}
STATES = {
    "United States": "New York",
    "Canada": "Quebec",
    "Australia": "New South Wales",
    "Germany": "Bayern",
    "Mexico": "Jalisco",
}
CONFIG = 'provisioning_id = "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2"\n'


def test_the_tables_cover_every_supported_locale_and_language() -> None:
    assert set(FIVE_CHARACTER) == SUPPORTED
    assert set(TWO_LETTER) == set(DEFAULT_SENSIBLE)
    assert {expected for _, _, expected in TWO_LETTER.values()} == set(DEFAULT_SENSIBLE.values())


@dataclass
class Recorder(httpx.AsyncBaseTransport):
    """Keeps the body of every customer provisioning request on its way to the sandbox."""

    inner: httpx.AsyncBaseTransport
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if request.method == "POST" and request.url.path == "/v1/wholesale/customers":
            body = json.loads(request.content)
            self.customers[body["externalId"]] = body
        return await self.inner.handle_async_request(request)


def _cases() -> list[tuple[str, str, str]]:
    """(customer id, BroadWorks language, country name) for every row of the tables."""
    rows = [(f"five-{loc}", *FIVE_CHARACTER[loc]) for loc in sorted(FIVE_CHARACTER)]
    rows += [(f"two-{code}", name, country) for code, (name, country, _) in TWO_LETTER.items()]
    rows.append(("call-in-SG", "English", "Singapore"))
    return rows


def _inventory() -> dict[str, list[dict[str, Any]]]:
    sps, groups, users, languages = [], [], [], []
    for n, (sp_id, language, country) in enumerate(_cases()):
        address = {
            "line1": f"{n + 1} Harbour Road",
            "city": "Capital",
            "postal_code": f"{10000 + n}",
            "country": country,
        }
        if country in STATES:
            address["state"] = STATES[country]
        sps.append({"sp_id": sp_id, "name": f"Customer {sp_id}", "is_enterprise": True})
        groups.append(
            {
                "sp_id": sp_id,
                "group_id": "main",
                "name": "Main Office",
                "time_zone": "Europe/London",
                "address": address,
            }
        )
        users.append(
            {
                "sp_id": sp_id,
                "group_id": "main",
                "user_id": f"user@{sp_id}",
                "first_name": "Sam",
                "last_name": "Sample",
                "email": f"sam@{sp_id.lower().replace('_', '-')}.example",
                "extension": "1001",
                "language": language,
                "time_zone": "Europe/London",
                "services": BASIC,
            }
        )
    return {
        "service_providers": sps,
        "groups": groups,
        "users": users,
        "numbers": [],
        "devices": [],
        "service_packs": [],
        "service_instances": [],
        "languages": languages,
        "time_zones": [],
        "warnings": [],
    }


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recorder, ContractTransport, Path]:
    root = tmp_path_factory.mktemp("locales")
    write_inventory(root / "w", _inventory())
    (root / "migrate.toml").write_text(CONFIG, encoding="utf-8")
    for stage in ("map", "plan"):
        code, _out, err = invoke(stage, *common(root))
        assert code == 0, err
    sandbox = Sandbox()
    contract = ContractTransport(sandbox.transport())
    recorder = Recorder(contract)
    result = load(root, sandbox, transport=recorder)
    assert result.counts.get("failed", 0) == 0, result.counts
    return recorder, contract, root


def _model_customers(root: Path) -> dict[str, dict[str, Any]]:
    lines = (root / "w" / "model" / "customers.jsonl").read_text(encoding="utf-8").splitlines()
    return {c["id"]: c for c in map(json.loads, lines)}


def test_every_customer_reached_the_sandbox_within_the_contract(
    loaded: tuple[Recorder, ContractTransport, Path],
) -> None:
    recorder, contract, _root = loaded
    assert sorted(recorder.customers) == sorted(sp for sp, _, _ in _cases())
    assert contract.failures == []


@pytest.mark.parametrize("locale", sorted(FIVE_CHARACTER))
def test_a_five_character_locale_is_sent_whole(
    loaded: tuple[Recorder, ContractTransport, Path], locale: str
) -> None:
    body = loaded[0].customers[f"five-{locale}"]
    assert body["customerInfo"]["language"] == locale
    location = body["provisioningParameters"]["calling"]["location"]
    assert location["language"] == locale.lower()


@pytest.mark.parametrize("code", sorted(TWO_LETTER))
def test_a_two_letter_language_gets_the_default_sensible_locale(
    loaded: tuple[Recorder, ContractTransport, Path], code: str
) -> None:
    expected = TWO_LETTER[code][2]
    body = loaded[0].customers[f"two-{code}"]
    assert body["customerInfo"]["language"] == expected
    location = body["provisioningParameters"]["calling"]["location"]
    assert location["language"] == expected.lower()


@pytest.mark.parametrize("country", sorted(CALL_IN))
def test_the_call_in_country_follows_the_organisation_country(
    loaded: tuple[Recorder, ContractTransport, Path], country: str
) -> None:
    recorder, _contract, root = loaded
    iso, call_in = CALL_IN[country]
    sent = {sp: body["address"]["country"] for sp, body in recorder.customers.items()}
    customers = [sp for sp, iso_sent in sent.items() if iso_sent == iso]
    assert customers, f"no customer in {country} reached the sandbox"
    model = _model_customers(root)
    assert {model[sp]["call_in_country_code"] for sp in customers} == {call_in}
