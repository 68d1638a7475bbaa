"""Billing report CSV, computed from each subscriber's active stretches (Solution Guide).

For each user the per-day quantity is prorated (a full day counts 1, half a
day 0.5); the days of the period are summed per user, and customer and
partner rows sum their users. Days are UTC calendar days.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from migrate.sandbox.state import Activation, SandboxState

COLUMNS = {
    "PARTNER": [
        "PARTNER_NAME",
        "PARTNER_ORG_ID",
        "SUBSCRIPTION_ID",
        "SERVICE_NAME",
        "SKU",
        "DESCRIPTION",
        "CONSUMPTION_START_DATE",
        "CONSUMPTION_END_DATE",
        "QUANTITY",
    ],
    "CUSTOMER": [
        "PARTNER_NAME",
        "PARTNER_ORG_ID",
        "CUSTOMER_ORG_ID",
        "CUSTOMER_EXTERNAL_ID",
        "SUBSCRIPTION_ID",
        "SERVICE_NAME",
        "SKU",
        "DESCRIPTION",
        "CONSUMPTION_START_DATE",
        "CONSUMPTION_END_DATE",
        "QUANTITY",
    ],
    "USER": [
        "PARTNER_NAME",
        "PARTNER_ORG_ID",
        "CUSTOMER_ORG_ID",
        "CUSTOMER_EXTERNAL_ID",
        "SUBSCRIBER_ID",
        "USER_ID",
        "WORKSPACE_ID",
        "SUBSCRIPTION_ID",
        "SERVICE_NAME",
        "SKU",
        "DESCRIPTION",
        "CONSUMPTION_START_DATE",
        "CONSUMPTION_END_DATE",
        "QUANTITY",
    ],
}

# SKUs and descriptions are sandbox placeholders: Cisco's price list is not public.
SERVICES = {
    "webex_calling": ("WEBEX_CALLING", "WHL-CALLING-BASIC", "Webex Calling Basic"),
    "webex_voice": ("WEBEX_VOICE", "WHL-VOICE", "Webex Voice (Enhanced Calling)"),
    "webex_suite": ("WEBEX_SUITE", "WHL-SUITE", "Webex Suite"),
    "webex_meetings": ("WEBEX_MEETINGS", "WHL-MEETINGS", "Webex Meetings"),
    "webex_calling_standard": (
        "WEBEX_CALLING_STANDARD",
        "WHL-CALLING-STD",
        "Webex Calling Standard",
    ),
    "common_area_calling": ("COMMON_AREA_CALLING", "WHL-CAC", "Common Area Calling"),
    "cx_essentials": ("CX_ESSENTIALS", "WHL-CX-ESS", "Customer Assist"),
}


def service_of(package: str) -> tuple[str, str, str]:
    return SERVICES.get(package, (package.upper(), f"WHL-{package.upper()}", package))


def day_usage(activations: Iterable[Activation], day: date, now: float) -> dict[str, float]:
    """Fraction of ``day`` each package was held: overlap seconds / 86 400."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    end = start + 86400.0
    usage: dict[str, float] = defaultdict(float)
    for act in activations:
        until = act.end if act.end is not None else now
        overlap = min(end, until) - max(start, act.start)
        if overlap > 0:
            usage[act.package] += overlap / 86400.0
    return usage


@dataclass(frozen=True)
class UserRow:
    customer_org_id: str
    customer_external_id: str
    subscriber_id: str
    user_id: str
    package: str
    quantity: float
    first_day: date
    last_day: date


def user_rows(
    state: SandboxState, first: date, last: date, now: float, sub_partner_org_id: str | None
) -> list[UserRow]:
    rows: list[UserRow] = []
    for sub in sorted(state.subscribers.values(), key=lambda s: s.id):
        customer = state.customers.get(sub.customer_id)
        if customer is None:
            continue
        if sub_partner_org_id is not None and customer.sub_partner_org_id != sub_partner_org_id:
            continue
        totals: dict[str, float] = defaultdict(float)
        days: dict[str, list[date]] = defaultdict(list)
        day = first
        while day <= last:
            for package, amount in day_usage(sub.activations, day, now).items():
                totals[package] += amount
                days[package].append(day)
            day += timedelta(days=1)
        for package in sorted(totals):
            rows.append(
                UserRow(
                    customer.org_id,
                    customer.external_id,
                    sub.id,
                    sub.person_id,
                    package,
                    totals[package],
                    days[package][0],
                    days[package][-1],
                )
            )
    return rows


def _quantity(value: float) -> str:
    # Whole and half days print exactly (1, 0.5); other fractions keep 4 decimals.
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def render_csv(
    state: SandboxState,
    report_type: str,
    first: date,
    last: date,
    now: float,
    sub_partner_org_id: str | None,
) -> str:
    rows = user_rows(state, first, last, now, sub_partner_org_id)
    subscription = state.partner_subscription_id
    if sub_partner_org_id and sub_partner_org_id in state.sub_partners:
        subscription = state.sub_partners[sub_partner_org_id].subscription_id
    partner = {
        "PARTNER_NAME": state.partner_name,
        "PARTNER_ORG_ID": state.partner_org_id,
        "SUBSCRIPTION_ID": subscription,
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[report_type], lineterminator="\n")
    writer.writeheader()

    def service(package: str) -> dict[str, str]:
        name, sku, description = service_of(package)
        return {"SERVICE_NAME": name, "SKU": sku, "DESCRIPTION": description}

    if report_type == "USER":
        for r in rows:
            writer.writerow(
                {
                    **partner,
                    "CUSTOMER_ORG_ID": r.customer_org_id,
                    "CUSTOMER_EXTERNAL_ID": r.customer_external_id,
                    "SUBSCRIBER_ID": r.subscriber_id,
                    "USER_ID": r.user_id,
                    "WORKSPACE_ID": "",
                    **service(r.package),
                    "CONSUMPTION_START_DATE": r.first_day.isoformat(),
                    "CONSUMPTION_END_DATE": r.last_day.isoformat(),
                    "QUANTITY": _quantity(r.quantity),
                }
            )
        return out.getvalue()
    grouped: dict[tuple[str, ...], float] = defaultdict(float)
    for r in rows:
        key: tuple[str, ...] = (
            (r.customer_org_id, r.customer_external_id, r.package)
            if report_type == "CUSTOMER"
            else (r.package,)
        )
        grouped[key] += r.quantity
    for key in sorted(grouped):
        row = {
            **partner,
            **service(key[-1]),
            "CONSUMPTION_START_DATE": first.isoformat(),
            "CONSUMPTION_END_DATE": last.isoformat(),
            "QUANTITY": _quantity(grouped[key]),
        }
        if report_type == "CUSTOMER":
            row["CUSTOMER_ORG_ID"], row["CUSTOMER_EXTERNAL_ID"] = key[0], key[1]  # (org, ext, pkg)
        writer.writerow(row)
    return out.getvalue()
