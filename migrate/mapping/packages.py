"""The Wholesale package catalogue, as the API spec lists it (2026-04).

A subscriber holds one of ``WholesalePackagesSubscriber``; a place becomes a
workspace with ``common_area_calling``. A customer's package list
(``WholesalePackagesCustomer``) must hold every package its seats use and,
for the packages that depend on others, one of those too.
"""

from __future__ import annotations

from collections.abc import Iterable

WORKSPACE_PACKAGE = "common_area_calling"
MEETINGS_PACKAGE = "webex_meetings"
SUBSCRIBER_PACKAGES: tuple[str, ...] = (
    "webex_calling",
    "webex_meetings",
    "webex_suite",
    "webex_voice",
    "cx_essentials",  # Customer Assist: Webex Calling's call-queue agent seat
    "webex_calling_standard",
    "attendant_console",
    "cx_premium_agent",  # Webex Contact Center agents
    "cx_standard_agent",
)
# What a package rule or a reviewer may give a BroadWorks user or place.
PACKAGES: tuple[str, ...] = (WORKSPACE_PACKAGE, *SUBSCRIBER_PACKAGES)
CUSTOMER_PACKAGES: tuple[str, ...] = (
    *PACKAGES,
    "cisco_calling_plan",
    "cx_voice_ports",
    "cx_ai_assistant",
    "webex_ai_agent",
)
# Every package but Meetings brings a Webex Calling line: a number or an extension.
CALLING_PACKAGES: frozenset[str] = frozenset(PACKAGES) - {MEETINGS_PACKAGE}
# "Depends on" read as "at least one of" (research, wholesale-api §2.2); the first
# is the one added to a customer that holds none of them.
PACKAGE_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "attendant_console": ("webex_calling", "webex_suite", "cx_essentials"),
    "cisco_calling_plan": (
        "webex_calling",
        "common_area_calling",
        "webex_suite",
        "webex_voice",
        "cx_essentials",
        "webex_calling_standard",
    ),
}


def missing_dependencies(packages: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each package of ``packages`` whose dependencies none of ``packages`` meets."""
    held = set(packages)
    return {
        package: needs
        for package, needs in PACKAGE_DEPENDENCIES.items()
        if package in held and not held.intersection(needs)
    }


def customer_packages(used: Iterable[str]) -> list[str]:
    """A customer's package list: every package its seats use, and what those depend on."""
    held = set(used)
    for needs in missing_dependencies(held).values():
        held.add(needs[0])
    return sorted(held)
