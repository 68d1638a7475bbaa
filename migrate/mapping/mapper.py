"""Inventory → wholesale model (DESIGN §5).

Two phases around the reviewer's overrides: :func:`build` maps every
BroadWorks record to its Wholesale counterpart with the values an engineer
would propose; :func:`finalize` runs after the overrides, chooses each
customer's administrator, derives languages and checks everything that an
override can change (emails, extensions, numbers), so the issues always
describe the final model.

Each concern lives in its own module (customers, locations, users, numbers,
devices, services, languages, addresses, administrators); this one orders them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from pathlib import Path

from migrate import inventory as inv
from migrate.config import Config
from migrate.errors import InputError
from migrate.mapping.addresses import check_address, infer_country
from migrate.mapping.administrators import choose_admin
from migrate.mapping.call_settings import map_call_settings
from migrate.mapping.context import BuildContext
from migrate.mapping.customers import unknown_configured_customers
from migrate.mapping.devices import MacIndex, map_devices
from migrate.mapping.features import map_group_features
from migrate.mapping.holders import Holders
from migrate.mapping.issues import Issues
from migrate.mapping.languages import derive_languages
from migrate.mapping.locale import CALL_IN_COUNTRY_CODE
from migrate.mapping.locations import ensure_location
from migrate.mapping.model import Model, inventory_fingerprint
from migrate.mapping.numbers import (
    EXTENSION_MAX,
    EXTENSION_MIN,
    add_subscriber_numbers,
    check_numbers,
    map_number,
)
from migrate.mapping.packages import customer_packages, missing_dependencies
from migrate.mapping.services import map_service_instance
from migrate.mapping.subscriber_emails import check_emails, generate_emails
from migrate.mapping.tables import Tables
from migrate.mapping.users import map_user
from migrate.plan.model import BLOCKER, Customer, Location, Subscriber

# Older callers import these from here; their homes are mapping.model and mapping.numbers.
__all__ = [
    "EXTENSION_MAX",
    "EXTENSION_MIN",
    "Model",
    "build",
    "check_config",
    "extract_warnings",
    "finalize",
    "finalize_customers",
    "map_records",
]


def build(workspace: Path, tables: Tables, config: Config) -> Model:
    """Phase one: every inventory record mapped, before overrides and checks."""
    if not inv.inventory_dir(workspace).is_dir():
        raise InputError(
            f"{inv.inventory_dir(workspace)}: no inventory; run `migrate extract` first"
        )
    ctx = BuildContext(workspace, tables, config)
    ctx.model.inventory_fingerprint = inventory_fingerprint(workspace)
    map_records(ctx)
    extract_warnings(ctx.issues, workspace)
    unknown_configured_customers(ctx.issues, config, ctx.model.customers)
    return ctx.model


def map_records(ctx: BuildContext, by_mac: MacIndex | None = None) -> None:
    """Every record of ``ctx.workspace``'s inventory mapped; ``by_mac`` carries the MACs
    seen so far when the inventory is mapped one part at a time."""
    workspace = ctx.workspace
    _read_lookups(ctx)
    for key in sorted(ctx.groups):
        ensure_location(ctx, *key)
    for user in inv.read(workspace, "users"):
        map_user(ctx, user)
    map_call_settings(ctx)
    generate_emails(ctx)
    for number in inv.read(workspace, "numbers"):
        map_number(ctx, number)
    add_subscriber_numbers(ctx)
    map_devices(ctx, inv.read(workspace, "devices"), by_mac)
    mapped = map_group_features(ctx)
    for instance in inv.read(workspace, "service_instances"):
        if instance.service_user_id not in mapped:  # a mapped feature is not "Not migrated"
            map_service_instance(ctx, instance)


def _read_lookups(ctx: BuildContext) -> None:
    ws = ctx.workspace
    for sp in inv.read(ws, "service_providers"):
        ctx.sps[sp.sp_id] = sp
    for group in inv.read(ws, "groups"):
        ctx.groups[(group.sp_id, group.group_id)] = group
    for pack in inv.read(ws, "service_packs"):
        ctx.packs[(pack.sp_id, pack.name)] = tuple(pack.services)
    for language in inv.read(ws, "languages"):
        if language.locale:
            ctx.inv_languages[language.language.casefold()] = language.locale
    for instance in inv.read(ws, "service_instances"):
        ctx.service_ids.add(instance.service_user_id)


def extract_warnings(issues: Issues, workspace: Path) -> None:
    """The extractor's errors and warnings, as issues of no customer."""
    for warning in inv.read(workspace, "warnings"):
        # An OCI error or a dropped record means something is missing from the model.
        if warning.severity in ("error", "warning"):
            where = f"{warning.file}: {warning.record or ''}".rstrip(": ")
            issues.warning(
                "extract_warning",
                entity="inventory",
                key=where,
                customer_id=None,
                message=f"extract {warning.severity} {warning.code}: {warning.message}",
                field=warning.field,
                value=str(warning.oci_error_code or "") or None,
            )


# -- phase two ---------------------------------------------------------------


def finalize(model: Model, tables: Tables, config: Config) -> None:
    """Choose administrators, derive languages and check what overrides may have changed."""
    check_config(model.issues, config, model.customers, model.locations)
    finalize_customers(model, tables, config)


def check_config(
    issues: Issues, config: Config, customers: Collection[str], locations: Collection[str]
) -> None:
    """What migrate.toml lacks or names wrongly, against every customer and location."""
    if not config.provisioning_id:
        issues.blocker(
            "no_provisioning_id",
            entity="config",
            key="provisioning_id",
            customer_id=None,
            message="migrate.toml has no provisioning_id (Customer Template in Partner Hub)",
        )
    _check_config_keys(issues, config, customers, locations)


def finalize_customers(
    model: Model, tables: Tables, config: Config, earlier: Holders | None = None
) -> None:
    """Every customer of ``model`` finalized. ``earlier`` names, for each subscriber whose
    email or number a subscriber of another part of the platform holds first, that holder;
    without it ``model`` is the whole platform."""
    by_customer: dict[str, list[Subscriber]] = defaultdict(list)
    for sub in model.sorted_subscribers():
        by_customer[sub.customer_id].append(sub)
    locations_of: dict[str, list[Location]] = defaultdict(list)
    for location in sorted(model.locations.values(), key=lambda x: x.id):
        locations_of[location.customer_id].append(location)

    check_emails(model, by_customer, None if earlier is None else earlier.emails)
    check_numbers(model, by_customer, None if earlier is None else earlier.numbers)
    blocked = {
        i.key
        for i in model.issues.items.values()
        if i.entity == "subscriber" and i.field == "email" and i.severity == BLOCKER
    }
    for cid, customer in model.customers.items():
        _finalize_customer(
            model,
            tables,
            config,
            customer,
            by_customer.get(cid, []),
            locations_of.get(cid, []),
            blocked,
        )


def _finalize_customer(
    model: Model,
    tables: Tables,
    config: Config,
    customer: Customer,
    subs: list[Subscriber],
    locations: list[Location],
    blocked: set[str],
) -> None:
    issues, cid = model.issues, customer.id
    if not customer.address.country:
        infer_country(model, customer, subs, locations)
    for location in locations:
        if not location.address.country and customer.address.country:
            location.address.country = customer.address.country
    if customer.address.country:
        customer.call_in_country_code = CALL_IN_COUNTRY_CODE.get(customer.address.country)
    check_address(
        issues,
        tables,
        customer.address,
        entity="customer",
        key=cid,
        customer_id=cid,
        need_state=False,
    )
    derive_languages(model, customer, subs, locations)
    choose_admin(model, customer, subs, config, blocked)
    used = {s.package for s in subs}
    customer.packages = customer_packages(used)
    for added in sorted(set(customer.packages) - used):
        issues.warning(
            "package_dependency_added",
            entity="customer",
            key=cid,
            customer_id=cid,
            message=f"{added} added to the customer's packages: "
            f"{', '.join(sorted(missing_dependencies(used)))} needs one of its calling packages",
            field="packages",
            value=", ".join(sorted(used)),
            proposed=", ".join(customer.packages),
        )
    admin = model.subscribers.get(customer.administrator or "")
    customer.primary_location = (
        admin.location_id if admin else (locations[0].id if locations else None)
    )
    for location in locations:
        location.is_primary = location.id == customer.primary_location
        check_address(
            issues,
            tables,
            location.address,
            entity="location",
            key=location.id,
            customer_id=cid,
            need_state=True,
        )
        if location.time_zone is None and location.time_zone_raw is None:
            _location_time_zone(model, location, subs)
    if not subs:
        issues.warning(
            "empty_customer",
            entity="customer",
            key=cid,
            customer_id=cid,
            message="no subscriber to migrate: the customer cannot get an administrator",
        )


def _location_time_zone(model: Model, location: Location, subs: list[Subscriber]) -> None:
    """A group without a time zone takes its users' most common one."""
    zones = Counter(s.time_zone for s in subs if s.location_id == location.id and s.time_zone)
    if zones:
        location.time_zone = min(zones.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    else:
        model.issues.blocker(
            "no_time_zone",
            entity="location",
            key=location.id,
            customer_id=location.customer_id,
            message="the group has no time zone and neither have its users",
        )


def _check_config_keys(
    issues: Issues, config: Config, customers: Collection[str], locations: Collection[str]
) -> None:
    """Keys in migrate.toml that name no customer or location are typos, most likely."""
    tables = (
        ("administrator.users", config.administrator.users, customers, "customer"),
        ("email.domains", config.email.domains, customers, "customer"),
        (
            "emergency_location_identifiers",
            config.emergency_location_identifiers,
            locations,
            "location",
        ),
    )
    for section, entries, known, what in tables:
        for key in sorted(entries):
            if key not in known:
                issues.warning(
                    "config_unknown_key",
                    entity="config",
                    key=f"{section}.{key}",
                    customer_id=None,
                    message=f"migrate.toml [{section}] names {key!r}, which is not a "
                    f"{what} of this inventory",
                    field=section,
                    value=key,
                )
