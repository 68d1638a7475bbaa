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
    lines = (("address_line1", raw.line1), ("address_line2", raw.line2))
    for name, value in lines:
        text = " ".join((value or "").split()) or None
        if text and len(text) > MAX_ADDRESS_LINE:
            short = _shorten(text)
            issues.warning(
                "address_line_too_long",
                entity=entity,
                key=key,
                customer_id=customer_id,
                message=f"{name} has {len(text)} characters; Wholesale allows "
                f"{MAX_ADDRESS_LINE}: shortened",
                field=name,
                value=text,
                proposed=short,
            )
            text = short
        setattr(out, name, text)
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


def _shorten(text: str) -> str:
    """Fit an address line into 50 characters, at a word boundary when possible."""
    cut = text[:MAX_ADDRESS_LINE]
    if len(text) > MAX_ADDRESS_LINE and " " in cut:
        head = cut.rsplit(" ", 1)[0].rstrip(" ,")
        if len(head) >= MAX_ADDRESS_LINE // 2:
            return head
    return cut.rstrip()


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
