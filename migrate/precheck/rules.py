"""Local precheck rules: what Webex would refuse, found before anything is sent.

``map`` already raises most of these as issues; precheck checks the model
again as it stands (overrides and hand edits included) so a blocker cannot
slip through between the review and the load.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from migrate.mapping.packages import (
    CALLING_PACKAGES,
    CUSTOMER_PACKAGES,
    PACKAGES,
    missing_dependencies,
)
from migrate.mapping.rules import is_workspace
from migrate.plan import model as wm

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_ADDRESS_LINE = 50
EXTENSION_MAX_DIGITS = 10


@dataclass(frozen=True)
class Finding:
    severity: str  # blocker | warning
    rule: str  # our rule name, or the Webex error code for remote findings
    entity: str
    key: str
    customer: str | None
    message: str
    hint: str
    source: str = "precheck"  # precheck | map | webex


def _address_findings(
    address: wm.Address, entity: str, key: str, customer: str | None
) -> Iterator[Finding]:
    missing = [
        name
        for name, value in (
            ("address line 1", address.address_line1),
            ("city", address.city),
            ("country", address.country),
        )
        if not value
    ]
    if missing:
        yield Finding(
            "blocker",
            "address_incomplete",
            entity,
            key,
            customer,
            f"address has no {', '.join(missing)}",
            "fill the address in BroadWorks or in review.xlsx",
        )
    if address.country and not _COUNTRY.match(address.country):
        yield Finding(
            "blocker",
            "address_country",
            entity,
            key,
            customer,
            f"country {address.country!r} is not an ISO 3166 alpha-2 code",
            "add the spelling to mappings/countries.csv",
        )
    for label, line in (("line 1", address.address_line1), ("line 2", address.address_line2)):
        if line and len(line) > MAX_ADDRESS_LINE:
            yield Finding(
                "blocker",
                "address_line_length",
                entity,
                key,
                customer,
                f"address {label} has {len(line)} characters (Webex allows {MAX_ADDRESS_LINE})",
                "split it over address lines 1 and 2 in review.xlsx "
                f"({'Customers' if entity == 'customer' else 'Locations'} sheet)",
            )


def _seat_kind(sub: wm.Subscriber) -> str:
    return "workspace" if is_workspace(sub) else "subscriber"


def _sends_extension(sub: wm.Subscriber) -> bool:
    """Whether the load gives Webex this seat's extension (as the plan builds it)."""
    return bool(sub.extension) and (is_workspace(sub) or sub.package in CALLING_PACKAGES)


def free_extension(extension: str, taken: set[str]) -> str | None:
    """The next value after ``extension`` with as many digits that nobody holds.

    Same length first, so a dial plan of 4-digit extensions stays one; a
    longer value only when every same-length one is taken.
    """
    width = len(extension)
    start = int(extension) + 1 if extension.isascii() and extension.isdigit() else 0
    while width <= EXTENSION_MAX_DIGITS:
        size = 10**width
        for step in range(size):
            value = f"{(start + step) % size:0{width}d}"
            if value not in taken:
                return value
        width += 1
        start = 0
    return None


def extension_findings(
    subscribers: list[wm.Subscriber], features: Iterable[wm.CallFeature] = ()
) -> Iterator[Finding]:
    """Every extension two seats (subscribers and workspaces) of one customer would share.

    Webex keeps extensions unique per organization, that is per customer, and
    across all its locations; BroadWorks only per group, which ``map`` checks.
    The seat the load creates first keeps it (the plan's order: the
    administrator, the other subscribers by id, then workspaces by id), so
    the blockers fall on exactly the seats Webex would refuse; each names
    both seats and proposes a value free in the whole customer. Proposals are
    taken as they are made, so applying them all leaves no collision.
    """
    by_customer: dict[str, list[wm.Subscriber]] = defaultdict(list)
    for sub in subscribers:
        if sub.extension:
            by_customer[sub.customer_id].append(sub)
    reserved: dict[str, set[str]] = defaultdict(set)
    for feature in features:
        if feature.extension:
            reserved[feature.customer_id].add(feature.extension)
    for customer_id in sorted(by_customer):
        seats = sorted(
            by_customer[customer_id], key=lambda s: (is_workspace(s), not s.is_admin, s.id)
        )
        taken = {sub.extension for sub in seats if sub.extension}
        taken |= reserved.get(customer_id, set())  # never propose an attendant's extension
        holders: dict[str, wm.Subscriber] = {}
        for sub in seats:
            extension = sub.extension
            if extension is None or not _sends_extension(sub):
                continue
            first = holders.setdefault(extension, sub)
            if first is sub:
                continue
            proposed = free_extension(extension, taken)
            if proposed is not None:
                taken.add(proposed)
            where = (
                f"also in {sub.location_id}"
                if first.location_id == sub.location_id
                else f"in {first.location_id}, while this {_seat_kind(sub)} is in {sub.location_id}"
            )
            yield Finding(
                "blocker",
                "extension_in_use",
                "subscriber",
                sub.id,
                customer_id,
                f"extension {extension} of {_seat_kind(sub)} {sub.id} is also "
                f"{_seat_kind(first)} {first.id}'s ({where}); Webex extensions are unique "
                "across a customer's locations (error 1016)",
                f"proposed: {proposed} (Extension column of review.xlsx)"
                if proposed
                else "give it a free extension in review.xlsx",
            )


def _config_findings(
    customers: list[wm.Customer],
    *,
    provisioning_id: str | None,
    needs_token: bool,
    token_present: bool,
) -> Iterator[Finding]:
    """What migrate.toml and the environment must give before any customer is created."""
    if not provisioning_id and not all(c.provisioning_id for c in customers):
        yield Finding(
            "blocker",
            "no_provisioning_id",
            "config",
            "provisioning_id",
            None,
            "no Customer Template provisioning_id is set",
            "set provisioning_id in migrate.toml (Partner Hub > Customer templates)",
        )
    if needs_token and not token_present:
        yield Finding(
            "blocker",
            "no_token",
            "config",
            "WEBEX_ACCESS_TOKEN",
            None,
            "WEBEX_ACCESS_TOKEN is not set",
            "export a partner admin token, or use --sandbox to rehearse",
        )


def _customer_findings(customer: wm.Customer) -> Iterator[Finding]:
    if "%" in customer.name:
        yield Finding(
            "blocker",
            "percent_in_name",
            "customer",
            customer.id,
            customer.id,
            f"customer name {customer.name!r} contains '%'",
            "rename it without '%' (Webex refuses it)",
        )
    if not customer.primary_email:
        yield Finding(
            "blocker",
            "no_primary_email",
            "customer",
            customer.id,
            customer.id,
            "the customer has no primary (administrator) email",
            "choose an administrator in migrate.toml [administrator]",
        )
    yield from _address_findings(customer.address, "customer", customer.id, customer.id)
    yield from _customer_package_findings(customer)


def _location_findings(location: wm.Location) -> Iterator[Finding]:
    yield from _address_findings(location.address, "location", location.id, location.customer_id)
    if not location.time_zone:
        yield Finding(
            "blocker",
            "no_time_zone",
            "location",
            location.id,
            location.customer_id,
            "the location has no time zone",
            "set the group's time zone in BroadWorks",
        )


def _first_holders(subscribers: list[wm.Subscriber]) -> tuple[dict[str, str], dict[str, str]]:
    """Who keeps each email (lower case) and each primary number: the first holder by id.

    As in `map`, only the later holders are blocked, so precheck and plan agree
    on who is left alone.
    """
    email_owner: dict[str, str] = {}
    number_owner: dict[str, str] = {}
    for sub in sorted(subscribers, key=lambda s: s.id):
        if sub.email:
            email_owner.setdefault(sub.email.lower(), sub.id)
        if sub.phone_number:
            number_owner.setdefault(sub.phone_number, sub.id)
    return email_owner, number_owner


def _email_findings(sub: wm.Subscriber, email_owner: dict[str, str]) -> Iterator[Finding]:
    if is_workspace(sub):
        return  # a place becomes a workspace, which has no email
    if not sub.email:
        yield Finding(
            "blocker",
            "missing_email",
            "subscriber",
            sub.id,
            sub.customer_id,
            "no email",
            "fill the Email column in review.xlsx",
        )
    elif not _EMAIL.match(sub.email):
        yield Finding(
            "blocker",
            "invalid_email",
            "subscriber",
            sub.id,
            sub.customer_id,
            f"email {sub.email!r} is not an address",
            "correct it in review.xlsx",
        )
    elif email_owner[sub.email.lower()] != sub.id:
        yield Finding(
            "blocker",
            "duplicate_email",
            "subscriber",
            sub.id,
            sub.customer_id,
            f"email {sub.email} is also {email_owner[sub.email.lower()]}'s",
            "give each subscriber its own email in review.xlsx",
        )


def _package_findings(sub: wm.Subscriber, held: dict[str, set[str]]) -> Iterator[Finding]:
    """The subscriber's package: a Wholesale one, among its customer's ``held`` packages."""
    owner = sub.customer_id
    if sub.package not in PACKAGES:
        yield Finding(
            "blocker",
            "package",
            "subscriber",
            sub.id,
            owner,
            f"package {sub.package!r} is not a Wholesale subscriber package",
            "pick one in the Package column of review.xlsx",
        )
    elif owner in held and sub.package not in held[owner]:
        yield Finding(
            "blocker",
            "package_not_on_customer",
            "subscriber",
            sub.id,
            owner,
            f"package {sub.package} is not in customer {owner}'s packages "
            f"({', '.join(sorted(held[owner])) or 'none'}); Webex refuses the subscriber",
            "run migrate map again: a customer's packages follow its subscribers'",
        )


def _number_findings(sub: wm.Subscriber, number_owner: dict[str, str]) -> Iterator[Finding]:
    """A calling package needs a number or an extension; a primary number has one holder."""
    if sub.package in CALLING_PACKAGES and not (sub.phone_number or sub.extension):
        yield Finding(
            "blocker",
            "no_number_or_extension",
            "subscriber",
            sub.id,
            sub.customer_id,
            f"{sub.package} needs a phone number or an extension",
            "give the user an extension in review.xlsx",
        )
    if sub.phone_number and number_owner[sub.phone_number] != sub.id:
        yield Finding(
            "blocker",
            "duplicate_number",
            "subscriber",
            sub.id,
            sub.customer_id,
            f"number {sub.phone_number} is also the primary number of "
            f"{number_owner[sub.phone_number]}",
            "keep it on one user; give the others an extension",
        )


def _subscriber_findings(
    customers: list[wm.Customer], subscribers: list[wm.Subscriber]
) -> Iterator[Finding]:
    """Each subscriber's email, package and number, in the subscribers' order."""
    held = {c.id: set(c.packages) for c in customers}
    email_owner, number_owner = _first_holders(subscribers)
    for sub in subscribers:
        yield from _email_findings(sub, email_owner)
        yield from _package_findings(sub, held)
        yield from _number_findings(sub, number_owner)


def _administrator_findings(
    customers: list[wm.Customer], subscribers: list[wm.Subscriber]
) -> Iterator[Finding]:
    """Every customer needs exactly one administrator among its subscribers."""
    admins: dict[str, list[str]] = defaultdict(list)
    for sub in subscribers:
        if sub.is_admin:
            admins[sub.customer_id].append(sub.id)
    for customer in customers:
        found = admins.get(customer.id, [])
        if len(found) != 1:
            yield Finding(
                "blocker",
                "administrator_count",
                "customer",
                customer.id,
                customer.id,
                f"{len(found)} administrators (exactly one is needed: the first "
                "subscriber of a new customer becomes its administrator)",
                "set [administrator] in migrate.toml",
            )


def check_model(
    customers: list[wm.Customer],
    locations: list[wm.Location],
    subscribers: list[wm.Subscriber],
    *,
    provisioning_id: str | None,
    needs_token: bool,
    token_present: bool,
    features: Iterable[wm.CallFeature] = (),
) -> list[Finding]:
    """Every local rule over the model, in a fixed order: config, customers, locations,
    subscribers, extensions, administrators."""
    return [
        *_config_findings(
            customers,
            provisioning_id=provisioning_id,
            needs_token=needs_token,
            token_present=token_present,
        ),
        *(f for customer in customers for f in _customer_findings(customer)),
        *(f for location in locations for f in _location_findings(location)),
        *_subscriber_findings(customers, subscribers),
        *extension_findings(subscribers, features),
        *_administrator_findings(customers, subscribers),
    ]


def _customer_package_findings(customer: wm.Customer) -> Iterator[Finding]:
    """The create body's ``packages``: known to Wholesale, and what each depends on there."""
    for package in sorted(set(customer.packages) - set(CUSTOMER_PACKAGES)):
        yield Finding(
            "blocker",
            "customer_package",
            "customer",
            customer.id,
            customer.id,
            f"package {package!r} is not a Wholesale customer package",
            "correct the subscribers' Package column in review.xlsx and map again",
        )
    for package, needs in missing_dependencies(customer.packages).items():
        yield Finding(
            "blocker",
            "package_dependency",
            "customer",
            customer.id,
            customer.id,
            f"{package} needs one of {', '.join(needs)} among the customer's packages",
            "run migrate map again: it adds the dependency",
        )


def from_map_issues(issues: list[wm.Issue]) -> list[Finding]:
    return [
        Finding(
            i.severity,
            i.code,
            i.entity,
            i.key,
            i.customer_id,
            i.message,
            f"proposed: {i.proposed}" if i.proposed else "see review.xlsx, Issues",
            source="map",
        )
        for i in issues
    ]
