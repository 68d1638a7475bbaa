"""The walk: a customer's provider, groups, users, devices and services, over OCI-P.

Each request is asked once: what the export folder already holds is read
back from disk (a re-run resumes), the rest is asked with the newest
version the server answers and saved. Requests the server may decline
without harm (a service the group lacks, a list a provider administrator
may not read) are "optional": their ``ErrorResponse`` is remembered, not
saved, so it does not show up as a warning of the extract.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from migrate.extract.envelope import text
from migrate.extract.oci.answers import (
    column,
    leaves,
    names_type,
    rows,
    schedule_keys,
    type_of,
)
from migrate.extract.oci.chains import ANYWHERE_LOCATION, USER_SETTINGS, VERSIONS
from migrate.extract.oci.saved import SavedExport, safe_name
from migrate.extract.oci.session import Pool
from migrate.extract.oci.wire import Answer, command_xml

Fields = list[tuple[str, str | list[tuple[str, str]]]]
T = TypeVar("T")
# The group-level rows whose user id is a service instance, by instance request.
INSTANCE_REQUESTS = {
    "Hunt Group": "GroupHuntGroupGetInstanceRequest",
    "Call Center": "GroupCallCenterGetInstanceRequest",
    "Auto Attendant": "GroupAutoAttendantGetInstanceRequest",
}
INSTANCE_LISTS = {
    "GroupHuntGroupGetInstanceListRequest": "GroupHuntGroupGetInstanceRequest",
    "GroupCallCenterGetInstanceListRequest": "GroupCallCenterGetInstanceRequest",
    "GroupAutoAttendantGetInstanceListRequest": "GroupAutoAttendantGetInstanceRequest",
}
# Asked beside an instance request, for the same service user.
INSTANCE_PARTS = {
    "GroupCallCenterGetInstanceRequest": (
        "GroupCallCenterGetAgentListRequest",
        "GroupCallCenterOverflowGetRequest",
        "GroupCallCenterBouncedCallGetRequest",
    ),
}
FAN_OUT = 32  # users (or devices) of a group walked at once; the pool bounds requests


@dataclass(frozen=True)
class Scope:
    service_provider: str
    groups: tuple[str, ...] = ()  # empty: every group of the provider
    enterprise: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "service_provider": self.service_provider,
            "groups": list(self.groups),
            "enterprise": self.enterprise,
        }


@dataclass
class WalkStats:
    asked: int = 0  # requests sent (version probes included)
    saved: int = 0  # pairs written by this run
    reused: int = 0  # pairs already in the export folder
    declined: int = 0  # optional requests the server answered ErrorResponse
    errors: int = 0  # required requests answered ErrorResponse (saved: extract warns)
    groups: int = 0
    users: int = 0
    missing_groups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def each(items: Iterable[T], work: Callable[[T], Awaitable[None]], limit: int) -> None:
    """Run ``work`` on every item, at most ``limit`` at a time."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:
            await work(item)

    await asyncio.gather(*(worker() for _ in range(limit)))


class Walker:
    def __init__(
        self, pool: Pool, saved: SavedExport, advance: Callable[[int], None] | None = None
    ) -> None:
        self.pool = pool
        self.saved = saved
        self.stats = WalkStats()
        self._advance = advance
        self._locks: dict[str, asyncio.Lock] = {}
        # Versions the server understood but only answered errors to so far
        # (not found): used without negotiating, confirmed on a first success.
        self._understood: dict[str, str] = {}
        self.service_packs: dict[str, None] = {}

    async def get(
        self, base: str, fields: Fields, place: tuple[str, ...], name: str, optional: bool = False
    ) -> Answer | None:
        """The answer to ``base`` for ``fields``: from disk when saved, else asked and saved."""
        path = self.saved.path(place, name)
        answer = self.saved.load(path)
        if answer is not None:
            self.stats.reused += 1
            self._tick()
            return answer
        if self.saved.relative(path) in self.saved.unanswered:
            return None
        asked = await self._ask(base, fields, optional)
        if asked is None:
            return None  # the server knows no version of this optional request
        request, answer = asked
        if answer.is_error and optional:
            self.stats.declined += 1
            keys = {name: value for name, value in fields if isinstance(value, str)}
            self.saved.decline(path, type_of(request), keys, answer.summary)
            self._tick()
            return None
        if answer.is_error:
            self.stats.errors += 1
        self.saved.save(path, request, answer)
        self.stats.saved += 1
        self._tick()
        return answer

    def _unknown_to_server(self, base: str) -> bool:
        """The server said it knows no version of ``base``: an optional request is not sent."""
        return all(base + version in self.saved.unsupported for version in VERSIONS[base])

    def _tick(self) -> None:
        if self._advance is not None:
            self._advance(1)

    async def _send(self, type_name: str, fields: Fields) -> tuple[bytes, Answer]:
        self.stats.asked += 1
        return await self.pool.ask(command_xml(type_name, fields))

    async def _ask(self, base: str, fields: Fields, optional: bool) -> tuple[bytes, Answer] | None:
        known = self.saved.versions.get(base) or self._understood.get(base)
        if known is not None:
            return await self._confirming(base, known, fields)
        lock = self._locks.setdefault(base, asyncio.Lock())
        async with lock:
            known = self.saved.versions.get(base) or self._understood.get(base)
            if known is not None:
                return await self._confirming(base, known, fields)
            if optional and self._unknown_to_server(base):
                return None
            return await self._negotiate(base, fields)

    async def _confirming(self, base: str, type_name: str, fields: Fields) -> tuple[bytes, Answer]:
        request, answer = await self._send(type_name, fields)
        if not answer.is_error and self.saved.versions.get(base) != type_name:
            self.saved.confirm_version(base, type_name)
        return request, answer

    async def _negotiate(self, base: str, fields: Fields) -> tuple[bytes, Answer]:
        """Newest version first, down the chain, until one is understood.

        An error that names the request type is taken as the server saying it
        does not know that version (a schema error quotes the type it cannot
        resolve): remembered, never asked again. Any other error is this
        object's (not found): the version is kept for the next objects.
        """
        chain = [base + version for version in VERSIONS[base]]
        untried = [t for t in chain if t not in self.saved.unsupported] or chain[-1:]
        first: tuple[bytes, Answer] | None = None
        for type_name in untried:
            request, answer = await self._send(type_name, fields)
            if not answer.is_error:
                self.saved.confirm_version(base, type_name)
                return request, answer
            if not names_type(answer.summary, type_name):
                # Understood, and refused for this object: the version is right.
                self._understood[base] = type_name
                return request, answer
            self.saved.mark_unsupported(type_name)
            first = first or (request, answer)
        assert first is not None
        return first

    async def walk(self, scope: Scope) -> WalkStats:
        sp = scope.service_provider
        here = ("provider", sp)
        criteria: list[tuple[str, str]] = [
            ("mode", "Equal To"),
            ("value", sp),
            ("isCaseInsensitive", "false"),
        ]
        _, _, listed, *_ = await asyncio.gather(
            self.get(
                "ServiceProviderGetListRequest",
                [("searchCriteriaServiceProviderId", criteria)],
                here,
                "ServiceProviderGetList",
                optional=True,
            ),
            self.get(
                "ServiceProviderGetRequest", [("serviceProviderId", sp)], here, "ServiceProviderGet"
            ),
            self.get(
                "GroupGetListInServiceProviderRequest",
                [("serviceProviderId", sp)],
                here,
                "GroupGetListInServiceProvider",
            ),
            self.get(
                "SystemLanguageGetListRequest",
                [],
                ("system",),
                "SystemLanguageGetList",
                optional=True,
            ),
            self.get(
                "SystemTimeZoneGetListRequest",
                [],
                ("system",),
                "SystemTimeZoneGetList",
                optional=True,
            ),
        )
        provider_schedules = await self.get(
            "ServiceProviderScheduleGetListRequest",
            [("serviceProviderId", sp)],
            here,
            "ServiceProviderScheduleGetList",
            optional=True,
        )
        for name, kind, _level in schedule_keys(provider_schedules):
            await self._provider_schedule(sp, name, kind)
        groups = column(listed, "Group Id")
        if scope.groups:
            self.stats.missing_groups = [g for g in scope.groups if g not in groups]
            groups = [g for g in scope.groups if g in groups]
        for group in groups:
            await self._group(sp, group)
            self.stats.groups += 1
        pack_list = await self.get(
            "ServiceProviderServicePackGetListRequest",
            [("serviceProviderId", sp)],
            here,
            "ServiceProviderServicePackGetList",
            optional=True,
        )
        for name in leaves(pack_list, "servicePackName"):
            self.service_packs.setdefault(name)
        packs = [(sp, name) for name in self.service_packs]
        await each(packs, self._service_pack, FAN_OUT)
        return self.stats

    async def _service_pack(self, item: tuple[str, str]) -> None:
        sp, name = item
        await self.get(
            "ServiceProviderServicePackGetDetailListRequest",
            [("serviceProviderId", sp), ("servicePackName", name)],
            ("provider", sp, "service-packs", name),
            "ServiceProviderServicePackGetDetailList",
            optional=True,
        )

    async def _group(self, sp: str, group: str) -> None:
        here = ("provider", sp, "groups", group)
        keys: Fields = [("serviceProviderId", sp), ("groupId", group)]
        answers = await asyncio.gather(
            self.get("GroupGetRequest", keys, here, "GroupGet"),
            self.get(
                "UserGetListInGroupRequest",
                [("serviceProviderId", sp), ("GroupId", group)],
                here,
                "UserGetListInGroup",
            ),
            self.get("GroupDnGetAssignmentListRequest", keys, here, "GroupDnGetAssignmentList"),
            self.get("GroupAccessDeviceGetListRequest", keys, here, "GroupAccessDeviceGetList"),
            *(
                self.get(request, keys, here, request.removesuffix("Request"), optional=True)
                for request in INSTANCE_LISTS
            ),
        )
        _group, users, dns, devices, *lists = answers
        instances: dict[str, str] = {}
        for row in rows(dns, "User Type"):
            request = INSTANCE_REQUESTS.get(text(row.get("User Type")) or "")
            user_id = text(row.get("User Id"))
            if request and user_id:
                instances.setdefault(user_id, request)
        for request, listed in zip(INSTANCE_LISTS.values(), lists, strict=True):
            for service_user in column(listed, "Service User Id"):
                instances.setdefault(service_user, request)
        user_ids = column(users, "User Id")
        self.stats.users += len(user_ids)
        await self._group_schedules(sp, group)

        async def user(user_id: str) -> None:
            await self._user(sp, group, user_id)

        async def device(name: str) -> None:
            await self._device(sp, group, name)

        async def instance(item: tuple[str, str]) -> None:
            service_user, request = item
            keys: Fields = [("serviceUserId", service_user)]
            place = (*here, "services", service_user)
            await asyncio.gather(
                self.get(request, keys, place, request.removesuffix("Request")),
                *(
                    self.get(part, keys, place, part.removesuffix("Request"), optional=True)
                    for part in INSTANCE_PARTS.get(request, ())
                ),
            )

        await asyncio.gather(
            each(user_ids, user, FAN_OUT),
            each(column(devices, "Device Name"), device, FAN_OUT),
            each(sorted(instances.items()), instance, FAN_OUT),
            self._call_groups(sp, group),
        )

    async def _call_groups(self, sp: str, group: str) -> None:
        """Call park and pickup groups (asked by name), the group's park recall settings,
        and each paging group with its originators and targets."""
        here = ("provider", sp, "groups", group)
        keys: Fields = [("serviceProviderId", sp), ("groupId", group)]
        parks, pickups, pagings, _settings = await asyncio.gather(
            *(
                self.get(base, keys, here, base.removesuffix("Request"), optional=True)
                for base in (
                    "GroupCallParkGetInstanceListRequest",
                    "GroupCallPickupGetInstanceListRequest",
                    "GroupGroupPagingGetInstanceListRequest",
                    "GroupCallParkGetRequest",
                )
            )
        )
        named = [
            (base, folder, name)
            for base, folder, listed in (
                ("GroupCallParkGetInstanceRequest", "call-parks", parks),
                ("GroupCallPickupGetInstanceRequest", "call-pickups", pickups),
            )
            for name in leaves(listed, "name")
        ]

        async def one(item: tuple[str, str, str]) -> None:
            base, folder, name = item
            await self.get(
                base, [*keys, ("name", name)], (*here, folder, name), base.removesuffix("Request")
            )

        async def paging(service_user: str) -> None:
            place = (*here, "services", service_user)
            await asyncio.gather(
                *(
                    self.get(base, [("serviceUserId", service_user)], place, base[:-7])
                    for base in (
                        "GroupGroupPagingGetInstanceRequest",
                        "GroupGroupPagingGetOriginatorListRequest",
                        "GroupGroupPagingGetTargetListRequest",
                    )
                )
            )

        await asyncio.gather(
            each(named, one, FAN_OUT),
            each(column(pagings, "Service User Id"), paging, FAN_OUT),
        )

    async def _group_schedules(self, sp: str, group: str) -> None:
        """The group's time and holiday schedules with their events; the provider's
        schedules it lists are read once, at provider level."""
        here = ("provider", sp, "groups", group)
        listed = await self.get(
            "GroupScheduleGetListRequest",
            [("serviceProviderId", sp), ("groupId", group)],
            here,
            "GroupScheduleGetList",
            optional=True,
        )
        for name, kind, level in schedule_keys(listed):
            if level == "Service Provider":
                await self._provider_schedule(sp, name, kind)
            elif level == "Group":
                await self.get(
                    "GroupScheduleGetEventDetailListRequest",
                    [
                        ("serviceProviderId", sp),
                        ("groupId", group),
                        ("scheduleKey", [("scheduleName", name), ("scheduleType", kind)]),
                    ],
                    (*here, "schedules", kind),
                    f"GroupScheduleGetEventDetailList-{safe_name(name)}",
                    optional=True,
                )

    async def _provider_schedule(self, sp: str, name: str, kind: str) -> None:
        await self.get(
            "ServiceProviderScheduleGetEventDetailListRequest",
            [
                ("serviceProviderId", sp),
                ("scheduleKey", [("scheduleName", name), ("scheduleType", kind)]),
            ],
            ("provider", sp, "schedules", kind),
            f"ServiceProviderScheduleGetEventDetailList-{safe_name(name)}",
            optional=True,
        )

    async def _user(self, sp: str, group: str, user_id: str) -> None:
        here = ("provider", sp, "groups", group, "users", user_id)
        keys: Fields = [("userId", user_id)]
        _user, services, *_ = await asyncio.gather(
            self.get("UserGetRequest", keys, here, "UserGet"),
            self.get(
                "UserServiceGetAssignmentListRequest",
                keys,
                here,
                "UserServiceGetAssignmentList",
                optional=True,
            ),
            self.get(
                "UserAssignedServicesGetListRequest",
                keys,
                here,
                "UserAssignedServicesGetList",
                optional=True,
            ),
            self.get(
                "UserGetRegistrationListRequest",
                keys,
                here,
                "UserGetRegistrationList",
                optional=True,
            ),
            self.get(
                "UserSharedCallAppearanceGetRequest",
                keys,
                here,
                "UserSharedCallAppearanceGet",
                optional=True,
            ),
        )
        for name in column(services, "Service Pack Name"):
            self.service_packs.setdefault(name)
        await self._user_settings(here, user_id)

    async def _user_settings(self, here: tuple[str, ...], user_id: str) -> None:
        keys: Fields = [("userId", user_id)]
        answers = await asyncio.gather(
            *(
                self.get(base, keys, here, base.removesuffix("Request"), optional=True)
                for base in USER_SETTINGS
            )
        )
        anywhere = dict(zip(USER_SETTINGS, answers, strict=True))[
            "UserBroadWorksAnywhereGetRequest"
        ]
        await asyncio.gather(
            *(
                self.get(
                    ANYWHERE_LOCATION,
                    [*keys, ("phoneNumber", number)],
                    here,
                    f"UserBroadWorksAnywhereGetPhoneNumber-{number}",
                    optional=True,
                )
                for number in column(anywhere, "Phone Number")
            )
        )

    async def _device(self, sp: str, group: str, name: str) -> None:
        here = ("provider", sp, "groups", group, "devices", name)
        keys: Fields = [("serviceProviderId", sp), ("groupId", group), ("deviceName", name)]
        await asyncio.gather(
            self.get("GroupAccessDeviceGetRequest", keys, here, "GroupAccessDeviceGet"),
            self.get(
                "GroupAccessDeviceGetUserListRequest",
                keys,
                here,
                "GroupAccessDeviceGetUserList",
                optional=True,
            ),
        )
