"""``migrate plan``: the wholesale model → ordered, keyed actions + fingerprint.

Per customer, in dependency order: create the customer (its first location
travels with it), wait for its asynchronous provisioning, create and enable
each other location, add each location's numbers, then create subscribers
with the administrator first — the first subscriber of a new customer
becomes its administrator in Webex.

Objects with a blocker issue are left out and listed as left alone, so an
engineer sees every BroadWorks object in exactly one place.

Customers are planned one at a time (:class:`Planner`), each against the journal
as it goes: what a step holds is the largest customer, not the platform.
"""

from __future__ import annotations

import functools
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate import __version__
from migrate.config import load_config
from migrate.errors import PreconditionError
from migrate.mapping.packages import CALLING_PACKAGES, WORKSPACE_PACKAGE, customer_packages
from migrate.plan import model as wm
from migrate.plan.actions import (
    ADD_NUMBERS,
    AWAIT_CUSTOMER,
    CREATE_CUSTOMER,
    CREATE_LOCATION,
    CREATE_SUBSCRIBER,
    INVERSES,
    Action,
    action_key,
    ref,
)
from migrate.plan.bycustomer import CustomerModel, ModelIndex, PlannedSoFar
from migrate.plan.devices import DevicePlanner
from migrate.plan.diff import Change, JournalView, Known, Observed, Removals, diff_customer
from migrate.plan.features import feature_actions
from migrate.plan.fingerprint import changed_inputs, combine, input_digests
from migrate.plan.jsonfile import write_json
from migrate.plan.settings import by_subscriber, settings_actions
from migrate.workspace import Workspace, read_json

PLACE_PACKAGE = WORKSPACE_PACKAGE


@dataclass
class LeftAlone:
    customer: str
    entity: str
    key: str
    reason: str


@dataclass
class Plan:
    actions: list[Action]
    left_alone: list[LeftAlone]
    inputs: dict[str, str]
    fingerprint: str
    created_at: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    # One line per object: create, update (old → new), unchanged or remove.
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": f"bw2wholesale {__version__}",
            "created_at": self.created_at,
            "fingerprint": self.fingerprint,
            "inputs": self.inputs,
            "counts": self.counts,
            "actions": [a.to_dict() for a in self.actions],
            "left_alone": [vars(item) for item in self.left_alone],
            "changes": [c.to_dict() for c in self.changes],
        }


def _address(address: wm.Address) -> dict[str, str]:
    wire = {
        "addressLine1": address.address_line1,
        "addressLine2": address.address_line2,
        "city": address.city,
        "stateOrProvince": address.state_or_province,
        "zipOrPostalCode": address.zip_or_postal_code,
        "country": address.country,
    }
    return {k: v for k, v in wire.items() if v}


def _calling_address(address: wm.Address) -> dict[str, str]:
    wire = {
        "address1": address.address_line1,
        "address2": address.address_line2,
        "city": address.city,
        "state": address.state_or_province,
        "postalCode": address.zip_or_postal_code,
        "country": address.country,
    }
    return {k: v for k, v in wire.items() if v}


def _language(locale: str | None) -> str | None:
    return locale.lower() if locale else None


def _customer_actions(
    customer: wm.Customer, first: wm.Location | None, ordinal: int, packages: list[str]
) -> list[Action]:
    create = action_key(CREATE_CUSTOMER, customer.id)
    wait = action_key(AWAIT_CUSTOMER, customer.id)
    body: dict[str, Any] = {
        "provisioningId": customer.provisioning_id or None,
        "packages": packages,
        "externalId": customer.external_id or customer.id,
        "address": _address(customer.address),
        "customerInfo": {
            k: v
            for k, v in {
                "name": customer.name,
                "primaryEmail": customer.primary_email,
                "language": customer.language,  # whole: "fr" would pair with the template's country
            }.items()
            if v
        },
    }
    if customer.org_id:
        # An org the customer already has is attached; it keeps its own name and
        # administrators, so customerInfo (only "mandatory for new customers") stays out.
        body["orgId"] = customer.org_id
        del body["customerInfo"]
    if first is not None and CALLING_PACKAGES.intersection(packages):
        location = {
            "name": first.name,
            "address": _address(first.address),
            "timezone": first.time_zone,
            "language": _language(first.language),
            "emergencyLocationIdentifier": first.emergency_location_identifier,
        }
        body["provisioningParameters"] = {
            "calling": {"location": {k: v for k, v in location.items() if v}},
        }
        if first.time_zone:
            body["provisioningParameters"]["meetings"] = {"timezone": first.time_zone}
    body = {k: v for k, v in body.items() if v is not None}  # precheck flags what is missing
    params = (
        {"onBehalfOfSubPartnerOrgId": customer.sub_partner_org_id}
        if customer.sub_partner_org_id
        else {}
    )
    fields = {
        "name": customer.name,
        "language": customer.language,
        "primaryEmail": customer.primary_email,
        "packages": body["packages"],
        "address": body["address"],
    }
    return [
        Action(
            create,
            CREATE_CUSTOMER,
            customer.id,
            ordinal,
            {"body": body, "params": params, "fields": fields},
            inverse={"type": INVERSES[CREATE_CUSTOMER], "customerId": ref(create, "customerId")},
            lookup={
                "externalId": body["externalId"],
                **({"orgId": body["orgId"]} if customer.org_id else {}),
            },
            summary=f"provision customer {customer.name} ({customer.id})"
            + (f" in its existing org {customer.org_id}" if customer.org_id else ""),
        ),
        Action(
            wait,
            AWAIT_CUSTOMER,
            customer.id,
            ordinal + 1,
            {
                "customerId": ref(create, "customerId"),
                "params": params,
                "firstLocation": first.id if first else None,
                **({"existingOrg": True} if customer.org_id else {}),
            },
            depends_on=(create,),
            summary=f"wait until {customer.id} is provisioned; read its org and location",
        ),
    ]


def _location_actions(location: wm.Location, wait: str, ordinal: int) -> Action:
    key = action_key(CREATE_LOCATION, location.id)
    language = location.language or "en_US"
    body = {
        "name": location.name,
        "timeZone": location.time_zone,
        "preferredLanguage": _language(language),
        "announcementLanguage": _language(language),
        "address": _calling_address(location.address),
    }
    return Action(
        key,
        CREATE_LOCATION,
        location.customer_id,
        ordinal,
        {"orgId": ref(wait, "orgId"), "body": body, "fields": dict(body)},
        depends_on=(wait,),
        inverse={
            "type": INVERSES[CREATE_LOCATION],
            "orgId": ref(wait, "orgId"),
            "locationId": ref(key, "locationId"),
        },
        lookup={"name": location.name},
        summary=f"create and enable location {location.name} ({location.id})",
    )


def _location_ref(location: wm.Location, wait: str) -> tuple[str, dict[str, str]]:
    """The action that yields a location's Webex id, and the reference to it."""
    if location.is_primary:
        return wait, ref(wait, "locationId")
    key = action_key(CREATE_LOCATION, location.id)
    return key, ref(key, "locationId")


def subscriber_fields(
    subscriber: wm.Subscriber, location_id: str, location_ref: dict[str, str], calling: bool
) -> dict[str, Any]:
    """What a later plan compares: the subscriber as sent, with its location by model id."""
    return {
        "fields": {
            "email": subscriber.email,
            "package": subscriber.package,
            "firstName": subscriber.first_name,
            "lastName": subscriber.last_name,
            "location": location_id if calling else None,
            "phoneNumber": subscriber.phone_number if calling else None,
            "extension": subscriber.extension if calling else None,
        },
        "refs": {"location": location_ref},
    }


@dataclass
class CustomerPart:
    """One customer's share of the plan: its actions (ordinals final, before any removal
    of what left the model), the Change of each of its objects, and what it leaves alone.
    ``numbers_left``: its blocked numbers, which the plan lists before everything else."""

    customer: str
    actions: list[Action]
    changes: list[Change]
    left: list[LeftAlone]
    numbers_left: list[LeftAlone]


def require_model(workspace: Path) -> None:
    if not wm.model_dir(workspace).is_dir():
        raise PreconditionError(f"{wm.model_dir(workspace)}: no model; run `migrate map` first")


class Planner:
    """Plans the model one customer at a time against the journal (``known``) and, with
    ``plan --refresh``, what Webex shows (``observed``); ``scratch`` holds the on-disk
    index of the model files not ordered by customer."""

    def __init__(
        self,
        workspace: Path,
        config: Path | None,
        scratch: Path,
        known: Iterable[Known] = (),
        observed: Mapping[str, Observed] | None = None,
    ) -> None:
        require_model(workspace)
        self.workspace = workspace
        # Dark staging: numbers go in inactive unless the config keeps them active at load;
        # a number inactive in BroadWorks stays inactive either way (cutover decides).
        self.numbers_state = "ACTIVE" if load_config(config).numbers_active_at_load else "INACTIVE"
        self.journal = JournalView(known, observed or {})
        self.removals = Removals(self.journal)
        self.index = ModelIndex(workspace, scratch)

    def close(self) -> None:
        self.index.close()

    def parts(self) -> Iterator[CustomerPart]:
        """Each customer id of the model, in order."""
        for group in self.index.customers():
            part = self._part(group)
            desired = part.actions
            self.removals.planned(a.key for a in desired)
            self.index.planned(a.key for a in desired)
            queue, part.changes = diff_customer(desired, self.journal)
            part.actions = [replace(a, ordinal=i) for i, a in enumerate(queue)]
            yield part

    def removed(self) -> list[tuple[Change, Action | None]]:
        """Once every part is taken: what left the model, deepest first."""
        return self.removals.rest()

    def _part(self, group: CustomerModel) -> CustomerPart:
        index = self.index
        devices = [d for d in index.records("devices", group.id) if d.migrate]
        workspaces = index.records("workspaces", group.id)
        features = index.records("call_features", group.id)
        person_settings = by_subscriber(index.records("person_settings", group.id))
        blocked = index.blocked(
            [
                group.id,
                *(x.id for x in group.locations),
                *(x.id for x in group.subscribers),
                *(x.id for x in group.numbers),
                *(x.id for x in workspaces),
                *(x.id for x in devices),
                *(x.id for x in features),
            ]
        )
        part = CustomerPart(group.id, [], [], [], [])
        dark = {n.phone_number or n.id for n in group.numbers if n.activated is False}
        numbers_by_location: dict[str, list[str]] = defaultdict(list)
        # A user's number lives in the user's location (Webex refuses any other), so a
        # user moved in review takes the number along.
        home = {s.id: s.location_id for s in group.subscribers}
        for number in group.numbers:
            reason = blocked.get(("number", number.id))
            if reason:
                part.numbers_left.append(LeftAlone(number.customer_id, "number", number.id, reason))
            else:
                where = number.location_id
                if number.assignment == "subscriber" and number.assigned_to in home:
                    where = home[number.assigned_to]
                numbers_by_location[where].append(number.phone_number or number.id)
        if group.customer is not None:
            self._customer(
                part,
                group.customer,
                group,
                blocked,
                numbers_by_location,
                dark,
                person_settings,
                DevicePlanner(workspaces, devices, blocked),
                features,
            )
        return part

    def _customer(
        self,
        part: CustomerPart,
        customer: wm.Customer,
        group: CustomerModel,
        blocked: dict[tuple[str, str], str],
        numbers_by_location: dict[str, list[str]],
        dark: set[str],
        person_settings: dict[str, list[wm.PersonSetting]],
        device_planner: DevicePlanner,
        features: list[wm.CallFeature],
    ) -> None:
        actions, left = part.actions, part.left
        reason = blocked.get(("customer", customer.id))
        if reason:
            left.append(LeftAlone(customer.id, "customer", customer.id, reason))
            return
        sites = sorted(group.locations, key=lambda loc: (not loc.is_primary, loc.id))
        first = sites[0] if sites and sites[0].is_primary else None
        reason = blocked.get(("location", first.id)) if first else None
        if first is not None and reason:
            # The primary location travels in the customer's create body: with it blocked,
            # the customer cannot be created either (Webex would refuse the address).
            left.append(
                LeftAlone(
                    customer.id,
                    "customer",
                    customer.id,
                    f"its primary location {first.id} is left alone ({reason})",
                )
            )
            left.append(LeftAlone(customer.id, "location", first.id, reason))
            return
        # Every package a subscriber or workspace uses, even one edited in by hand:
        # Webex refuses a subscriber whose package the customer does not hold.
        packages = customer_packages([*customer.packages, *(s.package for s in group.subscribers)])
        ordinal = 0
        for action in _customer_actions(customer, first, ordinal, packages):
            actions.append(action)
        wait = action_key(AWAIT_CUSTOMER, customer.id)
        ordinal = 2
        usable: dict[str, wm.Location] = {}
        for location in sites:
            reason = blocked.get(("location", location.id))
            if reason:
                left.append(LeftAlone(customer.id, "location", location.id, reason))
                continue
            usable[location.id] = location
            if not location.is_primary:
                actions.append(_location_actions(location, wait, ordinal))
                ordinal += 1
        for location_id in sorted(usable):
            phone_numbers = sorted(numbers_by_location.get(location_id, []))
            if not phone_numbers:
                continue
            location = usable[location_id]
            source, location_ref = _location_ref(location, wait)
            key = action_key(ADD_NUMBERS, location_id)
            actions.append(
                Action(
                    key,
                    ADD_NUMBERS,
                    customer.id,
                    ordinal,
                    {
                        "orgId": ref(wait, "orgId"),
                        "locationId": location_ref,
                        "body": {"phoneNumbers": phone_numbers, "state": self.numbers_state},
                        # Inactive in BroadWorks: added inactive, and cutover leaves them.
                        **(
                            {"inactive": [n for n in phone_numbers if n in dark]}
                            if dark & set(phone_numbers)
                            else {}
                        ),
                        "fields": {"phoneNumbers": phone_numbers},
                    },
                    depends_on=tuple(dict.fromkeys((wait, source))),
                    inverse={
                        "type": INVERSES[ADD_NUMBERS],
                        "orgId": ref(wait, "orgId"),
                        "locationId": location_ref,
                        "phoneNumbers": ref(key, "added"),
                    },
                    lookup={"locationId": location_ref},
                    summary=f"add {len(phone_numbers)} numbers to {location.name}",
                )
            )
            ordinal += 1
        ordered = sorted(group.subscribers, key=lambda s: (not s.is_admin, s.id))
        admin_key: str | None = None
        for subscriber in ordered:
            reason = blocked.get(("subscriber", subscriber.id))
            site = usable.get(subscriber.location_id)
            if reason is None and site is None:
                reason = f"its location {subscriber.location_id} is left alone"
            if subscriber.is_place or subscriber.package == PLACE_PACKAGE:
                # Wholesale takes no common-area subscriber: a place becomes a workspace,
                # planned (or left alone, with its reason) by plan/devices.py.
                continue
            if reason:
                left.append(LeftAlone(customer.id, "subscriber", subscriber.id, reason))
                continue
            assert site is not None
            key = action_key(CREATE_SUBSCRIBER, subscriber.id)
            source, location_ref = _location_ref(site, wait)
            depends = [wait, source]
            if subscriber.phone_number and subscriber.phone_number in set(
                numbers_by_location.get(site.id, [])
            ):
                depends.append(action_key(ADD_NUMBERS, site.id))
            if admin_key is not None:
                depends.append(admin_key)  # the administrator must exist first
            calling = subscriber.package in CALLING_PACKAGES
            provisioning = {
                "firstName": subscriber.first_name,
                "lastName": subscriber.last_name,
                "primaryPhoneNumber": subscriber.phone_number if calling else None,
                "extension": subscriber.extension if calling else None,
                "locationId": location_ref if calling else None,
            }
            body = {
                "customerId": ref(wait, "customerId"),
                "email": subscriber.email,
                "packages": [subscriber.package],
                "provisioningParameters": {k: v for k, v in provisioning.items() if v},
            }
            actions.append(
                Action(
                    key,
                    CREATE_SUBSCRIBER,
                    customer.id,
                    ordinal,
                    {
                        "body": body,
                        "params": {"onBehalfOfSubPartnerOrgId": customer.sub_partner_org_id}
                        if customer.sub_partner_org_id
                        else {},
                        **subscriber_fields(subscriber, site.id, location_ref, calling),
                    },
                    depends_on=tuple(dict.fromkeys(depends)),
                    inverse={
                        "type": INVERSES[CREATE_SUBSCRIBER],
                        "subscriberId": ref(key, "subscriberId"),
                    },
                    lookup={"customerId": ref(wait, "customerId"), "email": subscriber.email},
                    summary=f"provision {subscriber.email} as {subscriber.package}"
                    + (" (administrator)" if subscriber.is_admin else ""),
                )
            )
            ordinal += 1
            if subscriber.is_admin:
                admin_key = key
            if calling:  # the person's Calling features, once it exists
                extra = settings_actions(
                    person_settings.get(subscriber.id, []), customer.id, key, wait, ordinal
                )
                actions.extend(extra)
                ordinal += len(extra)
            elif subscriber.id in person_settings:
                left.append(
                    LeftAlone(
                        customer.id,
                        "person_settings",
                        subscriber.id,
                        f"package {subscriber.package} has no Webex Calling person settings",
                    )
                )
        # -- workspaces and devices, after the people they belong to ---------------------
        extra, extra_left = device_planner.actions_for(
            customer,
            usable,
            wait,
            numbers_by_location,
            PlannedSoFar(self.index, {a.key for a in actions}),
            ordinal,
        )
        actions.extend(extra)
        left.extend(LeftAlone(customer.id, *item) for item in extra_left)
        ordinal += len(extra)
        # -- end of workspaces and devices -----------------------------------------------
        # -- location call features, after everyone they name ------------------------------
        extra, extra_left = feature_actions(
            features,
            customer.id,
            usable,
            wait,
            functools.partial(_location_ref, wait=wait),
            PlannedSoFar(self.index, {a.key for a in actions}),
            ordinal,
            blocked,
        )
        actions.extend(extra)
        left.extend(LeftAlone(customer.id, *item) for item in extra_left)


def assemble(
    parts: Iterable[CustomerPart], removed: Callable[[], list[tuple[Change, Action | None]]]
) -> tuple[list[Action], list[Change], list[LeftAlone]]:
    """The parts as one plan, in memory: each customer's queue, then its removals."""
    by_customer: dict[str, list[Action]] = {}
    changes: list[Change] = []
    left: list[LeftAlone] = []
    numbers_left: list[LeftAlone] = []
    for part in parts:
        if part.actions:
            by_customer[part.customer] = part.actions
        changes.extend(part.changes)
        left.extend(part.left)
        numbers_left.extend(part.numbers_left)
    for change, remove in removed():
        changes.append(change)
        if remove is not None:
            queue = by_customer.setdefault(remove.customer, [])
            queue.append(replace(remove, ordinal=len(queue)))
    actions = [a for customer in sorted(by_customer) for a in by_customer[customer]]
    return actions, changes, numbers_left + left


def action_counts(types: Iterable[str], left_alone: int) -> dict[str, int]:
    """Actions per type (in order of first appearance), then how many are left alone."""
    counts: dict[str, int] = defaultdict(int)
    for kind in types:
        counts[kind] += 1
    counts["left_alone"] = left_alone
    return dict(counts)


def _scratch(workspace: Path) -> tempfile.TemporaryDirectory[str]:
    """The index's folder: in the workspace, next to the model it copies; a read-only
    workspace (a precheck of someone else's) borrows the system's temporary folder."""
    try:
        return tempfile.TemporaryDirectory(prefix=".plan-", dir=workspace)
    except OSError:
        return tempfile.TemporaryDirectory(prefix="bw2wholesale-plan-")


def build(
    workspace: Path,
    config: Path | None,
    mappings: Path | None,
    known: Sequence[Known] = (),
    observed: Mapping[str, Observed] | None = None,
) -> Plan:
    """The plan in memory: the model's actions, diffed against what the journal
    (``known``) holds and, with ``plan --refresh``, what Webex shows (``observed``)."""
    require_model(workspace)
    with _scratch(workspace) as scratch:
        planner = Planner(workspace, config, Path(scratch), known, observed)
        try:
            actions, changes, left = assemble(planner.parts(), planner.removed)
        finally:
            planner.close()
    inputs = input_digests(workspace, config, mappings)
    return Plan(
        actions,
        left,
        inputs,
        combine(inputs),
        datetime.now(UTC).isoformat(timespec="seconds"),
        action_counts((a.type for a in actions), len(left)),
        changes,
    )


def document(
    created_at: str,
    fingerprint: str,
    inputs: dict[str, str],
    counts: dict[str, int] | Callable[[], dict[str, int]],
    actions: Iterable[dict[str, Any]],
    changes: Iterable[dict[str, Any]],
    left_alone: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    """plan.json's object, its lists as iterators (see :func:`write_json`)."""
    return {
        "tool": f"bw2wholesale {__version__}",
        "created_at": created_at,
        "fingerprint": fingerprint,
        "inputs": inputs,
        "counts": counts,
        "actions": iter(actions),
        "left_alone": iter(left_alone),
        "changes": iter(changes),
    }


def write(plan: Plan, workspace: Path) -> Path:
    return write_json(
        Workspace(workspace).plan_file,
        document(
            plan.created_at,
            plan.fingerprint,
            plan.inputs,
            plan.counts,
            (a.to_dict() for a in plan.actions),
            (c.to_dict() for c in plan.changes),
            (vars(item) for item in plan.left_alone),
        ),
    )


def read(workspace: Path) -> Plan:
    path = Workspace(workspace).plan_file
    if not path.is_file():
        raise PreconditionError(f"{path}: no plan; run `migrate plan` first")
    data = read_json(path)
    return Plan(
        actions=[Action.from_dict(a) for a in data["actions"]],
        left_alone=[LeftAlone(**item) for item in data.get("left_alone", [])],
        inputs=data["inputs"],
        fingerprint=data["fingerprint"],
        created_at=data.get("created_at", ""),
        counts=data.get("counts", {}),
        changes=[Change.from_dict(c) for c in data.get("changes", [])],
    )


def check_fresh(plan: Plan, workspace: Path, config: Path | None, mappings: Path | None) -> None:
    """Refuse (exit 3) a plan whose inputs changed since it was made, naming them."""
    current = input_digests(workspace, config, mappings)
    changed = changed_inputs(plan.inputs, current)
    if changed:
        raise PreconditionError(
            f"{Workspace(workspace).plan_file}: the plan is stale: {', '.join(changed)} changed "
            "since `migrate plan` ran; re-run `migrate map` if needed, then `migrate plan`"
        )
