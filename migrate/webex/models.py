"""Wire models. Request bodies are camelCase TypedDicts (what you write is what is sent);
responses are small dataclasses over the raw dict, so an unknown field or enum value
is kept rather than rejected (Webex adds packages and statuses over time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NotRequired, Required, TypedDict


class CustomerStatus(StrEnum):
    """Known values; the model fields stay ``str`` so new ones pass through."""

    PROVISIONED = "provisioned"
    PROVISIONED_WITH_ERRORS = "provisioned_with_errors"
    PROVISIONING = "provisioning"
    UPDATING = "updating"
    DELETING = "deleting"
    ERROR = "error"
    PENDING_RPL_REVIEW = "pending_rpl_review"


TRANSIENT_CUSTOMER_STATUSES = frozenset({"provisioning", "updating", "deleting"})


class SubscriberStatus(StrEnum):
    PROVISIONED = "provisioned"
    PENDING_USER_MIGRATION = "pending_user_migration"


# -- request bodies -------------------------------------------------------------------


class WholesaleAddress(TypedDict, total=False):
    addressLine1: Required[str]
    addressLine2: str
    city: Required[str]
    stateOrProvince: str
    zipOrPostalCode: str
    country: Required[str]


class CustomerInfo(TypedDict, total=False):
    name: str
    primaryEmail: Required[str]
    language: str


class CallingLocationParameters(TypedDict, total=False):
    name: Required[str]
    address: Required[WholesaleAddress]
    timezone: Required[str]
    language: Required[str]
    emergencyLocationIdentifier: str


class CallingParameters(TypedDict):
    location: CallingLocationParameters


class MeetingsParameters(TypedDict, total=False):
    timezone: str


class CustomerProvisioningParameters(TypedDict, total=False):
    calling: CallingParameters
    meetings: MeetingsParameters


class CustomerProvisionRequest(TypedDict, total=False):
    provisioningId: Required[str]
    packages: Required[list[str]]
    externalId: Required[str]
    address: Required[WholesaleAddress]
    orgId: str
    customerInfo: CustomerInfo
    provisioningParameters: CustomerProvisioningParameters
    subPartnerAdminEmail: str


class CustomerUpdateRequest(TypedDict, total=False):
    packages: Required[list[str]]
    externalId: str
    address: WholesaleAddress
    provisioningParameters: CustomerProvisioningParameters
    subPartnerAdminEmail: str


class CustomerValidateRequest(TypedDict, total=False):
    address: Required[WholesaleAddress]
    provisioningId: str
    packages: list[str]
    orgId: str
    externalId: str
    customerInfo: CustomerInfo
    provisioningParameters: CustomerProvisioningParameters


class SubscriberProvisioningParameters(TypedDict, total=False):
    firstName: str
    lastName: str
    primaryPhoneNumber: str
    extension: str
    locationId: str


class SubscriberProvisionRequest(TypedDict):
    customerId: str
    email: str
    packages: list[str]  # exactly one; the deprecated single `package` is not sent
    provisioningParameters: SubscriberProvisioningParameters


class SubscriberUpdateRequest(TypedDict):
    packages: list[str]
    provisioningParameters: NotRequired[SubscriberProvisioningParameters]


class SubscriberValidateRequest(TypedDict, total=False):
    email: Required[str]
    provisioningId: str
    customerId: str
    packages: list[str]
    provisioningParameters: SubscriberProvisioningParameters
    customerInfo: CustomerInfo


class CallingAddress(TypedDict, total=False):
    address1: Required[str]
    address2: str
    city: Required[str]
    state: Required[str]
    postalCode: Required[str]
    country: Required[str]


class LocationCreateRequest(TypedDict, total=False):
    name: Required[str]
    timeZone: Required[str]
    preferredLanguage: Required[str]
    announcementLanguage: Required[str]
    address: Required[CallingAddress]
    latitude: str
    longitude: str
    notes: str


class CallingLocationRequest(TypedDict):
    """Enable for Calling: the Locations API record, repeated with its id."""

    id: str
    name: str
    timeZone: str
    preferredLanguage: str
    announcementLanguage: str
    address: CallingAddress


# -- responses ------------------------------------------------------------------------


def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Customer:
    id: str
    status: str
    external_id: str | None
    org_id: str | None
    packages: list[str]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Customer:
        return cls(
            id=str(data["id"]),
            status=str(data.get("status", "")),
            external_id=_str(data, "externalId"),
            org_id=_str(data, "orgId"),
            packages=[str(p) for p in _list(data, "packages")],
            raw=data,
        )

    @property
    def is_transient(self) -> bool:
        return self.status in TRANSIENT_CUSTOMER_STATUSES

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Customer-level errors plus every package's errors and warnings."""
        out = [e for e in _list(self.raw, "errors") if isinstance(e, dict)]
        for pkg in _list(self.raw.get("resourceDetails") or {}, "packages"):
            if isinstance(pkg, dict):
                for kind in ("errors", "warnings"):
                    out += [
                        {"package": pkg.get("name"), "kind": kind, **e}
                        for e in _list(pkg, kind)
                        if isinstance(e, dict)
                    ]
        return out

    def license_ids(self, package: str) -> list[str]:
        for pkg in _list(self.raw.get("resourceDetails") or {}, "packages"):
            if isinstance(pkg, dict) and pkg.get("name") == package:
                return [str(x) for x in _list(pkg, "licenseIds")]
        return []


@dataclass(frozen=True)
class Subscriber:
    id: str
    status: str
    email: str | None
    customer_id: str | None
    person_id: str | None
    packages: list[str]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Subscriber:
        packages = [str(p) for p in _list(data, "packages")]
        if not packages and isinstance(data.get("package"), str):
            packages = [data["package"]]
        return cls(
            id=str(data["id"]),
            status=str(data.get("status", "")),
            email=_str(data, "email"),
            customer_id=_str(data, "customerId"),
            person_id=_str(data, "personId"),
            packages=packages,
            raw=data,
        )


@dataclass(frozen=True)
class PrecheckResult:
    message: str
    info: list[dict[str, Any]]  # the spec's schema says object, its examples a list: both read

    @classmethod
    def from_wire(cls, data: Any) -> PrecheckResult:
        data = data if isinstance(data, dict) else {}
        info = data.get("info")
        items = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
        return cls(
            message=str(data.get("message", "")), info=[i for i in items if isinstance(i, dict)]
        )


@dataclass(frozen=True)
class BillingReport:
    id: str
    status: str | None
    type: str | None
    billing_start_date: str | None
    billing_end_date: str | None
    temp_download_url: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> BillingReport:
        return cls(
            id=str(data["id"]),
            status=_str(data, "status"),
            type=_str(data, "type"),
            billing_start_date=_str(data, "billingStartDate"),
            billing_end_date=_str(data, "billingEndDate"),
            temp_download_url=_str(data, "tempDownloadURL"),
            raw=data,
        )


@dataclass(frozen=True)
class SubPartner:
    org_id: str
    provisioning_state: str | None
    subscription_id: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> SubPartner:
        return cls(
            org_id=str(data["orgId"]),
            provisioning_state=_str(data, "provisioningState"),
            subscription_id=_str(data, "subscriptionId"),
            raw=data,
        )


@dataclass(frozen=True)
class Organization:
    id: str
    display_name: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Organization:
        return cls(id=str(data["id"]), display_name=_str(data, "displayName"), raw=data)


@dataclass(frozen=True)
class Location:
    id: str
    name: str | None
    org_id: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Location:
        return cls(
            id=str(data["id"]), name=_str(data, "name"), org_id=_str(data, "orgId"), raw=data
        )


@dataclass(frozen=True)
class PhoneNumber:
    phone_number: str
    state: str | None
    location_id: str | None
    owner_id: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> PhoneNumber:
        location = data.get("location") if isinstance(data.get("location"), dict) else {}
        owner = data.get("owner") if isinstance(data.get("owner"), dict) else {}
        return cls(
            phone_number=str(data["phoneNumber"]),
            state=_str(data, "state"),
            location_id=_str(location or {}, "id"),
            owner_id=_str(owner or {}, "id"),
            raw=data,
        )
