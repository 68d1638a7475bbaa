"""Sandbox: the people and licences of a customer's org, as an admin of it reads them."""

from __future__ import annotations

from typing import Any

import httpx

from migrate.sandbox import IN_PROCESS_URL, Sandbox
from tests.webex_helpers import in_process, provisioned_customer, run, subscriber_body

AUTH = {"Authorization": "Bearer admin"}


def reader(sandbox: Sandbox) -> httpx.AsyncClient:
    """A bare client: these tests read status codes and bodies as they are."""
    return httpx.AsyncClient(transport=sandbox.transport(), base_url=IN_PROCESS_URL, headers=AUTH)


def test_people_are_the_provisioned_subscribers_with_calling_data_on_request() -> None:
    sandbox = Sandbox()
    sandbox.faults.pending_user_migration_emails.add("waiting@acme.example")

    async def go() -> dict[str, Any]:
        async with in_process(sandbox) as webex:
            cid, org, loc = await provisioned_customer(webex, "acme")
            await webex.calling.add_numbers(org, loc, ["+14085550100"])
            bodies = [
                subscriber_body(cid, "jo@acme.example", number="+14085550100", extension="1001"),
                subscriber_body(cid, "mo@acme.example", extension="1002"),
                subscriber_body(cid, "gone@acme.example", extension="1003"),
                subscriber_body(cid, "waiting@acme.example", extension="1004"),
                subscriber_body(cid, "meet@acme.example", package="webex_meetings", extension=None),
            ]
            subs = [await webex.wholesale.provision_subscriber(b) for b in bodies]  # type: ignore[arg-type]
            await webex.client.request("DELETE", f"wholesale/subscribers/{subs[2].id}")

            async def get(path: str, **params: str) -> Any:
                async with reader(sandbox) as client:
                    response = await client.get(f"{IN_PROCESS_URL}/{path}", params=params)
                return response.status_code, response.json(), response.headers.get("link")

            return {
                "plain": await get("people", orgId=org),
                "calling": await get("people", orgId=org, callingData="true"),
                "paged": await get("people", orgId=org, max="2"),
                "by_email": await get("people", orgId=org, email="MO@acme.example"),
                "one": await get(f"people/{subs[0].person_id}", callingData="true"),
                "deleted": await get(f"people/{subs[2].person_id}"),
                "licenses": await get("licenses", orgId=org),
                "org": org,
                "loc": loc,
            }

    got = run(go())
    status, plain, _ = got["plain"]
    assert status == 200
    emails = [p["emails"] for p in plain["items"]]
    assert emails == [["jo@acme.example"], ["mo@acme.example"], ["meet@acme.example"]]
    assert not any({"phoneNumbers", "extension", "locationId"} & p.keys() for p in plain["items"])
    jo, mo, meet = got["calling"][1]["items"]
    assert jo["phoneNumbers"] == [{"type": "work", "value": "+14085550100", "primary": True}]
    assert (jo["extension"], jo["locationId"], jo["orgId"]) == ("1001", got["loc"], got["org"])
    assert jo["displayName"] == "Jo Bloggs" and "phoneNumbers" not in mo
    assert "extension" not in meet and "locationId" not in meet
    _, paged, link = got["paged"]
    assert len(paged["items"]) == 2 and link and 'rel="next"' in link
    assert [p["emails"] for p in got["by_email"][1]["items"]] == [["mo@acme.example"]]
    assert got["one"][:2] == (200, jo)
    assert got["deleted"][0] == 404

    status, licenses, _ = got["licenses"]
    assert status == 200
    by_id = {lic["id"]: lic for lic in licenses["items"]}
    assert set(by_id) == set(jo["licenses"]) | set(meet["licenses"])
    calling = by_id[jo["licenses"][0]]
    assert calling["name"] == "Webex Calling - Professional"
    assert (calling["consumedByUsers"], calling["consumedUnits"]) == (2, 2)  # jo and mo
    assert by_id[meet["licenses"][0]]["consumedByUsers"] == 1


def test_unknown_person_and_licence_are_404() -> None:
    sandbox = Sandbox()

    async def go() -> list[int]:
        async with in_process(sandbox) as webex:
            await provisioned_customer(webex, "acme")
        async with reader(sandbox) as client:
            return [
                (await client.get(f"{IN_PROCESS_URL}/{path}")).status_code
                for path in ("people/nobody", "licenses/nothing")
            ]

    assert run(go()) == [404, 404]


def test_the_people_client_follows_links_and_a_deleted_person_leaves_its_subscriber() -> None:
    sandbox = Sandbox()

    async def go() -> dict[str, Any]:
        async with in_process(sandbox) as webex:
            cid, org, loc = await provisioned_customer(webex, "acme")
            await webex.calling.add_numbers(org, loc, ["+14085550100"])
            emails = [f"p{i}@acme.example" for i in range(5)]
            subs = [
                await webex.wholesale.provision_subscriber(
                    subscriber_body(  # type: ignore[arg-type]
                        cid,
                        email,
                        number="+14085550100" if i == 0 else None,
                        extension=f"100{i}",
                    )
                )
                for i, email in enumerate(emails)
            ]
            before = webex.client.requests_sent
            people = [p async for p in webex.people.list_people(org, max=2)]
            pages = webex.client.requests_sent - before
            await webex.client.request("DELETE", f"people/{subs[1].person_id}")
            after = [p.id async for p in webex.people.list_people(org)]
            one = await webex.people.get_person(subs[0].person_id or "")
            still = [s.id async for s in webex.wholesale.list_subscribers(customer_id=cid)]
            return {
                "people": people,
                "pages": pages,
                "subs": subs,
                "after": after,
                "one": one,
                "still": still,
                "loc": loc,
                "org": org,
            }

    got = run(go())
    people, subs = got["people"], got["subs"]
    assert got["pages"] == 3  # 5 people, 2 a page
    assert sorted(p.email or "" for p in people) == [s.email for s in subs]
    first = next(p for p in people if p.id == subs[0].person_id)
    assert (first.primary_number, first.extension, first.location_id, first.org_id) == (
        "+14085550100",
        "1000",
        got["loc"],
        got["org"],
    )
    assert (first.first_name, first.last_name, first.display_name) == ("Jo", "Bloggs", "Jo Bloggs")
    second = next(p for p in people if p.id == subs[1].person_id)
    assert second.primary_number is None and second.extension == "1001"
    assert got["one"] == first
    assert got["after"] == [p.id for p in people if p.id != subs[1].person_id]
    assert subs[1].id in got["still"]  # the Wholesale record outlives its person
