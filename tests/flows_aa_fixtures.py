"""OCI-P auto attendant and schedule responses, per command version, after the R14–R24
schemas (element names and nesting as in OCISchemaServiceAutoAttendant.xsd and
OCISchemaGroup.xsd / OCISchemaServiceProvider.xsd), and an acme export that has them.

The acme export gains: Montreal's group schedule "Business Hours" and the enterprise
holiday schedule "Statutory Holidays"; Montreal's attendant (R24) uses both and has a
holiday menu and a submenu key; a Munich attendant (R20, extension only) uses the same
enterprise schedule, so it must land in both locations.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ocip import command, el, table, write_pair

SP = "acme-ent"
MTL, MUC = "acme-mtl", "acme-muc"
VERSIONS = ("14", "16", "17", "17sp1", "19", "19sp1", "20", "24")


def profile(name: str, number: str | None, extension: str | None) -> str:
    body = el("name", name) + el("callingLineIdLastName", name)
    body += el("callingLineIdFirstName", "Auto Attendant")
    body += el("phoneNumber", number) if number else ""
    body += el("extension", extension) if extension else ""
    body += el("countryCode", "1") + el("language", "English") + el("timeZone", "America/Montreal")
    return f"<serviceInstanceProfile>{body}</serviceInstanceProfile>"


def schedule_ref(tag: str, level: str, name: str) -> str:
    return f"<{tag}>{el('type', level)}{el('name', name)}</{tag}>"


def key(
    digit: str,
    action: str,
    number: str | None = None,
    description: str | None = None,
    submenu: str | None = None,
) -> str:
    entry = (el("description", description) if description else "") + el("action", action)
    entry += el("phoneNumber", number) if number else ""
    entry += el("submenuId", submenu) if submenu else ""
    return f"<keyConfiguration>{el('key', digit)}<entry>{entry}</entry></keyConfiguration>"


def menu(name: str, *keys: str, extension_dialing: bool = True) -> str:
    body = el("announcementSelection", "Default") + el(
        "enableFirstMenuLevelExtensionDialing", str(extension_dialing).lower()
    )
    return f"<{name}>{body}{''.join(keys)}</{name}>"


BUSINESS_KEYS = (
    key("0", "Transfer To Operator", "4204", "Operator"),
    key("1", "Transfer Without Prompt", "+12125550120", "Sales"),
    key("2", "Transfer With Prompt", "5145550202", "Support"),
    key("*", "Repeat Menu"),
    key("#", "Exit"),
    key("9", "Name Dialing"),
)
AFTER_KEYS = (
    key("0", "Transfer To Mailbox", "4204", "Leave a message"),
    key("1", "Extension Dialing"),
)


def auto_attendant(
    version: str,
    name: str = "Main Menu",
    number: str | None = "5145550200",
    extension: str | None = "4200",
) -> tuple[str, str]:
    """(request, response) of ``GroupAutoAttendantGetInstance…{version}`` for one attendant."""
    older = version in ("14", "16", "17")
    body = profile(name, number, extension)
    if version not in ("14", "16", "17", "17sp1"):
        body += el("type", "Standard")
    if version in ("20", "24"):
        body += el("firstDigitTimeoutSeconds", "7")
    if version == "24":
        body += el("transferToOperatorAnnouncementSelection", "Default")
    body += el("enableVideo", "false")
    if older:
        body += el("businessHours", "Business Hours") + el(
            "holidayScheduleName", "Statutory Holidays"
        )
    else:
        body += schedule_ref("businessHours", "Group", "Business Hours")
        body += schedule_ref("holidaySchedule", "Service Provider", "Statutory Holidays")
    body += el("extensionDialingScope", "Group") + el("nameDialingScope", "Enterprise")
    body += el("nameDialingEntries", "LastName + FirstName")
    body += menu("businessHoursMenu", *BUSINESS_KEYS)
    body += menu("afterHoursMenu", *AFTER_KEYS, extension_dialing=False)
    if version not in ("14", "16", "17", "17sp1"):
        body += menu("holidayMenu", key("0", "Play Announcement"), key("5", "Exit"))
    if version in ("19sp1", "20", "24"):
        body += el("networkClassOfService", "Default")
    request = command(
        f"GroupAutoAttendantGetInstanceRequest{version}", el("serviceUserId", "aa@acme-corp.com")
    )
    response = command(f"GroupAutoAttendantGetInstanceResponse{version}", body)
    return request, response


def event(
    name: str,
    start: str,
    *,
    times: tuple[int, int] | None = None,
    end: str | None = None,
    recurrence: str = "",
    tag: str = "eventName",
) -> str:
    body = el(tag, name) + el("startDate", start)
    if times is None:
        body += el("allDayEvent", "true")
    else:
        body += el("allDayEvent", "false")
        body += el("startTime", None, hour=times[0], minute=0)
        body += el("endTime", None, hour=times[1], minute=0)
    body += el("endDate", end or start)
    if recurrence:
        body += f"<recurrence>{recurrence}</recurrence>"
    return body


def weekly(*days: str, interval: int = 1, until: str | None = None) -> str:
    inner = el("recurInterval", interval) + "".join(el(d, "true") for d in days)
    end = el("recurEndDate", until) if until else el("recurForEver", "true")
    return f"<recurWeekly>{inner}</recurWeekly>{end}"


def yearly_by_day(day: int, month: str) -> str:
    inner = el("recurInterval", 1) + el("dayOfMonth", day) + el("month", month)
    return f"<recurYearlyByDay>{inner}</recurYearlyByDay>" + el("recurForEver", "true")


def yearly_by_week(day: str, week: str, month: str) -> str:
    inner = (
        el("recurInterval", 1)
        + el("dayOfWeek", day)
        + el("dayOfWeekInMonth", week)
        + el("month", month)
    )
    return f"<recurYearlyByWeek>{inner}</recurYearlyByWeek>" + el("recurEndOccurrence", "10")


def monthly_by_day(day: int) -> str:
    inner = el("recurInterval", 1) + el("dayOfMonth", day)
    return f"<recurMonthlyByDay>{inner}</recurMonthlyByDay>" + el("recurForEver", "true")


def schedule_key(name: str, kind: str) -> str:
    return el("scheduleKey", None, scheduleName=name, scheduleType=kind)


BUSINESS_EVENTS = (
    event(
        "Weekdays",
        "2025-01-06",
        times=(8, 17),
        recurrence=weekly("monday", "tuesday", "wednesday", "thursday", "friday"),
    ),
    event(
        "Saturday", "2025-01-11", times=(10, 14), recurrence=weekly("saturday", until="2026-12-26")
    ),
)
HOLIDAY_EVENTS = (
    event("New Year", "2025-01-01", recurrence=yearly_by_day(1, "January")),
    event("Labour Day", "2025-09-01", recurrence=yearly_by_week("Monday", "First", "September")),
    event("Christmas", "2025-12-25", end="2025-12-26", recurrence=yearly_by_day(25, "December")),
)


def group_schedule_list_17sp1(group: str, *entries: tuple[str, str, str]) -> tuple[str, str]:
    rows = "".join(
        f"<scheduleGlobalKey>{schedule_key(n, k)}{el('scheduleLevel', lvl)}</scheduleGlobalKey>"
        for n, k, lvl in entries
    )
    request = command(
        "GroupScheduleGetListRequest17sp1", el("serviceProviderId", SP) + el("groupId", group)
    )
    return request, command("GroupScheduleGetListResponse17sp1", rows)


def group_schedule_list_old(group: str, *entries: tuple[str, str, str]) -> tuple[str, str]:
    rows = "".join(
        el("scheduleName", n) + el("scheduleType", k) + el("scheduleLevel", lvl)
        for n, k, lvl in entries
    )
    request = command(
        "GroupScheduleGetListRequest", el("serviceProviderId", SP) + el("groupId", group)
    )
    return request, command("GroupScheduleGetListResponse", rows)


def group_events(
    group: str, name: str, kind: str, *events: str, tag: str = "eventName"
) -> tuple[str, str]:
    request = command(
        "GroupScheduleGetEventDetailListRequest",
        el("serviceProviderId", SP) + el("groupId", group) + schedule_key(name, kind),
    )
    body = "".join(
        f"<scheduleEventsList>{e.replace('eventName', tag)}</scheduleEventsList>" for e in events
    )
    return request, command("GroupScheduleGetEventDetailListResponse", body)


def group_event(
    group: str, name: str, kind: str, event_name: str, event_body: str
) -> tuple[str, str]:
    request = command(
        "GroupScheduleGetEventRequest",
        el("serviceProviderId", SP)
        + el("groupId", group)
        + schedule_key(name, kind)
        + el("eventName", event_name),
    )
    body = event_body.replace(el("eventName", event_name), "")
    return request, command("GroupScheduleGetEventResponse", body)


def provider_list(*entries: tuple[str, str]) -> tuple[str, str]:
    request = command("ServiceProviderScheduleGetListRequest", el("serviceProviderId", SP))
    return request, command(
        "ServiceProviderScheduleGetListResponse", "".join(schedule_key(n, k) for n, k in entries)
    )


def provider_events(name: str, kind: str, *events: str) -> tuple[str, str]:
    request = command(
        "ServiceProviderScheduleGetEventDetailListRequest",
        el("serviceProviderId", SP) + schedule_key(name, kind),
    )
    body = "".join(f"<scheduleEventsList>{e}</scheduleEventsList>" for e in events)
    return request, command("ServiceProviderScheduleGetEventDetailListResponse", body)


def write(folder: Path, name: str, *pairs: tuple[str, str]) -> None:
    write_pair(folder, name, [p[0] for p in pairs], [p[1] for p in pairs])


def munich_attendant() -> tuple[str, str]:
    request = command(
        "GroupAutoAttendantGetInstanceRequest20", el("serviceUserId", "muc-aa@acme-corp.com")
    )
    body = (
        profile("Zentrale", None, "891500")
        + el("type", "Basic")
        + el("firstDigitTimeoutSeconds", "5")
    )
    body += el("enableVideo", "false")
    body += schedule_ref("holidaySchedule", "Service Provider", "Statutory Holidays")
    body += el("extensionDialingScope", "Department") + el("nameDialingScope", "Group")
    body += el("nameDialingEntries", "LastName + FirstName")
    body += menu("businessHoursMenu", key("1", "Transfer Without Prompt", "891501", "Jürgen"))
    body += menu("afterHoursMenu", key("#", "Exit"))
    return request, command("GroupAutoAttendantGetInstanceResponse20", body)


def munich_list() -> tuple[str, str]:
    request = command(
        "GroupAutoAttendantGetInstanceListRequest", el("serviceProviderId", SP) + el("groupId", MUC)
    )
    rows = table(
        "autoAttendantTable",
        [
            "Service User Id",
            "Name",
            "Video",
            "Phone Number",
            "Extension",
            "Department",
            "Is Active",
            "Type",
        ],
        [["muc-aa@acme-corp.com", "Zentrale", "false", None, "891500", None, "true", "Basic"]],
    )
    return request, command("GroupAutoAttendantGetInstanceListResponse", rows)


def acme_with_flows(target: Path, samples: Path) -> Path:
    """The acme sample plus schedules, a richer Montreal attendant and a Munich one."""
    shutil.copytree(samples / "acme-enterprise", target)
    response = target / "montreal" / "mtl-auto-attendant.xml.response.xml"
    text = response.read_text(encoding="iso-8859-1")
    holiday = schedule_ref("holidaySchedule", "Service Provider", "Statutory Holidays")
    text = text.replace("</businessHours>", "</businessHours>" + holiday, 1)
    extra = key("2", "Transfer With Prompt", "5145550202", "Support") + key(
        "3", "Transfer To Submenu", submenu="Languages"
    )
    text = text.replace("</businessHoursMenu>", extra + "</businessHoursMenu>", 1)
    holiday_menu = menu(
        "holidayMenu", key("0", "Play Announcement"), key("1", "Transfer To Mailbox", "4204")
    )
    text = text.replace("</afterHoursMenu>", "</afterHoursMenu>" + holiday_menu, 1)
    response.write_text(text, encoding="iso-8859-1")
    write(
        target / "montreal",
        "mtl-schedules",
        group_schedule_list_17sp1(
            MTL,
            ("Business Hours", "Time", "Group"),
            ("Statutory Holidays", "Holiday", "Service Provider"),
        ),
        group_events(MTL, "Business Hours", "Time", *BUSINESS_EVENTS),
    )
    write(
        target / "enterprise",
        "acme-schedules",
        provider_list(("Statutory Holidays", "Holiday")),
        provider_events("Statutory Holidays", "Holiday", *HOLIDAY_EVENTS),
    )
    write(target / "munich", "muc-auto-attendant", munich_list(), munich_attendant())
    return target
