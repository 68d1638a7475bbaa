"""Addresses: BroadWorks text → Wholesale fields, and the checks on the final address."""

from __future__ import annotations

from collections import Counter

from migrate import inventory as inv
from migrate.mapping.issues import Issues
from migrate.mapping.locale import CALL_IN_COUNTRY_CODE
from migrate.mapping.model import Model
from migrate.mapping.tables import Tables
from migrate.plan.model import Address, Customer, Location, Subscriber

MAX_ADDRESS_LINE = 50

# Country of a calling code when an address gives none (+1 is ambiguous: US first).
_COUNTRY_BY_CALLING_CODE = {
    "1": "US",
    "44": "GB",
    "61": "AU",
    "49": "DE",
    "33": "FR",
    "65": "SG",
    "64": "NZ",
    "353": "IE",
    "34": "ES",
    "39": "IT",
    "31": "NL",
    "52": "MX",
    "55": "BR",
    "56": "CL",
    "57": "CO",
    "32": "BE",
    "41": "CH",
    "43": "AT",
    "45": "DK",
    "46": "SE",
    "47": "NO",
    "48": "PL",
    "351": "PT",
    "81": "JP",
    "91": "IN",
}


def map_address(
    issues: Issues,
    tables: Tables,
    raw: inv.Address | None,
    *,
    entity: str,
    key: str,
    customer_id: str,
) -> Address:
    if raw is None:
        return Address()
    out = Address()
    out.address_line1 = " ".join((raw.line1 or "").split()) or None
    out.address_line2 = " ".join((raw.line2 or "").split()) or None
    _wrap_line1(issues, out, entity=entity, key=key, customer_id=customer_id)
    out.city = " ".join((raw.city or "").split()) or None
    out.zip_or_postal_code = (raw.postal_code or "").strip() or None
    if raw.country and raw.country.strip():
        code = tables.countries.lookup(raw.country)
        if code is None:
            issues.blocker(
                "unknown_country",
                entity=entity,
                key=key,
                customer_id=customer_id,
                message=f"country {raw.country!r} is not in countries.csv; add it or fix "
                "the BroadWorks address",
                field="country",
                value=raw.country,
            )
        out.country = code
    state = (raw.state or raw.state_display or "").strip() or None
    if state:
        code = tables.states.lookup(out.country, state)
        if code is None and tables.states.knows(out.country):
            issues.warning(
                "unknown_state",
                entity=entity,
                key=key,
                customer_id=customer_id,
                message=f"state {state!r} is not a state of {out.country} in states.csv",
                field="state_or_province",
                value=state,
            )
        out.state_or_province = code or state
    return out


def split_line(text: str, width: int = MAX_ADDRESS_LINE) -> tuple[str, str] | None:
    """``text`` as two lines of at most ``width`` characters, broken between words.

    A break after a comma reads best ("Acme Headquarters," / "1200 Main Street"),
    so the longest first line ending in a comma wins; otherwise the longest first
    line. None when no break gives two lines that fit. Joined with a space, the
    two lines are ``text`` again, word for word.
    """
    words = text.split()
    total = len(" ".join(words))
    breaks: list[int] = []  # i: the first line is words[:i]
    head = -1
    for i in range(1, len(words)):
        head += len(words[i - 1]) + 1
        if head > width:
            break  # the first line only grows from here
        if total - head - 1 <= width:
            breaks.append(i)
    if not breaks:
        return None
    after_comma = [i for i in breaks if words[i - 1].endswith(",")]
    i = after_comma[-1] if after_comma else breaks[-1]
    return " ".join(words[:i]), " ".join(words[i:])


def _wrap_line1(
    issues: Issues, address: Address, *, entity: str, key: str, customer_id: str
) -> None:
    """A long line 1 goes on two lines when line 2 is free; nothing is ever cut."""
    text = address.address_line1
    if text is None or len(text) <= MAX_ADDRESS_LINE or address.address_line2:
        return  # too long with line 2 taken: check_address blocks it, with a proposal
    lines = split_line(text)
    if lines is None:
        return
    address.address_line1, address.address_line2 = lines
    issues.warning(
        "address_line_too_long",
        entity=entity,
        key=key,
        customer_id=customer_id,
        message=f"address_line1 has {len(text)} characters; Wholesale allows "
        f"{MAX_ADDRESS_LINE}: wrapped onto line 2 as {lines[0]!r} / {lines[1]!r}",
        field="address_line1",
        value=text,
        proposed="\n".join(lines),
    )


def _check_line_lengths(
    issues: Issues, address: Address, *, entity: str, key: str, customer_id: str
) -> None:
    names = ("address_line1", "address_line2")
    too_long = [n for n in names if len(getattr(address, n) or "") > MAX_ADDRESS_LINE]
    if not too_long:
        return
    name = too_long[0]
    text = getattr(address, name)
    both = " ".join(line for line in (address.address_line1, address.address_line2) if line)
    lines = split_line(both)
    if lines is None:
        advice = "no split into two lines fits: shorten it"
    else:
        advice = f"proposed: line 1 {lines[0]!r}, line 2 {lines[1]!r}"
    issues.blocker(
        "address_line_too_long",
        entity=entity,
        key=key,
        customer_id=customer_id,
        message=f"{name} has {len(text)} characters; Wholesale allows {MAX_ADDRESS_LINE} "
        f"and the address is the emergency address, so nothing is cut: {advice}",
        field=name,
        value=text,
        proposed="\n".join(lines) if lines else None,
    )


def check_address(
    issues: Issues,
    tables: Tables,
    address: Address,
    *,
    entity: str,
    key: str,
    customer_id: str,
    need_state: bool,
) -> None:
    """Every line fits (never cut: a reviewer splits it) and every required field is there."""
    _check_line_lengths(issues, address, entity=entity, key=key, customer_id=customer_id)
    required = ["address_line1", "city", "country"]
    if need_state:
        required.append("zip_or_postal_code")
        if tables.states.knows(address.country):
            required.append("state_or_province")
    missing = [name for name in required if not getattr(address, name)]
    if missing:
        issues.blocker(
            "incomplete_address",
            entity=entity,
            key=key,
            customer_id=customer_id,
            message=f"address lacks {', '.join(missing)}",
            field="address",
            value=", ".join(missing),
        )


def infer_country(
    model: Model, customer: Customer, subs: list[Subscriber], locations: list[Location]
) -> None:
    """A customer without a country takes its locations' or, failing that, its users'."""
    codes: Counter[str] = Counter()
    for location in locations:
        if location.address.country:
            codes[location.address.country] += 1
    source = "its locations"
    if not codes:
        for sub in subs:
            if sub.phone_number:
                for length in (1, 2, 3):
                    country = _COUNTRY_BY_CALLING_CODE.get(sub.phone_number[1 : 1 + length])
                    if country:
                        codes[country] += 1
                        break
        source = "its users' phone numbers"
    if codes:
        country = min(codes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        customer.address.country = country
        customer.call_in_country_code = CALL_IN_COUNTRY_CODE.get(country)
        model.issues.warning(
            "country_inferred",
            entity="customer",
            key=customer.id,
            customer_id=customer.id,
            message=f"no country in the address: {country} from {source}",
            field="country",
            proposed=country,
        )
