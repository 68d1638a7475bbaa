"""Service providers (enterprises) and groups."""

from __future__ import annotations

from typing import Any

from migrate.extract.envelope import boolean, integer, table, text
from migrate.extract.numbers import to_e164
from migrate.extract.parsers.base import Context, Sink, address, compact, contact, join_key


def service_provider_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    for row in table(data, "Service Provider Id"):
        sp_id = text(row.get("Service Provider Id"))
        if sp_id is None:
            continue
        out.record(
            "service_providers",
            sp_id,
            "list",
            compact(
                {
                    "sp_id": sp_id,
                    "name": text(row.get("Service Provider Name")),
                    "is_enterprise": boolean(row.get("Is Enterprise")),
                    "reseller_id": text(row.get("Reseller Id")),
                }
            ),
        )


def service_provider(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    # 13mp2 and 17sp1 do not echo serviceProviderId: the request says it.
    sp_id = ctx.key(data, "serviceProviderId")
    out.record(
        "service_providers",
        sp_id,
        "detail",
        compact(
            {
                "sp_id": sp_id,
                "name": text(data.get("serviceProviderName")),
                "is_enterprise": boolean(data.get("isEnterprise")),
                "default_domain": text(data.get("defaultDomain")),
                "support_email": text(data.get("supportEmail")),
                "contact": contact(data.get("contact")),
                "address": address(data.get("address")),
                "external_id": text(data.get("serviceProviderExternalId")),
                "reseller_id": text(data.get("resellerId")),
                "use_sp_languages": boolean(data.get("useServiceProviderLanguages")),
                "response_type": ctx.ctype.name,
            }
        ),
    )


def group_list(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    sp_id = ctx.key(data, "serviceProviderId")
    for row in table(data, "Group Id"):
        group_id = text(row.get("Group Id"))
        if group_id is None:
            continue
        out.record(
            "groups",
            join_key(sp_id, group_id),
            "list",
            compact(
                {
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "name": text(row.get("Group Name")),
                    "user_limit": integer(row.get("User Limit")),
                }
            ),
        )


def group(data: dict[str, Any], ctx: Context, out: Sink) -> None:
    # Before 22V5 the response does not echo serviceProviderId and groupId.
    sp_id = ctx.key(data, "serviceProviderId")
    group_id = ctx.key(data, "groupId", "GroupId")
    clid_raw = text(data.get("callingLineIdPhoneNumber"))
    out.record(
        "groups",
        join_key(sp_id, group_id),
        "detail",
        compact(
            {
                "sp_id": sp_id,
                "group_id": group_id,
                "name": text(data.get("groupName")),
                "default_domain": text(data.get("defaultDomain")),
                "user_limit": integer(data.get("userLimit")),
                "user_count": integer(data.get("userCount")),
                "calling_line_id_name": text(data.get("callingLineIdName")),
                "calling_line_id_number_raw": clid_raw,
                "calling_line_id_number": to_e164(clid_raw),
                "time_zone": text(data.get("timeZone")),
                "time_zone_display_name": text(data.get("timeZoneDisplayName")),
                "location_dialing_code": text(data.get("locationDialingCode")),
                "contact": contact(data.get("contact")),
                "address": address(data.get("address")),
                "external_id": text(data.get("groupExternalId")),
                "response_type": ctx.ctype.name,
            }
        ),
    )
