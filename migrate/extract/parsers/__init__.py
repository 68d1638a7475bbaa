"""One parser per entity, dispatched on the command type without its version suffix."""

from __future__ import annotations

from migrate.extract.parsers import (
    auto_attendant,
    call_center,
    call_groups,
    device,
    hunt_group,
    number,
    organisation,
    schedule,
    service,
    service_instance,
    system,
    user,
    user_settings,
)
from migrate.extract.parsers.base import Context, MissingKey, Parser, Sink, join_key

# Every version of a chain shares a parser: fields are read by name, and the
# keys older versions do not echo come from the paired request.
PARSERS: dict[str, Parser] = {
    "ServiceProviderGetListResponse": organisation.service_provider_list,
    "ServiceProviderGetResponse": organisation.service_provider,
    "GroupGetListInServiceProviderResponse": organisation.group_list,
    "GroupGetListInServiceProviderPagedSortedListResponse": organisation.group_list,
    "GroupGetResponse": organisation.group,
    "UserGetListInGroupResponse": user.user_list,
    "UserGetListInGroupPagedSortedListResponse": user.user_list,
    "UserGetListInServiceProviderResponse": user.user_list,
    "UserGetListInServiceProviderPagedSortedListResponse": user.user_list,
    "UserGetListInSystemResponse": user.user_list,
    "UserGetResponse": user.user,
    "UserServiceGetAssignmentListResponse": user.user_services,
    "UserAssignedServicesGetListResponse": user.user_assigned_services,
    "GroupDnGetAssignmentListResponse": number.dn_assignments,
    "GroupDnGetAssignmentPagedSortedListResponse": number.dn_assignments,
    "ServiceProviderServicePackGetDetailListResponse": service.service_pack_details,
    "GroupAccessDeviceGetListResponse": device.device_list,
    "GroupAccessDeviceGetPagedSortedListResponse": device.device_list,
    "SystemAccessDeviceGetAllResponse": device.device_list,
    "GroupAccessDeviceGetResponse": device.device,
    "GroupAccessDeviceGetUserListResponse": device.device_users,
    "UserGetRegistrationListResponse": device.registrations,
    "UserSharedCallAppearanceGetResponse": device.shared_call_appearances,
    "GroupHuntGroupGetInstanceResponse": hunt_group.hunt_group,
    "GroupCallCenterGetInstanceResponse": call_center.call_center,
    "GroupCallCenterGetAgentListResponse": call_center.agent_list,
    "GroupCallCenterOverflowGetResponse": call_center.overflow,
    "GroupCallCenterBouncedCallGetResponse": call_center.bounced_call,
    "UserCallCenterGetResponse": call_center.user_call_centers,
    "GroupAutoAttendantGetInstanceResponse": auto_attendant.auto_attendant,
    "GroupHuntGroupGetInstanceListResponse": service_instance.hunt_group_list,
    "GroupCallCenterGetInstanceListResponse": service_instance.call_center_list,
    "GroupAutoAttendantGetInstanceListResponse": service_instance.auto_attendant_list,
    "GroupScheduleGetListResponse": schedule.group_schedule_list,
    "ServiceProviderScheduleGetListResponse": schedule.provider_schedule_list,
    "GroupScheduleGetEventDetailListResponse": schedule.group_schedule_events,
    "GroupScheduleGetEventResponse": schedule.group_schedule_events,
    "ServiceProviderScheduleGetEventDetailListResponse": schedule.provider_schedule_events,
    "ServiceProviderScheduleGetEventResponse": schedule.provider_schedule_events,
    "SystemLanguageGetListResponse": system.languages,
    "SystemTimeZoneGetListResponse": system.time_zones,
    **user_settings.PARSERS,
    **call_groups.PARSERS,
}

__all__ = ["PARSERS", "Context", "MissingKey", "Parser", "Sink", "join_key"]
