"""Hunt groups, call centers and auto attendants (listed as not migrated by ``map``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from migrate.extract.envelope import as_list, table, text
from migrate.extract.numbers import to_e164
from migrate.extract.parsers.base import Context, Sink, compact


def _instance(kind: str) -> Callable[[dict[str, Any], Context, Sink], None]:
    def parse(data: dict[str, Any], ctx: Context, out: Sink) -> None:
        service_user_id = ctx.key(data, "serviceUserId")
        profile = data.get("serviceInstanceProfile")
        profile = profile if isinstance(profile, dict) else {}
        raw = text(profile.get("phoneNumber"))
        number = to_e164(raw, text(profile.get("countryCode")), text(profile.get("nationalPrefix")))
        agents = {text(row.get("User Id")) for row in table(data, "User Id")}
        for agent in as_list(data.get("agentUserId")):
            agents.add(text(agent))
        sp_id = ctx.optional_key(data, "serviceProviderId")
        group_id = ctx.optional_key(data, "groupId")
        out.record(
            "service_instances",
            service_user_id,
            "detail",
            compact(
                {
                    "service_user_id": service_user_id,
                    "kind": kind,
                    "sp_id": sp_id,
                    "group_id": group_id,
                    "name": text(profile.get("name")),
                    "phone_number_raw": raw,
                    "phone_number": number,
                    "extension": text(profile.get("extension")),
                    "policy": text(data.get("policy")),
                    "type": text(data.get("type")),
                    "agents": sorted(a for a in agents if a),
                    "language": text(profile.get("language")),
                    "time_zone": text(profile.get("timeZone")),
                    "response_type": ctx.ctype.name,
                }
            ),
        )
        if number is not None:
            out.record(
                "numbers",
                number,
                "instance",
                compact(
                    {
                        "phone_number": number,
                        "phone_number_raw": raw,
                        "sp_id": sp_id,
                        "group_id": group_id,
                        "user_id": service_user_id,
                        "user_type": kind.replace("_", " ").title(),
                    }
                ),
            )

    return parse


def _instance_list(kind: str) -> Callable[[dict[str, Any], Context, Sink], None]:
    def parse(data: dict[str, Any], ctx: Context, out: Sink) -> None:
        sp_id = ctx.key(data, "serviceProviderId")
        group_id = ctx.key(data, "groupId", "GroupId")
        for row in table(data, "Service User Id"):
            service_user_id = text(row.get("Service User Id"))
            if service_user_id is None:
                continue
            out.record(
                "service_instances",
                service_user_id,
                "list",
                compact(
                    {
                        "service_user_id": service_user_id,
                        "kind": kind,
                        "sp_id": sp_id,
                        "group_id": group_id,
                        "name": text(row.get("Name")),
                        "extension": text(row.get("Extension")),
                        "policy": text(row.get("Policy")),
                        "type": text(row.get("Type")),
                    }
                ),
            )

    return parse


hunt_group = _instance("hunt_group")
call_center = _instance("call_center")
auto_attendant = _instance("auto_attendant")
hunt_group_list = _instance_list("hunt_group")
call_center_list = _instance_list("call_center")
auto_attendant_list = _instance_list("auto_attendant")
