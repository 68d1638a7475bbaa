"""Wholesale endpoints: customers, subscribers, precheck, billing reports, sub-partners.

``on_behalf_of`` is the spec's ``onBehalfOfSubPartnerOrgId``: a partner acting
for one of its sub-partners. Billing uses ``subPartnerOrgId`` instead (spec).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

from migrate.webex.client import WebexClient
from migrate.webex.errors import WebexError, WebexNotFound
from migrate.webex.models import (
    BillingReport,
    Customer,
    CustomerProvisionRequest,
    CustomerUpdateRequest,
    CustomerValidateRequest,
    PrecheckResult,
    SubPartner,
    Subscriber,
    SubscriberProvisionRequest,
    SubscriberUpdateRequest,
    SubscriberValidateRequest,
)

CUSTOMERS = "wholesale/customers"
SUBSCRIBERS = "wholesale/subscribers"
REPORTS = "wholesale/billing/reports"


def _id_from_url(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


class WholesaleApi:
    def __init__(self, client: WebexClient) -> None:
        self.client = client

    # ------------------------------------------------------------------ customers

    async def list_customers(
        self,
        *,
        external_id: str | None = None,
        org_id: str | None = None,
        status: Sequence[str] | None = None,
        max: int | None = None,
        on_behalf_of: str | None = None,
    ) -> AsyncIterator[Customer]:
        params = {
            "externalId": external_id,
            "orgId": org_id,
            # The spec types status as an array; Webex reads it comma-separated.
            "status": ",".join(status) if status else None,
            "max": max,
            "onBehalfOfSubPartnerOrgId": on_behalf_of,
        }
        async for item in self.client.paginate(CUSTOMERS, params):
            yield Customer.from_wire(item)

    async def find_customer(
        self, external_id: str, *, on_behalf_of: str | None = None
    ) -> Customer | None:
        """The idempotency lookup: the customer with this externalId, if any."""
        async for customer in self.list_customers(
            external_id=external_id, on_behalf_of=on_behalf_of
        ):
            if customer.external_id == external_id:
                return customer
        return None

    async def get_customer(
        self,
        customer_id: str,
        *,
        include_package_license_info: bool = False,
        on_behalf_of: str | None = None,
    ) -> Customer:
        data = await self.client.get_json(
            f"{CUSTOMERS}/{customer_id}",
            {
                "includePackageLicenseInfo": include_package_license_info or None,
                "onBehalfOfSubPartnerOrgId": on_behalf_of,
            },
        )
        return Customer.from_wire(data)

    async def provision_customer(
        self, body: CustomerProvisionRequest, *, on_behalf_of: str | None = None
    ) -> str:
        """Start provisioning (202) and return the new customer's id.

        Never repeated on a lost answer: a ``WebexError`` with ``ambiguous`` means
        "call ``find_customer(externalId)`` before trying again".
        """
        response = await self.client.request(
            "POST", CUSTOMERS, json=body, params={"onBehalfOfSubPartnerOrgId": on_behalf_of}
        )
        url = response.headers.get("Location") or (response.json() or {}).get("url", "")
        if not url:
            raise WebexError(
                "provisioning accepted but Webex sent no customer URL",
                status=response.status_code,
                method="POST",
                url=str(response.url),
            )
        return _id_from_url(url)

    async def update_customer(
        self, customer_id: str, body: CustomerUpdateRequest, *, on_behalf_of: str | None = None
    ) -> str:
        response = await self.client.request(
            "PUT",
            f"{CUSTOMERS}/{customer_id}",
            json=body,
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )
        url = response.headers.get("Location") or ""
        return _id_from_url(url) if url else customer_id

    async def remove_customer(self, customer_id: str, *, on_behalf_of: str | None = None) -> None:
        await self.client.request(
            "DELETE",
            f"{CUSTOMERS}/{customer_id}",
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )

    async def validate_customer(
        self, body: CustomerValidateRequest, *, on_behalf_of: str | None = None
    ) -> PrecheckResult:
        data = await self.client.send_json(
            "POST",
            f"{CUSTOMERS}/validate",
            body,
            safe=True,
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )
        return PrecheckResult.from_wire(data)

    async def wait_for_customer(
        self,
        customer_id: str,
        *,
        timeout: float = 900.0,
        interval: float = 2.0,
        max_interval: float = 30.0,
        on_behalf_of: str | None = None,
    ) -> Customer:
        """Poll until the status leaves provisioning/updating/deleting; a removed customer
        (404 after a delete) raises WebexNotFound. ``pending_rpl_review`` is returned as is:
        Cisco's review can take 72 hours, so the caller parks it."""
        deadline = time.monotonic() + timeout
        while True:
            customer = await self.get_customer(customer_id, on_behalf_of=on_behalf_of)
            if not customer.is_transient:
                return customer
            if time.monotonic() >= deadline:
                raise WebexError(
                    f"customer still {customer.status} after {timeout:.0f}s",
                    method="GET",
                    url=f"{CUSTOMERS}/{customer_id}",
                )
            await asyncio.sleep(interval)
            interval = min(max_interval, interval * 1.5)

    # ------------------------------------------------------------------ subscribers

    async def list_subscribers(
        self,
        *,
        customer_id: str | None = None,
        email: str | None = None,
        person_id: str | None = None,
        external_customer_id: str | None = None,
        status: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max: int | None = None,
        on_behalf_of: str | None = None,
    ) -> AsyncIterator[Subscriber]:
        params = {
            "customerId": customer_id,
            "email": email,
            "personId": person_id,
            "externalCustomerId": external_customer_id,
            "status": status,
            "sortBy": sort_by,
            "sortOrder": sort_order,
            "max": max,
            "onBehalfOfSubPartnerOrgId": on_behalf_of,
        }
        async for item in self.client.paginate(SUBSCRIBERS, params):
            yield Subscriber.from_wire(item)

    async def find_subscriber(
        self, customer_id: str, email: str, *, on_behalf_of: str | None = None
    ) -> Subscriber | None:
        """The idempotency lookup: subscriber by customer + email."""
        async for sub in self.list_subscribers(
            customer_id=customer_id, email=email, on_behalf_of=on_behalf_of
        ):
            if (sub.email or "").casefold() == email.casefold():
                return sub
        return None

    async def get_subscriber(
        self, subscriber_id: str, *, on_behalf_of: str | None = None
    ) -> Subscriber:
        data = await self.client.get_json(
            f"{SUBSCRIBERS}/{subscriber_id}", {"onBehalfOfSubPartnerOrgId": on_behalf_of}
        )
        return Subscriber.from_wire(data)

    async def provision_subscriber(
        self, body: SubscriberProvisionRequest, *, on_behalf_of: str | None = None
    ) -> Subscriber:
        """200 provisioned, or 202 ``pending_user_migration`` (consent flow). Not repeated
        on a lost answer: on ``ambiguous`` call ``find_subscriber`` first."""
        data = await self.client.send_json(
            "POST", SUBSCRIBERS, body, params={"onBehalfOfSubPartnerOrgId": on_behalf_of}
        )
        return Subscriber.from_wire(data)

    async def update_subscriber(
        self, subscriber_id: str, body: SubscriberUpdateRequest, *, on_behalf_of: str | None = None
    ) -> Subscriber:
        data = await self.client.send_json(
            "PUT",
            f"{SUBSCRIBERS}/{subscriber_id}",
            body,
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )
        return Subscriber.from_wire(data)

    async def remove_subscriber(
        self, subscriber_id: str, *, on_behalf_of: str | None = None
    ) -> None:
        await self.client.request(
            "DELETE",
            f"{SUBSCRIBERS}/{subscriber_id}",
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )

    async def validate_subscriber(
        self, body: SubscriberValidateRequest, *, on_behalf_of: str | None = None
    ) -> PrecheckResult:
        data = await self.client.send_json(
            "POST",
            f"{SUBSCRIBERS}/validate",
            body,
            safe=True,
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
        )
        return PrecheckResult.from_wire(data)

    async def resend_consent_email(
        self, subscriber_id: str, *, on_behalf_of: str | None = None
    ) -> None:
        # Printed without /wholesale in the spec (research §3.1); repeating only re-sends mail.
        await self.client.request(
            "POST",
            f"subscribers/{subscriber_id}/emails/consentMove",
            params={"onBehalfOfSubPartnerOrgId": on_behalf_of},
            safe=True,
        )

    # ------------------------------------------------------------------ billing

    async def create_billing_report(
        self,
        start: date | str,
        end: date | str,
        *,
        type: str = "PARTNER",
        sub_partner_org_id: str | None = None,
        internal: bool | None = None,
    ) -> BillingReport:
        body: dict[str, Any] = {
            "billingStartDate": str(start),
            "billingEndDate": str(end),
            "type": type,
        }
        if sub_partner_org_id is not None:
            body["subPartnerOrgId"] = sub_partner_org_id
        if internal is not None:
            body["internal"] = internal
        return BillingReport.from_wire(await self.client.send_json("POST", REPORTS, body))

    async def get_billing_report(self, report_id: str) -> BillingReport:
        return BillingReport.from_wire(await self.client.get_json(f"{REPORTS}/{report_id}"))

    async def list_billing_reports(
        self,
        *,
        start: date | str | None = None,
        end: date | str | None = None,
        type: str | None = None,
        status: str | None = None,
        sort_by: str | None = None,
        sub_partner_org_id: str | None = None,
        max: int | None = None,
    ) -> AsyncIterator[BillingReport]:
        params = {
            "billingStartDate": str(start) if start else None,
            "billingEndDate": str(end) if end else None,
            "type": type,
            "status": status,
            "sortBy": sort_by,
            "subPartnerOrgId": sub_partner_org_id,
            "max": max,
        }
        async for item in self.client.paginate(REPORTS, params):
            yield BillingReport.from_wire(item)

    async def delete_billing_report(self, report_id: str) -> None:
        await self.client.request("DELETE", f"{REPORTS}/{report_id}")

    async def wait_for_billing_report(
        self, report_id: str, *, timeout: float = 600.0, interval: float = 2.0
    ) -> BillingReport:
        deadline = time.monotonic() + timeout
        while True:
            report = await self.get_billing_report(report_id)
            if report.status != "IN_PROGRESS":
                return report
            if time.monotonic() >= deadline:
                raise WebexError(
                    f"billing report still IN_PROGRESS after {timeout:.0f}s",
                    method="GET",
                    url=f"{REPORTS}/{report_id}",
                )
            await asyncio.sleep(interval)

    async def download_billing_report(self, report: BillingReport | str) -> str:
        """The report's CSV text, from its short-lived ``tempDownloadURL``."""
        if isinstance(report, str):
            report = await self.get_billing_report(report)
        if report.status != "COMPLETED" or not report.temp_download_url:
            raise WebexNotFound(
                f"billing report is {report.status}, nothing to download",
                method="GET",
                url=f"{REPORTS}/{report.id}",
            )
        return (await self.client.download(report.temp_download_url)).decode("utf-8-sig")

    # ------------------------------------------------------------------ sub-partners

    async def list_sub_partners(
        self, *, provisioning_state: str | None = None, max: int | None = None
    ) -> AsyncIterator[SubPartner]:
        async for item in self.client.paginate(
            "wholesale/subPartners", {"provisioningState": provisioning_state, "max": max}
        ):
            yield SubPartner.from_wire(item)
