"""Request-time validation rules of the Wholesale and Calling APIs (research §2-§6, §8).

Each check returns a list of ``Problem``; the routes turn a non-empty list
into a 400 whose ``errors[]`` carries one entry per problem.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any, TypeGuard

from migrate.sandbox import codes

CUSTOMER_PACKAGES = frozenset(
    {
        "common_area_calling",
        "webex_calling",
        "webex_meetings",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
        "cisco_calling_plan",
        "attendant_console",
        "cx_premium_agent",
        "cx_standard_agent",
        "cx_voice_ports",
        "cx_ai_assistant",
        "webex_ai_agent",
    }
)
SUBSCRIBER_PACKAGES = frozenset(
    {
        "webex_calling",
        "webex_meetings",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
        "attendant_console",
        "cx_premium_agent",
        "cx_standard_agent",
    }
)
# Packages that bring Webex Calling and so need a calling location (customer)
# or a number/extension (subscriber). Meetings is the only one without calling.
NON_CALLING = frozenset({"webex_meetings"})
# "depends on" read as "at least one of" (research §2.2, the likely reading).
PACKAGE_DEPENDENCIES = {
    "cisco_calling_plan": frozenset(
        {
            "common_area_calling",
            "webex_calling",
            "webex_suite",
            "webex_voice",
            "cx_essentials",
            "webex_calling_standard",
        }
    ),
    "attendant_console": frozenset({"webex_calling", "webex_suite", "cx_essentials"}),
}
MAX_ADDRESS_LINE = 50
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
EXTENSION = re.compile(r"^[0-9]{2,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2}(_[a-zA-Z]{2})?$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Problem:
    description: str
    error_code: int
    field: str | None = None


@functools.cache
def iso_countries() -> frozenset[str]:
    # tzdata (a dependency) ships the ISO 3166 alpha-2 table the zone files use.
    text = importlib.resources.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text("utf-8")
    return frozenset(
        line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    )


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _missing(name: str) -> Problem:
    return Problem(f"Mandatory parameter '{name}' is missing.", codes.NULL_PARAMETER, name)


def _invalid(name: str, why: str) -> Problem:
    return Problem(f"Invalid value for '{name}': {why}.", codes.INVALID_PARAMETER_VALUE, name)


def _is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() != ""


def check_wholesale_address(address: Any, prefix: str) -> list[Problem]:
    """The ``addressLine1``/``city``/``country`` form used by customers and their location."""
    if not isinstance(address, dict):
        return [_missing(prefix)]
    problems: list[Problem] = []
    for name in ("addressLine1", "city", "country"):
        if not _is_text(address.get(name)):
            problems.append(_missing(f"{prefix}.{name}"))
    for name in ("addressLine1", "addressLine2"):
        value = address.get(name)
        if isinstance(value, str) and len(value) > MAX_ADDRESS_LINE:
            problems.append(
                Problem(
                    f"'{prefix}.{name}' exceeds the {MAX_ADDRESS_LINE} character limit.",
                    codes.INVALID_PARAMETER_SIZE,
                    f"{prefix}.{name}",
                )
            )
    country = address.get("country")
    if _is_text(country) and country not in iso_countries():
        problems.append(_invalid(f"{prefix}.country", "must be an ISO 3166 alpha-2 code"))
    return problems


def check_packages(
    packages: Any, allowed: frozenset[str], name: str, *, dependencies: bool = True
) -> list[Problem]:
    if not isinstance(packages, list) or not packages:
        return [_missing(name)]
    problems = [
        _invalid(name, f"unknown package {p!r}")
        for p in packages
        if not isinstance(p, str) or p not in allowed
    ]
    if not dependencies:
        return problems
    chosen = {p for p in packages if isinstance(p, str)}
    for package, needs in PACKAGE_DEPENDENCIES.items():
        if package in chosen and not chosen & needs:
            problems.append(_invalid(name, f"{package} needs one of {', '.join(sorted(needs))}"))
    return problems


def check_calling_location(location: Any) -> list[Problem]:
    prefix = "provisioningParameters.calling.location"
    if not isinstance(location, dict):
        return [_missing(prefix)]
    problems: list[Problem] = []
    for name in ("name", "timezone", "language"):
        if not _is_text(location.get(name)):
            problems.append(_missing(f"{prefix}.{name}"))
    problems += check_wholesale_address(location.get("address"), f"{prefix}.address")
    tz = location.get("timezone")
    if _is_text(tz) and tz not in time_zones():
        problems.append(_invalid(f"{prefix}.timezone", "unknown time zone"))
    lang = location.get("language")
    if _is_text(lang) and not LANGUAGE.fullmatch(lang):
        problems.append(_invalid(f"{prefix}.language", "expected a locale such as en_us"))
    return problems


def check_customer_info(info: Any, *, name_required: bool) -> list[Problem]:
    if not isinstance(info, dict):
        return [_missing("customerInfo")]
    problems: list[Problem] = []
    name = info.get("name")
    if name_required and not _is_text(name):
        problems.append(_missing("customerInfo.name"))
    if isinstance(name, str) and "%" in name:
        problems.append(_invalid("customerInfo.name", "the name cannot include '%'"))
    email = info.get("primaryEmail")
    if not _is_text(email):
        problems.append(_missing("customerInfo.primaryEmail"))
    elif not EMAIL.fullmatch(email):
        problems.append(_invalid("customerInfo.primaryEmail", "not an email address"))
    lang = info.get("language")
    if lang is not None and not (isinstance(lang, str) and LANGUAGE.fullmatch(lang)):
        problems.append(_invalid("customerInfo.language", "expected ISO-639-1 or ll_CC"))
    return problems


def _needs_calling(packages: Any) -> bool:
    return isinstance(packages, list) and any(
        isinstance(p, str) and p not in NON_CALLING and p in CUSTOMER_PACKAGES for p in packages
    )


def check_customer_provision(body: Any) -> list[Problem]:
    if not isinstance(body, dict):
        return [Problem("The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE)]
    problems: list[Problem] = []
    for name in ("provisioningId", "externalId"):
        if not _is_text(body.get(name)):
            problems.append(_missing(name))
    problems += check_packages(body.get("packages"), CUSTOMER_PACKAGES, "packages")
    problems += check_wholesale_address(body.get("address"), "address")
    if body.get("orgId") is None or "customerInfo" in body:
        # A new organisation is described by customerInfo; an existing one by orgId.
        problems += check_customer_info(body.get("customerInfo"), name_required=True)
    problems += _check_provisioning_parameters(body)
    return problems


def _check_provisioning_parameters(body: dict[str, Any]) -> list[Problem]:
    params = body.get("provisioningParameters")
    if params is not None and not isinstance(params, dict):
        return [_invalid("provisioningParameters", "must be an object")]
    calling = (params or {}).get("calling")
    if _needs_calling(body.get("packages")) or calling is not None:
        if not isinstance(calling, dict):
            return [_missing("provisioningParameters.calling.location")]
        return check_calling_location(calling.get("location"))
    return []


def check_customer_update(body: Any) -> list[Problem]:
    if not isinstance(body, dict):
        return [Problem("The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE)]
    problems = check_packages(body.get("packages"), CUSTOMER_PACKAGES, "packages")
    if "address" in body:
        problems += check_wholesale_address(body.get("address"), "address")
    for refused in ("customerInfo", "orgId"):
        if refused in body:
            problems.append(_invalid(refused, "cannot be changed with an update"))
    params = body.get("provisioningParameters")
    if isinstance(params, dict) and isinstance(params.get("calling"), dict):
        problems += check_calling_location(params["calling"].get("location"))
    return problems


def check_customer_validate(body: Any) -> list[Problem]:
    if not isinstance(body, dict):
        return [Problem("The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE)]
    problems = check_wholesale_address(body.get("address"), "address")
    if "customerInfo" in body:
        problems += check_customer_info(body["customerInfo"], name_required=False)
    if "packages" in body:
        problems += check_packages(body["packages"], CUSTOMER_PACKAGES, "packages")
        problems += _check_provisioning_parameters(body)
    return problems


def subscriber_packages(body: dict[str, Any]) -> tuple[list[str], list[Problem]]:
    """The one package a subscriber gets, from ``package`` or ``packages`` (never both)."""
    has_single, has_list = "package" in body, "packages" in body
    if has_single and has_list:
        return [], [_invalid("packages", "send either package or packages, not both")]
    if not has_single and not has_list:
        return [], [_missing("packages")]
    chosen = [body["package"]] if has_single else body["packages"]
    if not isinstance(chosen, list) or len(chosen) != 1:
        return [], [
            Problem(
                "A subscriber takes exactly one package.",
                codes.ONE_PACKAGE_ONLY,
                "packages",
            )
        ]
    # One package per subscriber: a dependency (attendant_console on a calling package)
    # is met by the customer's packages, which hold this one and were checked with theirs.
    problems = check_packages(chosen, SUBSCRIBER_PACKAGES, "packages", dependencies=False)
    return ([] if problems else [str(chosen[0])]), problems


def check_number_and_extension(params: dict[str, Any], package: str | None) -> list[Problem]:
    problems: list[Problem] = []
    number, ext = params.get("primaryPhoneNumber"), params.get("extension")
    if number is not None and not (isinstance(number, str) and E164.fullmatch(number)):
        problems.append(_invalid("provisioningParameters.primaryPhoneNumber", "expected E.164"))
    if ext is not None and not (isinstance(ext, str) and EXTENSION.fullmatch(ext)):
        problems.append(_invalid("provisioningParameters.extension", "expected 2-10 digits"))
    if package is not None and package not in NON_CALLING and not number and not ext:
        problems.append(
            Problem(
                "A primary phone number, an extension or both must be supplied"
                " for a calling package.",
                codes.NUMBER_OR_EXTENSION_REQUIRED,
                "provisioningParameters",
            )
        )
    return problems


def check_subscriber_provision(body: Any) -> tuple[list[str], list[Problem]]:
    if not isinstance(body, dict):
        return [], [
            Problem("The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE)
        ]
    problems: list[Problem] = []
    if not _is_text(body.get("customerId")):
        problems.append(_missing("customerId"))
    email = body.get("email")
    if not _is_text(email):
        problems.append(_missing("email"))
    elif not EMAIL.fullmatch(email):
        problems.append(_invalid("email", "not an email address"))
    packages, package_problems = subscriber_packages(body)
    problems += package_problems
    params = body.get("provisioningParameters")
    if not isinstance(params, dict):
        problems.append(_missing("provisioningParameters"))
    else:
        problems += check_number_and_extension(params, packages[0] if packages else None)
    return packages, problems


def check_calling_address(address: Any) -> list[Problem]:
    """The Calling API form: address1, city, state, postalCode, country."""
    if not isinstance(address, dict):
        return [_missing("address")]
    problems = [
        _missing(f"address.{name}")
        for name in ("address1", "city", "state", "postalCode", "country")
        if not _is_text(address.get(name))
    ]
    country = address.get("country")
    if _is_text(country) and country not in iso_countries():
        problems.append(_invalid("address.country", "must be an ISO 3166 alpha-2 code"))
    return problems


def check_location(body: Any, *, with_id: bool) -> list[Problem]:
    if not isinstance(body, dict):
        return [Problem("The request body must be a JSON object.", codes.INVALID_PARAMETER_VALUE)]
    names = ["name", "timeZone", "preferredLanguage", "announcementLanguage"]
    if with_id:
        names.insert(0, "id")
    problems = [_missing(n) for n in names if not _is_text(body.get(n))]
    if isinstance(body.get("name"), str) and len(body["name"]) > 80:
        problems.append(
            Problem("'name' exceeds 80 characters.", codes.INVALID_PARAMETER_SIZE, "name")
        )
    tz = body.get("timeZone")
    if _is_text(tz) and tz not in time_zones():
        problems.append(_invalid("timeZone", "unknown time zone"))
    problems += check_calling_address(body.get("address"))
    return problems
