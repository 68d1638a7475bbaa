"""Sandbox: location schedules and auto attendants with Webex's validation, through our
client (``webex.schedules``, ``webex.auto_attendants``)."""

from __future__ import annotations

from typing import Any

import pytest

from migrate.sandbox import Sandbox
from migrate.webex import Webex, WebexError
from tests.webex_helpers import in_process, provisioned_customer, run, subscriber_body

EVENT = {
    "name": "Weekdays",
    "startDate": "2025-01-06",
    "endDate": "2025-01-06",
    "allDayEnabled": False,
    "startTime": "08:00",
    "endTime": "17:00",
    "recurrence": {"recurForEver": True, "recurWeekly": {"monday": True, "friday": True}},
}
HOLIDAY = {
    "name": "New Year",
    "startDate": "2025-01-01",
    "endDate": "2025-01-01",
    "allDayEnabled": True,
    "recurrence": {
        "recurForEver": True,
        "recurYearlyByDate": {"dayOfMonth": 1, "month": "JANUARY"},
    },
}


def menu(*keys: dict[str, Any]) -> dict[str, Any]:
    return {"greeting": "DEFAULT", "extensionEnabled": True, "keyConfigurations": list(keys)}


def attendant(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Main",
        "extension": "4200",
        "businessSchedule": "Hours",
        "extensionDialing": "GROUP",
        "nameDialing": "ENTERPRISE",
        "businessHoursMenu": menu(
            {"key": "0", "action": "TRANSFER_TO_OPERATOR", "value": "4204"},
            {"key": "*", "action": "REPEAT_MENU"},
            {"key": "#", "action": "TRANSFER_WITHOUT_PROMPT", "value": "+12125550120"},
        ),
        "afterHoursMenu": menu({"key": "1", "action": "EXIT"}),
    }
    body.update(changes)
    return body


async def _setup(webex: Webex) -> tuple[str, str]:
    _cid, org, loc = await provisioned_customer(webex, "acme")
    await webex.schedules.create(
        org, loc, {"name": "Hours", "type": "businessHours", "events": [EVENT]}
    )
    return org, loc


def _refused(sandbox: Sandbox, work: Any) -> WebexError:
    async def go() -> WebexError:
        async with in_process(sandbox) as webex:
            org, loc = await _setup(webex)
            try:
                await work(webex, org, loc)
            except WebexError as err:
                return err
        raise AssertionError("Webex took it")

    result: WebexError = run(go())
    return result


def test_schedules_round_trip_and_names_are_unique_per_type() -> None:
    sandbox = Sandbox()

    async def go() -> Any:
        async with in_process(sandbox) as webex:
            org, loc = await _setup(webex)
            # The same name as a holidays schedule is another schedule.
            holidays = await webex.schedules.create(
                org, loc, {"name": "Hours", "type": "holidays", "events": [HOLIDAY]}
            )
            found = await webex.schedules.find(org, loc, "holidays", "Hours")
            read = await webex.schedules.get(org, loc, "holidays", holidays)
            prefix = await webex.schedules.find(org, loc, "holidays", "Hour")
            try:
                await webex.schedules.create(org, loc, {"name": "Hours", "type": "holidays"})
            except WebexError as err:
                return found, holidays, read, prefix, err.status

    found, holidays, read, prefix, status = run(go())
    assert found is not None and found["id"] == holidays
    assert prefix is None, "find matches the exact name only"
    assert read["name"] == "Hours" and read["type"] == "holidays"
    (event,) = read["events"]
    assert {k: v for k, v in event.items() if k != "id"} == HOLIDAY
    assert status == 409


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({**EVENT, "startTime": "25:00"}, "startTime"),
        ({**EVENT, "recurrence": {"recurDaily": {"recurInterval": 1}}}, "recurDaily"),
        ({**EVENT, "endDate": "2025-01-05"}, "endDate"),
        (
            {
                **HOLIDAY,
                "recurrence": {
                    "recurYearlyByDay": {"day": "MONDAY", "week": "LAST", "month": "MAY"}
                },
            },
            "week",
        ),
        ({k: v for k, v in EVENT.items() if k != "name"}, "name"),
    ],
)
def test_bad_events_are_refused(event: dict[str, Any], field: str) -> None:
    async def work(webex: Webex, org: str, loc: str) -> None:
        await webex.schedules.create(
            org, loc, {"name": "X", "type": "businessHours", "events": [event]}
        )

    err = _refused(Sandbox(), work)
    assert err.status == 400 and field in str(err)


def test_an_auto_attendant_round_trips_with_its_menus() -> None:
    sandbox = Sandbox()

    async def go() -> Any:
        async with in_process(sandbox) as webex:
            org, loc = await _setup(webex)
            await webex.calling.add_numbers(org, loc, ["+14085550100"])
            body = attendant(phoneNumber="+14085550100")
            created = await webex.auto_attendants.create(org, loc, body)
            return (
                body,
                created,
                await webex.auto_attendants.find(org, loc, "Main"),
                await webex.auto_attendants.get(org, loc, created),
                sandbox.state.numbers["+14085550100"].owner_id,
            )

    body, created, found, read, owner = run(go())
    assert found is not None and found["id"] == created and found["extension"] == "4200"
    for name, value in body.items():
        assert read[name] == value, name
    assert owner == created, "the number is the attendant's until it is deleted"


@pytest.mark.parametrize(
    ("changes", "status", "says"),
    [
        ({"businessHoursMenu": menu({"key": "A", "action": "EXIT"})}, 400, "key"),
        (
            {
                "businessHoursMenu": menu(
                    {"key": "1", "action": "EXIT"}, {"key": "1", "action": "EXIT"}
                )
            },
            400,
            "twice",
        ),
        ({"afterHoursMenu": menu({"key": "1", "action": "TRANSFER_TO_SUBMENU"})}, 400, "action"),
        ({"afterHoursMenu": menu({"key": "1", "action": "TRANSFER_WITH_PROMPT"})}, 400, "value"),
        ({"businessSchedule": "Nope"}, 400, "businessSchedule"),
        ({"holidaySchedule": "Hours"}, 400, "holidaySchedule"),
        ({"afterHoursMenu": None}, 400, "afterHoursMenu"),
        ({"extension": None}, 400, "phoneNumber or extension"),
        ({"phoneNumber": "+14085550199"}, 400, "has not been added"),
    ],
)
def test_webex_validation_of_an_auto_attendant(
    changes: dict[str, Any], status: int, says: str
) -> None:
    async def work(webex: Webex, org: str, loc: str) -> None:
        body = {k: v for k, v in attendant(**changes).items() if v is not None}
        await webex.auto_attendants.create(org, loc, body)

    err = _refused(Sandbox(), work)
    assert err.status == status and says in str(err)


def test_names_and_extensions_are_unique_in_the_location() -> None:
    sandbox = Sandbox()

    async def work(webex: Webex, org: str, loc: str) -> list[int | None]:
        await webex.auto_attendants.create(org, loc, attendant())
        statuses = []
        for body in (attendant(extension="4300"), attendant(name="Other")):
            try:
                await webex.auto_attendants.create(org, loc, body)
            except WebexError as err:
                statuses.append(err.status)
        return statuses

    async def go() -> Any:
        async with in_process(sandbox) as webex:
            org, loc = await _setup(webex)
            return await work(webex, org, loc)

    assert run(go()) == [409, 409]


def test_an_extension_a_person_of_the_location_has_is_refused() -> None:
    sandbox = Sandbox()

    async def go() -> int | None:
        async with in_process(sandbox) as webex:
            cid, org, loc = await provisioned_customer(webex, "acme")
            body = subscriber_body(cid, "jo@acme.example", extension="4200", location_id=loc)
            await webex.wholesale.provision_subscriber(body)  # type: ignore[arg-type]
            await webex.schedules.create(org, loc, {"name": "Hours", "type": "businessHours"})
            try:
                await webex.auto_attendants.create(org, loc, attendant())
            except WebexError as err:
                return err.status
            return None

    assert run(go()) == 409


def test_a_schedule_in_use_cannot_be_deleted_until_its_attendant_is() -> None:
    sandbox = Sandbox()

    async def go() -> Any:
        async with in_process(sandbox) as webex:
            org, loc = await _setup(webex)
            hours = await webex.schedules.find(org, loc, "businessHours", "Hours")
            assert hours is not None
            aa = await webex.auto_attendants.create(org, loc, attendant())
            try:
                await webex.schedules.delete(org, loc, "businessHours", hours["id"])
            except WebexError as err:
                refused = err.status
            await webex.auto_attendants.delete(org, loc, aa)
            await webex.schedules.delete(org, loc, "businessHours", hours["id"])
            return refused, sandbox.state.schedules, sandbox.state.auto_attendants

    refused, schedules, attendants = run(go())
    assert refused == 409
    assert schedules == {} and attendants == {}
