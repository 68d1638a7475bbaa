"""Phone numbers to E.164, from every form BroadWorks writes them in.

UserGet gives the national number and the country code apart (``6175551212``
+ ``1``), DN tables write ``+CC-NSN`` (``+1-2212221101``), CLIDs come as
``+441632123456`` or ``01632123456`` (research notes §2.4). Webex wants
``+CCNSN`` only.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-/]+")
# ASCII digits only: Python's \d and str.isdigit() also take "٣" or "²", Webex does not.
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_NANP = re.compile(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}")


class NumberError(ValueError):
    """A value that cannot be read as a phone number; the message says why."""


def is_digits(text: str) -> bool:
    """Only 0-9, at least one."""
    return text.isascii() and text.isdigit()


def is_e164(value: str) -> bool:
    if not _E164.fullmatch(value):
        return False
    # North America: a 10-digit NSN whose area code and exchange do not start with 0/1.
    return not value.startswith("+1") or bool(_NANP.fullmatch(value))


def to_e164(raw: str, country_code: str | None = None, national_prefix: str | None = None) -> str:
    """Return ``raw`` in E.164 or raise :class:`NumberError`.

    ``country_code`` (BroadWorks ``countryCode``, e.g. ``1`` or ``44``) is
    needed for a national number; ``national_prefix`` (``0``) is stripped
    from one when present.
    """
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        raise NumberError("empty number")
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    else:
        digits = _national(text, country_code, national_prefix)
    if not is_digits(digits):
        raise NumberError(f"not a phone number: {raw!r}")
    value = "+" + digits
    if not is_e164(value):
        raise NumberError(f"not a valid E.164 number: {raw!r} -> {value}")
    return value


def _national(text: str, country_code: str | None, national_prefix: str | None) -> str:
    if not is_digits(text):
        raise NumberError(f"not a phone number: {text!r}")
    cc = (country_code or "").lstrip("+").strip()
    if not is_digits(cc):
        raise NumberError(f"national number {text!r} without a country code")
    if cc == "1":
        # NANP numbers are dialled 1+10 digits; both forms occur in exports.
        if len(text) == 11 and text.startswith("1"):
            text = text[1:]
        return cc + text
    prefix = (national_prefix or "0").strip()
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    return cc + text
