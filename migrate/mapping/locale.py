"""The Wholesale locale rules (Solution Guide "Supported Language Locales", DESIGN §5).

A five-character ``(ISO-639-1)_(ISO-3166)`` locale is used as is when it is
supported. A two-letter language becomes ``language_COUNTRY`` with the
customer's country when that pair is supported, otherwise the language's
"default sensible locale". Meetings sites have no language for four of the
locales and fall back to English, which the reviewer should know.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED: frozenset[str] = frozenset(
    {
        "en_US",
        "en_AU",
        "en_GB",
        "en_CA",
        "fr_FR",
        "fr_CA",
        "cs_CZ",
        "da_DK",
        "de_DE",
        "hu_HU",
        "id_ID",
        "it_IT",
        "ja_JP",
        "ko_KR",
        "es_ES",
        "es_CO",
        "es_MX",
        "nl_NL",
        "nb_NO",
        "pl_PL",
        "pt_PT",
        "pt_BR",
        "ru_RU",
        "ro_RO",
        "zh_CN",
        "zh_TW",
        "sv_SE",
        "ar_SA",
        "tr_TR",
    }
)

DEFAULT_SENSIBLE: dict[str, str] = {
    "en": "en_US",
    "fr": "fr_FR",
    "cs": "cs_CZ",
    "da": "da_DK",
    "de": "de_DE",
    "hu": "hu_HU",
    "id": "id_ID",
    "it": "it_IT",
    "ja": "ja_JP",
    "ko": "ko_KR",
    "es": "es_ES",
    "nl": "nl_NL",
    "nb": "nb_NO",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "ru": "ru_RU",
    "ro": "ro_RO",
    "zh": "zh_CN",
    "sv": "sv_SE",
    "ar": "ar_SA",
    "tr": "tr_TR",
}

NO_MEETINGS_LANGUAGE: frozenset[str] = frozenset({"es_CO", "id_ID", "nb_NO", "pt_PT"})

# Codes that name the same Wholesale language under another ISO 639-1 spelling.
_SYNONYMS = {"no": "nb", "nn": "nb", "in": "id", "iw": "he"}

# Meetings default call-in country by region (Solution Guide).
CALL_IN_COUNTRY_CODE: dict[str, str] = {
    "US": "+1",
    "CA": "+1",
    "SG": "+65",
    "AU": "+61",
    "GB": "+44",
    "DE": "+49",
}


@dataclass(frozen=True, slots=True)
class LocaleChoice:
    locale: str
    rule: str  # "exact" | "language+country" | "default sensible locale"

    @property
    def meetings_fallback(self) -> bool:
        """True when Webex Meetings sites will be in English for this locale."""
        return self.locale in NO_MEETINGS_LANGUAGE


def split(value: str) -> tuple[str, str | None]:
    """``fr_CA``/``fr-ca``/``FR`` → (``fr``, ``CA``/None)."""
    text = value.strip().replace("-", "_")
    lang, _, country = text.partition("_")
    lang = lang.lower()
    lang = _SYNONYMS.get(lang, lang)
    return lang, (country.upper() or None)


def wholesale_locale(language: str | None, country: str | None) -> LocaleChoice | None:
    """The Wholesale locale for a language code and the customer's country.

    Returns None for a language Wholesale does not support at all.
    """
    if not language or not language.strip():
        return None
    lang, own_country = split(language)
    if own_country:
        exact = f"{lang}_{own_country}"
        if exact in SUPPORTED:
            return LocaleChoice(exact, "exact")
    if country:
        paired = f"{lang}_{country.upper()}"
        if paired in SUPPORTED:
            return LocaleChoice(paired, "language+country")
    default = DEFAULT_SENSIBLE.get(lang)
    if default is None:
        return None
    return LocaleChoice(default, "default sensible locale")
