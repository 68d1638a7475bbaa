"""``/wholesale/billing/reports``: create, get, list, delete; and the pre-signed CSV
download URL a completed report carries (outside /v1, no token, like Webex's CDN)."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from migrate.sandbox import codes
from migrate.sandbox.app import SEGMENT, SandboxApp, json_body, page
from migrate.sandbox.billing import render_csv
from migrate.sandbox.http import HttpError, SandboxRequest, SandboxResponse
from migrate.sandbox.state import BillingReport
from migrate.sandbox.validation import DATE, Problem

DOWNLOAD_PREFIX = "/_sandbox/billing/"


def register(app: SandboxApp) -> None:
    routes = BillingRoutes(app)
    app.route("GET", "/wholesale/billing/reports", routes.list_reports)
    app.route("POST", "/wholesale/billing/reports", routes.create_report)
    app.route("GET", f"/wholesale/billing/reports/{SEGMENT}", routes.get_report)
    app.route("DELETE", f"/wholesale/billing/reports/{SEGMENT}", routes.delete_report)
    app.route("GET", rf"{DOWNLOAD_PREFIX}(.*)", routes.download_report, public=True)


def _date(body: dict[str, Any], name: str) -> date:
    value = body.get(name)
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise HttpError(
            400,
            [Problem(f"'{name}' must be a date YYYY-MM-DD.", codes.INVALID_PARAMETER_VALUE, name)],
        )
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC).date()
    except ValueError:
        raise HttpError(
            400, [Problem(f"'{name}' is not a real date.", codes.INVALID_PARAMETER_VALUE, name)]
        ) from None


class BillingRoutes:
    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.state = app.state
        self.clock = app.clock

    def _report(self, report_id: str) -> BillingReport:
        report = self.state.reports.get(report_id)
        if report is None:
            raise HttpError(404, "Billing Report not found.", codes.BILLING_REPORT_NOT_FOUND)
        return report

    def _report_status(self, report: BillingReport) -> str:
        return report.final_status if self.clock.time() >= report.ready_at else "IN_PROGRESS"

    def create_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        body = json_body(req)
        if not isinstance(body, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE
            )
        first, last = _date(body, "billingStartDate"), _date(body, "billingEndDate")
        today = self.clock.now().date()
        if first > last:
            raise HttpError(
                400, "billingStartDate is after billingEndDate.", codes.INVALID_PARAMETER_VALUE
            )
        if last >= today:
            raise HttpError(
                400,
                "A report cannot include the current day or later.",
                codes.INVALID_PARAMETER_VALUE,
            )
        if first < today.replace(year=today.year - 5):
            raise HttpError(
                400,
                "A report can cover at most the last five years.",
                codes.INVALID_PARAMETER_VALUE,
            )
        report_type = body.get("type", "PARTNER")
        if report_type not in ("PARTNER", "CUSTOMER", "USER"):
            raise HttpError(
                400, "type must be PARTNER, CUSTOMER or USER.", codes.INVALID_PARAMETER_VALUE
            )
        sub_partner = body.get("subPartnerOrgId")
        if sub_partner is not None and sub_partner not in self.state.sub_partners:
            raise HttpError(403, "Unknown sub-partner organization.", codes.SUB_PARTNER_NOT_ALLOWED)
        for other in self.state.reports.values():
            if (
                other.billing_start_date,
                other.billing_end_date,
                other.type,
                other.sub_partner_org_id,
            ) == (
                first.isoformat(),
                last.isoformat(),
                report_type,
                sub_partner,
            ) and self._report_status(other) == "COMPLETED":
                raise HttpError(
                    409,
                    "A report for this period exists; delete it to regenerate.",
                    codes.BILLING_REPORT_EXISTS,
                )
        now = self.clock.time()
        report = BillingReport(
            id=self.state.new_id("BILLING_REPORT"),
            billing_start_date=first.isoformat(),
            billing_end_date=last.isoformat(),
            type=report_type,
            category="RECONCILIATION",
            sub_partner_org_id=sub_partner,
            internal=bool(body.get("internal", False)),
            created=self.app.now_iso(),
            created_by=self.state.partner_org_id,
            ready_at=now + self.app.config.billing_delay_s,
            final_status="COMPLETED",
            csv=render_csv(self.state, report_type, first, last, now, sub_partner),
            download_key=uuid.uuid4().hex,
        )
        self.state.reports[report.id] = report
        return SandboxResponse.json(
            200,
            {
                "id": report.id,
                "billingStartDate": report.billing_start_date,
                "billingEndDate": report.billing_end_date,
                "type": report.type,
                "category": report.category,
            },
        )

    def _report_view(
        self, req: SandboxRequest, report: BillingReport, *, full: bool
    ) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": report.id,
            "billingStartDate": report.billing_start_date,
            "billingEndDate": report.billing_end_date,
            "type": report.type,
            "category": report.category,
            "status": self._report_status(report),
        }
        if full:
            view["created"] = report.created
            view["createdBy"] = report.created_by
            if view["status"] == "COMPLETED":
                expires = int(self.clock.time() + self.app.config.download_ttl_s)
                view["tempDownloadURL"] = req.url(
                    f"{DOWNLOAD_PREFIX}{report.download_key}.csv",
                    {
                        "Expires": [str(expires)],
                        "Signature": [self._sign(report.download_key, expires)],
                        "Key-Pair-Id": ["SANDBOX"],
                    },
                )
        return view

    def _sign(self, key: str, expires: int) -> str:
        return hmac.new(self.app.secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()

    def get_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        return SandboxResponse.json(
            200, self._report_view(req, self._report(m.group(1)), full=True)
        )

    def list_reports(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        filters = {
            "billingStartDate": req.param("billingStartDate"),
            "billingEndDate": req.param("billingEndDate"),
            "type": req.param("type"),
            "status": req.param("status"),
        }
        sub_partner = req.param("subPartnerOrgId")
        items = []
        for report in self.state.reports.values():
            if report.sub_partner_org_id != sub_partner:
                continue
            view = self._report_view(req, report, full=False)
            if all(v is None or view[k] == v for k, v in filters.items()):
                items.append(view)
        sort_by = req.param("sortBy") or "billingStartDate"
        if sort_by not in ("id", "billingStartDate", "billingEndDate", "status"):
            raise HttpError(400, "Unknown sortBy.", codes.INVALID_PARAMETER_VALUE)
        items.sort(key=lambda v: (v[sort_by], v["id"]))
        return page(req, items, default_max=100, cap=100)

    def delete_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        report = self._report(m.group(1))
        del self.state.reports[report.id]
        return SandboxResponse(204)

    def download_report(self, req: SandboxRequest, m: re.Match[str]) -> SandboxResponse:
        key = m.group(1).removesuffix(".csv")
        try:
            expires = int(req.param("Expires") or "0")
        except ValueError:
            expires = 0
        signature = req.param("Signature") or ""
        if not hmac.compare_digest(signature, self._sign(key, expires)) or (
            self.clock.time() > expires
        ):
            raise HttpError(403, "The download link is invalid or has expired.", 403)
        report = next((r for r in self.state.reports.values() if r.download_key == key), None)
        if report is None:
            raise HttpError(404, "Billing Report not found.", codes.BILLING_REPORT_NOT_FOUND)
        return SandboxResponse(
            200, [("Content-Type", "text/csv; charset=utf-8")], report.csv.encode()
        )
