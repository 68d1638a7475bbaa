"""BroadWorks enterprise (or group) → Wholesale customer."""

from __future__ import annotations

from collections.abc import Collection

from migrate import inventory as inv
from migrate.config import Config
from migrate.mapping.addresses import map_address
from migrate.mapping.context import BuildContext
from migrate.mapping.issues import Issues
from migrate.mapping.names import clean_name
from migrate.plan.model import Customer


def ensure_customer(ctx: BuildContext, sp_id: str, group_id: str) -> Customer:
    """The customer a group belongs to, mapped the first time it is asked for."""
    cid = ctx.customer_id(sp_id, group_id)
    customer = ctx.model.customers.get(cid)
    if customer is not None:
        return customer
    sp = ctx.sps.get(sp_id)
    if sp is None:
        ctx.issues.warning(
            "missing_service_provider",
            entity="customer",
            key=cid,
            customer_id=cid,
            message=f"service provider {sp_id!r} is not in the inventory",
        )
    group = ctx.groups.get((sp_id, group_id))
    if ctx.config.customer_level == "enterprise":
        if sp is not None and sp.is_enterprise is False:
            ctx.issues.warning(
                "service_provider_as_customer",
                entity="customer",
                key=cid,
                customer_id=cid,
                message=f"{sp_id!r} is a service provider, not an enterprise: its groups "
                "are usually separate businesses; consider customer_level = "
                '"group" in migrate.toml',
            )
        bw_key = {"sp_id": sp_id}
        name_text = sp.name if sp else None
        raw_address = sp.address if sp and sp.address else None
        contact = (sp.contact.email if sp and sp.contact else None) or (
            sp.support_email if sp else None
        )
    else:
        bw_key = {"sp_id": sp_id, "group_id": group_id}
        name_text = group.name if group else None
        raw_address = group.address if group and group.address else (sp.address if sp else None)
        contact = (group.contact.email if group and group.contact else None) or (
            sp.contact.email if sp and sp.contact else None
        )
    name, name_raw = clean_name(
        ctx.issues, name_text, cid.replace("/", " "), entity="customer", key=cid, customer_id=cid
    )
    customer = Customer(
        id=cid,
        bw_key=bw_key,
        level=ctx.config.customer_level,
        name=name,
        name_raw=name_raw,
        external_id=cid,
        provisioning_id=ctx.config.provisioning_id,
        sub_partner_org_id=ctx.config.sub_partner_org_id,
        contact_email=(contact or "").strip() or None,
    )
    known = ctx.config.customers.get(cid)
    if known is not None:
        customer.org_id = known.org_id
        customer.setup_assist = bool(known.setup_assist)
        customer.cutover_date = known.cutover_date.isoformat() if known.cutover_date else None
    if raw_address is None and ctx.config.customer_level == "enterprise":
        raw_address = _first_group_address(ctx, sp_id)
    customer.address = map_address(
        ctx.issues, ctx.tables, raw_address, entity="customer", key=cid, customer_id=cid
    )
    if customer.contact_email:
        ctx.model.contact_emails[cid] = customer.contact_email
    ctx.model.customers[cid] = customer
    return customer


def _first_group_address(ctx: BuildContext, sp_id: str) -> inv.Address | None:
    return next(
        (g.address for k, g in sorted(ctx.groups.items()) if k[0] == sp_id and g.address),
        None,
    )


def unknown_configured_customers(
    issues: Issues, config: Config, customers: Collection[str]
) -> None:
    """A ``[customers."ID"]`` of migrate.toml that names no customer of this inventory
    (``customers``: every customer id): a typo there would create a second org for a
    customer that has one."""
    for cid in sorted(set(config.customers) - set(customers)):
        issues.warning(
            "unknown_configured_customer",
            entity="config",
            key=cid,
            customer_id=None,
            message=f'[customers."{cid}"] in migrate.toml names no customer of this '
            f"inventory (customer ids: {', '.join(sorted(customers)[:5])}"
            f"{'…' if len(customers) > 5 else ''})",
        )
