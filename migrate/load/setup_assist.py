"""Wholesale Setup Assist: the request form's fields, read back from Webex.

Setup Assist is Cisco's optional onboarding service, ordered per customer
location (Solution Guide, "Onboarding with Wholesale Setup Assist"): the
Express SKU for a location of up to five seats, Standard above five. The
request must reach Cisco no later than six business days before onboarding
completes. Table 9 of the guide lists what the request form asks for; every
value here is read from Webex, never typed:

* Partner/Agent Org ID: the org of the token's own person (``GET /people/me``);
* Customer Org ID: the wholesale customer's ``orgId`` (found by ``externalId``);
* Subscription ID: the ``subscriptionId`` of the customer org's licences;
* Total Number of Locations and Location ID: its Webex Calling locations;
* seats: the people of the org placed in that location (``callingData``).

Business days are Monday to Friday; public holidays are not counted unless
``[setup_assist] holidays`` in ``migrate.toml`` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from migrate.webex import Webex

EXPRESS_SKU = "Wholesale Setup Assist Express"
STANDARD_SKU = "Wholesale Setup Assist Standard"
EXPRESS_MAX_SEATS = 5
LEAD_BUSINESS_DAYS = 6  # "no later than six business days prior to onboarding completion"


def sku_for(seats: int) -> str:
    """Express covers a location of up to five seats (a flat charge); Standard more."""
    return EXPRESS_SKU if seats <= EXPRESS_MAX_SEATS else STANDARD_SKU


def is_business_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_before(
    day: dt.date, count: int = LEAD_BUSINESS_DAYS, holidays: Collection[dt.date] = ()
) -> dt.date:
    """The business day ``count`` business days before ``day`` (Monday-Friday, minus
    ``holidays``): the latest day a request for onboarding that completes on ``day``
    may reach Cisco."""
    current = day
    left = count
    while left:
        current -= dt.timedelta(days=1)
        if is_business_day(current, holidays):
            left -= 1
    return current


@dataclass(frozen=True)
class Wanted:
    """A customer the review (or ``migrate.toml``) says wants Setup Assist."""

    customer: str  # model id
    external_id: str
    cutover_date: dt.date | None = None
    sub_partner_org_id: str | None = None


@dataclass(frozen=True)
class AssistRow:
    """One location's request: the fields of the guide's Table 9, plus the deadline."""

    customer: str
    partner_org_id: str
    customer_org_id: str
    subscription_id: str
    total_locations: int
    location_id: str
    location_name: str
    seats: int
    sku: str
    cutover_date: dt.date | None
    submit_by: dt.date | None
    late: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            **vars(self),
            "cutover_date": self.cutover_date.isoformat() if self.cutover_date else None,
            "submit_by": self.submit_by.isoformat() if self.submit_by else None,
        }


@dataclass
class SetupAssistResult:
    rows: list[AssistRow] = field(default_factory=list)
    not_ready: dict[str, str] = field(default_factory=dict)  # customer → why no rows
    partner_org_id: str = ""
    today: dt.date = field(default_factory=dt.date.today)

    def to_dict(self) -> dict[str, Any]:
        return {
            "partner_org_id": self.partner_org_id,
            "today": self.today.isoformat(),
            "rows": [r.to_dict() for r in self.rows],
            "not_ready": self.not_ready,
        }


async def partner_org_id(webex: Webex) -> str:
    me = await webex.client.get_json("people/me")
    return str(me.get("orgId") or "")


async def _subscription(webex: Webex, org_id: str) -> str:
    found = {
        str(item["subscriptionId"])
        async for item in webex.client.paginate("licenses", {"orgId": org_id})
        if item.get("subscriptionId")
    }
    return ", ".join(sorted(found))


async def _rows_of(
    webex: Webex,
    wanted: Wanted,
    partner: str,
    holidays: Collection[dt.date],
    today: dt.date,
) -> list[AssistRow] | str:
    """The customer's rows, or why it has none yet."""
    customer = await webex.wholesale.find_customer(
        wanted.external_id, on_behalf_of=wanted.sub_partner_org_id
    )
    if customer is None:
        return "not in Webex yet: run `migrate load` first"
    if not customer.org_id or customer.status not in ("provisioned", "provisioned_with_errors"):
        return f"customer is {customer.status}: no org to onboard yet"
    org_id = customer.org_id
    locations = [loc async for loc in webex.calling.list_calling_locations(org_id)]
    if not locations:
        return "its org has no Webex Calling location"
    placed = [
        person.location_id
        async for person in webex.people.list_people(org_id, calling_data=True)
        if person.location_id
    ]
    seats = Counter(placed)
    subscription = await _subscription(webex, org_id)
    submit_by = (
        business_days_before(wanted.cutover_date, LEAD_BUSINESS_DAYS, holidays)
        if wanted.cutover_date
        else None
    )
    return [
        AssistRow(
            customer=wanted.customer,
            partner_org_id=partner,
            customer_org_id=org_id,
            subscription_id=subscription,
            total_locations=len(locations),
            location_id=loc.id,
            location_name=loc.name or "",
            seats=seats[loc.id],
            sku=sku_for(seats[loc.id]),
            cutover_date=wanted.cutover_date,
            submit_by=submit_by,
            late=submit_by is not None and today > submit_by,
        )
        for loc in sorted(locations, key=lambda x: (x.name or "", x.id))
    ]


async def gather(
    webex: Webex,
    wanted: list[Wanted],
    *,
    holidays: Collection[dt.date] = (),
    today: dt.date | None = None,
) -> SetupAssistResult:
    """One row per Webex Calling location of each wanted customer (read only)."""
    result = SetupAssistResult(today=today or dt.date.today())
    if not wanted:
        return result
    result.partner_org_id = await partner_org_id(webex)
    for item in sorted(wanted, key=lambda w: w.customer):
        rows = await _rows_of(webex, item, result.partner_org_id, holidays, result.today)
        if isinstance(rows, str):
            result.not_ready[item.customer] = rows
        else:
            result.rows.extend(rows)
    return result
