"""Directory numbers: E.164 normalisation and range expansion.

BroadWorks writes the same number three ways: national in ``UserGet``
(``6175551212`` beside ``countryCode`` 1), ``+CC-NSN`` in DN tables
(``+1-6175551212``) and E.164 in CLID fields (``+16175551212``). DN tables
may hold a whole range in one cell: ``+1-5551231207 - +1-5551231210``.
"""

from __future__ import annotations

import re

# A DN block is rarely more than a few thousand numbers; a wider "range" is
# usually a typo, and expanding one unchecked lets a tiny file become millions
# of records. Wider ranges are reported, not expanded (``extract(max_range=)``).
DEFAULT_MAX_RANGE = 10_000
_RANGE = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_NON_DIGITS = re.compile(r"\D")


class NumberError(ValueError):
    pass


class RangeTooLarge(NumberError):
    """A well-formed range that holds more numbers than the cap allows."""

    def __init__(self, raw: str, size: int, cap: int) -> None:
        super().__init__(
            f"range {raw.strip()!r} holds {size} numbers, more than the {cap} a range may "
            "expand to; not expanded (check the range, or raise the cap)"
        )
        self.size = size


def to_e164(
    raw: str | None, country_code: str | None = None, national_prefix: str | None = None
) -> str | None:
    """``+`` and digits, or ``None`` when there is no number or no way to know its country."""
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    if value.startswith("+"):
        digits = _NON_DIGITS.sub("", value)
        return f"+{digits}" if digits else None
    digits = _NON_DIGITS.sub("", value)
    if not digits:
        return None
    cc = _NON_DIGITS.sub("", country_code or "")
    if not cc:
        return None
    if value.startswith("00"):  # international prefix used in some national exports
        return f"+{digits[2:]}"
    prefix = _NON_DIGITS.sub("", national_prefix or "")
    if prefix and digits.startswith(prefix) and len(digits) > len(prefix) + 4:
        digits = digits[len(prefix) :]
    return f"+{cc}{digits}"


def is_range(raw: str) -> bool:
    return _RANGE.match(raw) is not None


def expand(
    raw: str, country_code: str | None = None, max_range: int = DEFAULT_MAX_RANGE
) -> list[tuple[str, str]]:
    """Every number a DN cell stands for, as ``(raw, e164)`` pairs.

    A single number gives one pair; a range gives one pair per number, in
    order, each with the cell as its raw value. A range of more than
    ``max_range`` numbers raises :class:`RangeTooLarge`.
    """
    match = _RANGE.match(raw)
    if match is None:
        e164 = to_e164(raw, country_code)
        if e164 is None:
            raise NumberError(f"cannot read {raw!r} as a phone number")
        return [(raw.strip(), e164)]
    first = to_e164(match.group(1), country_code)
    last = to_e164(match.group(2), country_code)
    if first is None or last is None or len(first) != len(last):
        raise NumberError(f"cannot read {raw!r} as a number range")
    low, high = int(first[1:]), int(last[1:])
    if high < low:
        raise NumberError(f"range {raw!r} ends before it starts")
    if high - low + 1 > max_range:
        raise RangeTooLarge(raw, high - low + 1, max_range)
    width = len(first) - 1
    cell = raw.strip()
    return [(cell, f"+{n:0{width}d}") for n in range(low, high + 1)]


def normalise_mac(raw: str | None) -> str | None:
    """12 upper-case hex digits, or ``None`` when the value is not a MAC address."""
    if raw is None:
        return None
    cleaned = re.sub(r"[\s:.\-]", "", raw).upper()
    if len(cleaned) == 12 and all(c in "0123456789ABCDEF" for c in cleaned):
        return cleaned
    return None
