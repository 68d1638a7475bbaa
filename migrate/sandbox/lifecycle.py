"""What happens to a customer in the background, and what goes when something goes.

Provisioning, updating and deleting a customer finish later (``ready_at``); any
request that looks at the customer or its org first calls :func:`settle`, so the
sandbox needs no background thread and a fake clock moves it deterministically.
"""

from __future__ import annotations

from migrate.sandbox import codes
from migrate.sandbox.clock import Clock, iso_ms
from migrate.sandbox.http import HttpError
from migrate.sandbox.state import Customer, Location, Org, SandboxState, Subscriber

TRANSIENT = ("provisioning", "updating", "deleting")


def settle(state: SandboxState, clock: Clock, customer: Customer) -> Customer | None:
    """Finish background work whose time has come; None when a delete completed."""
    if customer.status not in TRANSIENT or clock.time() < customer.ready_at:
        return customer
    if customer.status == "deleting":
        _purge_customer(state, clock, customer)
        return None
    if customer.status == "updating":
        customer.packages = list(customer.pending_packages or customer.packages)
        if customer.pending_address is not None:
            customer.address = customer.pending_address
        customer.pending_packages = customer.pending_address = None
        customer.status = "provisioned"
        return customer
    final = customer.final_status
    if final in ("provisioned", "provisioned_with_errors"):
        _create_org(state, clock, customer)
    if final == "provisioned_with_errors":
        failed = next((p for p in customer.packages if p != "webex_meetings"), customer.packages[0])
        customer.package_errors[failed] = [
            {
                "errorCode": codes.CALLING_MAINTENANCE,
                "description": "One or more Webex Calling services are unavailable due to "
                "maintenance, unable to start provisioning. Consult "
                "status.webex.com and retry later.",
            }
        ]
    elif final == "error":
        customer.errors = [
            {
                "errorCode": codes.CALLING_MAINTENANCE,
                "description": "Provisioning failed; retry later.",
            }
        ]
    customer.status = final
    return customer


def org_in_use(state: SandboxState, clock: Clock, org_id: str) -> str:
    """``org_id`` once its customer has settled: the partner's own or a provisioned org."""
    if org_id != state.partner_org_id:
        customer = state.customer_by_org(org_id)
        if customer is not None:
            settle(state, clock, customer)
        if org_id not in state.orgs:
            raise HttpError(404, "Organization not found.", codes.NOT_FOUND)
    return org_id


def end_subscriber(state: SandboxState, sub: Subscriber, now: float) -> None:
    """Billing stops, the number is freed and the person's phones go with them."""
    if sub.activations and sub.activations[-1].end is None:
        sub.activations[-1].end = now
    person = state.people.get(sub.person_id) if sub.existing_person else None
    if sub.primary_phone_number and sub.primary_phone_number in state.numbers:
        # A person the org had before keeps the number it had; others free it.
        kept = person is not None and person.phone_number == sub.primary_phone_number
        state.numbers[sub.primary_phone_number].owner_id = person.id if kept and person else None
    sub.deleted = True
    state.unindex_subscriber_email(sub)
    state.drop_devices(person_id=sub.person_id)


def _locale(text: str) -> str:
    lang, _, country = text.partition("_")
    return f"{lang.lower()}_{country.upper()}" if country else lang.lower()


def _create_org(state: SandboxState, clock: Clock, customer: Customer) -> None:
    info = customer.customer_info or {}
    if customer.org_id not in state.orgs:
        state.orgs[customer.org_id] = Org(
            customer.org_id, info.get("name") or customer.external_id, iso_ms(clock.now())
        )
    calling = (customer.provisioning_parameters or {}).get("calling") or {}
    loc = calling.get("location")
    if not isinstance(loc, dict):
        return
    if customer.existing_org:
        # An org that had the location already: Webex enables it, it makes no second one.
        same = [x for x in state.locations.values() if x.org_id == customer.org_id]
        found = next((x for x in same if x.name == loc.get("name")), None)
        if found is not None:
            found.calling_enabled = True
            return
    addr = loc.get("address") or {}
    language = _locale(loc.get("language", "en_US"))
    location = Location(
        id=state.new_id("LOCATION"),
        org_id=customer.org_id,
        name=loc["name"],
        address={
            "address1": addr.get("addressLine1", ""),
            "address2": addr.get("addressLine2", ""),
            "city": addr.get("city", ""),
            "state": addr.get("stateOrProvince", ""),
            "postalCode": addr.get("zipOrPostalCode", ""),
            "country": addr.get("country", ""),
        },
        time_zone=loc.get("timezone", "UTC"),
        preferred_language=language,
        announcement_language=language,
        calling_enabled=True,
        emergency_location_identifier=loc.get("emergencyLocationIdentifier"),
    )
    state.locations[location.id] = location


def _purge_customer(state: SandboxState, clock: Clock, customer: Customer) -> None:
    now = clock.time()
    for sub in state.subscribers_of(customer.id):
        if not sub.deleted:
            end_subscriber(state, sub, now)
    if not customer.existing_org:
        state.drop_workspaces(customer.org_id)  # and their devices
        for loc_id in [i for i, loc in state.locations.items() if loc.org_id == customer.org_id]:
            del state.locations[loc_id]
        for number in [n for n, rec in state.numbers.items() if rec.org_id == customer.org_id]:
            del state.numbers[number]
        state.orgs.pop(customer.org_id, None)
    state.unindex_customer(customer)
