"""Unit tests of the normalisers: E.164, countries, states, time zones, locales, email, rules."""

from __future__ import annotations

import pytest

from migrate.config import check_email_template
from migrate.mapping import email, timezone
from migrate.mapping.e164 import NumberError, is_e164, to_e164
from migrate.mapping.locale import SUPPORTED, wholesale_locale
from migrate.mapping.tables import Tables, load_tables


@pytest.fixture(scope="module")
def tables() -> Tables:
    return load_tables()


# ---- E.164 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cc", "prefix", "expected"),
    [
        ("6175551212", "1", None, "+16175551212"),  # UserGet: national + countryCode
        ("16175551212", "1", None, "+16175551212"),  # NANP dialled with the 1
        ("+1-2212221101", None, None, "+12212221101"),  # DN tables: +CC-NSN
        ("+44-1632123456", None, None, "+441632123456"),
        ("+441632123456", None, None, "+441632123456"),  # CLID
        ("01632123456", "44", None, "+441632123456"),  # UK national with trunk prefix 0
        ("8920001502", "49", "0", "+498920001502"),  # German national without prefix
        ("(617) 555-1212", "1", None, "+16175551212"),
        ("0044 1632 123456", None, None, "+441632123456"),  # international 00 prefix
    ],
)
def test_to_e164(raw: str, cc: str | None, prefix: str | None, expected: str) -> None:
    assert to_e164(raw, cc, prefix) == expected


@pytest.mark.parametrize(
    ("raw", "cc"),
    [
        ("6175551212", None),  # national without a country code
        ("+1-555", None),  # too short
        ("+1-0175551212", None),  # NANP area code cannot start with 0
        ("ext. 12", "1"),
        ("", "1"),
    ],
)
def test_to_e164_refuses(raw: str, cc: str | None) -> None:
    with pytest.raises(NumberError):
        to_e164(raw, cc)


def test_is_e164() -> None:
    assert is_e164("+12125550101")
    assert not is_e164("12125550101")
    assert not is_e164("+1212555010")  # NANP needs 10 digits


# ---- countries and states -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("u.s.a.", "US"),
        ("United States of America", "US"),
        ("  united   states ", "US"),
        ("Canada", "CA"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("UK", "GB"),
        ("England", "GB"),
        ("México", "MX"),
        ("Mexico", "MX"),
    ],
)
def test_countries(tables: Tables, text: str, code: str) -> None:
    assert tables.countries.lookup(text) == code


def test_unknown_country(tables: Tables) -> None:
    assert tables.countries.lookup("Atlantis") is None
    assert tables.countries.lookup("") is None


@pytest.mark.parametrize(
    ("country", "text", "code"),
    [
        ("US", "Ohio", "OH"),
        ("US", "oregon", "OR"),
        ("US", "OH", "OH"),
        ("US", "ny", "NY"),
        ("CA", "Québec", "QC"),
        ("CA", "Quebec", "QC"),
        ("CA", "Ontario", "ON"),
        ("AU", "New South Wales", "NSW"),
        ("DE", "Bayern", "BY"),
    ],
)
def test_states(tables: Tables, country: str, text: str, code: str) -> None:
    assert tables.states.lookup(country, text) == code


def test_state_of_another_country(tables: Tables) -> None:
    assert tables.states.lookup("CA", "Ohio") is None


# ---- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("US/Eastern", "America/New_York"),
        ("US/Pacific", "America/Los_Angeles"),
        ("Canada/Eastern", "America/Toronto"),
        ("Chile/Continental", "America/Santiago"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("GB", "Europe/London"),
        ("America/New_York", "America/New_York"),
        ("europe/berlin", "Europe/Berlin"),
    ],
)
def test_time_zone_aliases(value: str, expected: str) -> None:
    assert timezone.resolve(value) == expected


def test_time_zone_aliases_point_at_real_zones() -> None:
    for alias, target in timezone.ALIASES.items():
        assert timezone.resolve(target) == target, alias


@pytest.mark.parametrize("value", ["(GMT-05:00) (US) Eastern Time", "Mars/Olympus", "", None])
def test_time_zone_unknown(value: str | None) -> None:
    assert timezone.resolve(value) is None


# ---- locales (DESIGN §5) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "locale", "rule"),
    [
        ("fr_CA", None, "fr_CA", "exact"),  # a supported 5-character locale
        ("pt_BR", "PT", "pt_BR", "exact"),
        ("fr", "CA", "fr_CA", "language+country"),  # French users in Canada
        ("en", "GB", "en_GB", "language+country"),
        ("es", "MX", "es_MX", "language+country"),
        ("fr", "BE", "fr_FR", "default sensible locale"),  # fr_BE unsupported → default
        ("es", "US", "es_ES", "default sensible locale"),
        ("en", None, "en_US", "default sensible locale"),
        ("fr_BE", None, "fr_FR", "default sensible locale"),
        ("de-AT", "AT", "de_DE", "default sensible locale"),
        ("no", "NO", "nb_NO", "language+country"),  # ISO 639-1 synonym
    ],
)
def test_locale_rules(language: str, country: str | None, locale: str, rule: str) -> None:
    choice = wholesale_locale(language, country)
    assert choice is not None
    assert (choice.locale, choice.rule) == (locale, rule)


@pytest.mark.parametrize(
    "lang",
    [
        "en",
        "fr",
        "cs",
        "da",
        "de",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "es",
        "nl",
        "nb",
        "pl",
        "pt",
        "ru",
        "ro",
        "zh",
        "sv",
        "ar",
        "tr",
    ],
)
def test_every_default_sensible_locale_is_supported(lang: str) -> None:
    choice = wholesale_locale(lang, None)
    assert choice is not None and choice.locale in SUPPORTED
    assert choice.locale.startswith(lang + "_")


@pytest.mark.parametrize(
    ("language", "country", "fallback"),
    [
        ("es", "CO", True),
        ("id", None, True),
        ("nb", "NO", True),
        ("pt", None, True),
        ("pt", "BR", False),
        ("es", "ES", False),
        ("en", "US", False),
    ],
)
def test_meetings_fallback(language: str, country: str | None, fallback: bool) -> None:
    choice = wholesale_locale(language, country)
    assert choice is not None and choice.meetings_fallback is fallback


def test_unsupported_language() -> None:
    assert wholesale_locale("el", "GR") is None
    assert wholesale_locale("", "US") is None


def test_language_table(tables: Tables) -> None:
    french = tables.language("French")
    assert french is not None and (french.code, french.country) == ("fr", None)
    canadian = tables.language("canadian french")
    assert canadian is not None and (canadian.code, canadian.country) == ("fr", "CA")
    assert tables.language("Klingon") is None


# ---- email ----------------------------------------------------------------------------------


def test_email_validation() -> None:
    assert email.is_valid("ada.lovelace@example.co.uk")
    for bad in (
        "ada",
        "ada@",
        "ada@example",
        "a b@example.com",
        "ada@@example.com",
        "ada..x@example.com",
    ):
        assert not email.is_valid(bad), bad


def test_email_template() -> None:
    out = email.render(
        "{first}.{last}@{domain}",
        first="Zoë",
        last="Tremblay Côté",
        user_id="zoe@bw",
        extension="4201",
        domain="Example.COM",
    )
    assert out == "zoe.tremblay.cote@example.com"
    assert (
        email.render(
            "{user}@{domain}",
            first=None,
            last=None,
            user_id="2125550101@bw",
            extension=None,
            domain="x.org",
        )
        == "2125550101@x.org"
    )
    assert check_email_template("{first}.{last}@{domain}") is None
    assert "unknown placeholder" in (check_email_template("{nick}@{domain}") or "")
    assert "'@'" in (check_email_template("{first}") or "")


# ---- package and device rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "place", "package"),
    [
        (("Authentication", "Call Waiting"), True, "common_area_calling"),
        (("Authentication", "Call Waiting"), False, "webex_voice"),  # a person: never CAC
        (("Call Waiting", "Voice Messaging User"), False, "webex_voice"),
        (("Client License 17", "Voice Messaging User"), False, "webex_calling"),
        (("Collaborate - Video", "Integrated IMP"), False, "webex_suite"),
        ((), False, "webex_voice"),
        (("Some New Service",), False, "webex_voice"),
    ],
)
def test_package_rules(
    tables: Tables, services: tuple[str, ...], place: bool, package: str
) -> None:
    assert tables.packages.classify(services, place).package == package


@pytest.mark.parametrize(
    ("device_type", "agents", "model", "kind"),
    [
        (
            "Cisco-CP-78xx-88xx-68xx-3PCC",
            ["Cisco-CP-8851-3PCC/11.3.7_MPP_0001"],
            "DMS Cisco 8851",
            "phone",
        ),
        (
            "Cisco-CP-78xx-88xx-68xx-3PCC",
            ["Cisco-CP-8841-3PCC/11.0 (00562b043615)"],
            "DMS Cisco 8841",
            "phone",
        ),
        ("Cisco-CP-78xx-88xx-68xx-3PCC", [], None, "unknown"),
        ("Polycom VVX 400 DM", [], "DMS Polycom VVX 400", "phone"),
        ("Polycom_VVX600", [], "DMS Polycom VVX 600", "phone"),
        ("anything", ["PolycomVVX-VVX_500-UA/5.4.1.14510"], "DMS Polycom VVX 500", "phone"),
        ("Cisco-ATA19x-3PCC", ["Cisco-ATA192-3PCC/11.1.0"], "DMS Cisco 192", "ata"),
        ("Generic SIP Phone", [], "Generic IPPhone Customer Managed", "generic"),
        ("Yealink-T19xE2", [], "Generic IPPhone Customer Managed", "generic"),
        ("Business Communicator - PC", [], None, "soft_client"),
        ("Businness Communicator - Mobile", [], None, "soft_client"),
        ("Connect - Mobile", [], None, "soft_client"),
        ("Adtran TA900 Series-Trunk", [], None, "trunk"),
        ("Cisco SPA8000", [], None, "unsupported"),
    ],
)
def test_device_rules(
    tables: Tables, device_type: str, agents: list[str], model: str | None, kind: str
) -> None:
    match = tables.devices.classify(device_type, agents)
    assert (match.model, match.kind) == (model, kind)
    assert match.evidence.startswith(f"rule {match.rule}")


def test_device_evidence_names_the_user_agent(tables: Tables) -> None:
    match = tables.devices.classify(
        "Cisco-CP-78xx-88xx-68xx-3PCC", [None or "", "Cisco-CP-8865-3PCC/12.0.3"]
    )
    assert "user agent Cisco-CP-8865-3PCC/12.0.3" in match.evidence
