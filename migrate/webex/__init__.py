"""Webex REST client (httpx, async): Wholesale provisioning, billing and the Calling calls
a migration needs. It talks to whatever base URL and transport it is given and never
knows whether that is Webex or the sandbox.

    async with Webex(token=...) as webex:            # https://webexapis.com/v1
        customer_id = await webex.wholesale.provision_customer(body)
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from migrate.webex.auto_attendants import AutoAttendantsApi
from migrate.webex.call_groups import CallGroupsApi
from migrate.webex.calling import CallingApi
from migrate.webex.client import DEFAULT_API_URL, TOKEN_ENV, WebexClient
from migrate.webex.devices import DevicesApi
from migrate.webex.errors import (
    ErrorItem,
    MissingTokenError,
    WebexAuthError,
    WebexConflict,
    WebexError,
    WebexNotFound,
    WebexRateLimited,
    WebexServerError,
    WebexTimeout,
)
from migrate.webex.hunt_groups import CallQueuesApi, HuntGroupsApi
from migrate.webex.people import PeopleApi, Person
from migrate.webex.person_settings import PersonSettingsApi
from migrate.webex.retry import RetryPolicy
from migrate.webex.schedules import SchedulesApi
from migrate.webex.wholesale import WholesaleApi

__all__ = [
    "DEFAULT_API_URL",
    "TOKEN_ENV",
    "AutoAttendantsApi",
    "CallGroupsApi",
    "CallQueuesApi",
    "CallingApi",
    "DevicesApi",
    "ErrorItem",
    "HuntGroupsApi",
    "MissingTokenError",
    "PeopleApi",
    "Person",
    "PersonSettingsApi",
    "RetryPolicy",
    "SchedulesApi",
    "Webex",
    "WebexAuthError",
    "WebexClient",
    "WebexConflict",
    "WebexError",
    "WebexNotFound",
    "WebexRateLimited",
    "WebexServerError",
    "WebexTimeout",
    "WholesaleApi",
]


class Webex:
    """The client plus its endpoint groups; keyword arguments go to :class:`WebexClient`."""

    def __init__(self, base_url: str = DEFAULT_API_URL, **kwargs: Any) -> None:
        self.client = WebexClient(base_url, **kwargs)
        self.wholesale = WholesaleApi(self.client)
        self.calling = CallingApi(self.client)
        self.devices = DevicesApi(self.client)  # workspaces and devices
        self.people = PeopleApi(self.client)
        self.person_settings = PersonSettingsApi(self.client)  # forwarding, voicemail, ...
        self.call_groups = CallGroupsApi(self.client)  # call park, call pickup, paging
        self.schedules = SchedulesApi(self.client)  # location business hours and holidays
        self.auto_attendants = AutoAttendantsApi(self.client)
        self.hunt_groups = HuntGroupsApi(self.client)
        self.call_queues = CallQueuesApi(self.client)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> Webex:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
