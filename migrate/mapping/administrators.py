"""Each customer's administrator: the first subscriber Webex creates becomes it."""

from __future__ import annotations

import re

from migrate.config import Config
from migrate.mapping.model import Model
from migrate.mapping.rules import is_workspace
from migrate.plan.model import Customer, Subscriber


def choose_admin(
    model: Model, customer: Customer, subs: list[Subscriber], config: Config, blocked: set[str]
) -> None:
    """By migrate.toml's [administrator] choice, falling back to its rule."""
    issues = model.issues
    eligible = [
        s
        for s in sorted(subs, key=lambda s: s.id)
        if s.email and s.id not in blocked and not is_workspace(s)
    ]
    for sub in subs:
        sub.is_admin = False
    admin: Subscriber | None = None
    settings = config.administrator
    if settings.choose == "user":
        wanted = settings.users.get(customer.id)
        admin = next((s for s in eligible if s.id == wanted), None)
        if admin is None:
            message = (
                f"administrator {wanted!r} from migrate.toml is not a subscriber with a "
                f"valid email; chosen by rule {settings.rule}"
                if wanted
                else f"no [administrator.users] entry; chosen by rule {settings.rule}"
            )
            report = issues.blocker if wanted else issues.warning
            report(
                "administrator_not_found",
                entity="customer",
                key=customer.id,
                customer_id=customer.id,
                message=message,
                field="administrator",
                value=wanted,
            )
    elif settings.choose == "contact":
        contact = (customer.contact_email or "").casefold()
        if contact:
            admin = next((s for s in eligible if (s.email or "").casefold() == contact), None)
        if admin is None and eligible:
            issues.warning(
                "administrator_by_rule",
                entity="customer",
                key=customer.id,
                customer_id=customer.id,
                message=f"contact email {customer.contact_email or '(none)'} is not a "
                f"subscriber's email; administrator chosen by rule {settings.rule}",
                field="administrator",
                value=customer.contact_email,
            )
    if admin is None and settings.rule == "title":
        pattern = re.compile(settings.title_pattern)
        admin = next((s for s in eligible if pattern.search(model.titles.get(s.id, ""))), None)
    if admin is None and eligible:
        admin = eligible[0]
    if admin is None:
        if subs:
            issues.blocker(
                "no_administrator",
                entity="customer",
                key=customer.id,
                customer_id=customer.id,
                message="no subscriber with a valid email to become the administrator",
                field="administrator",
            )
        customer.administrator = None
        customer.primary_email = customer.contact_email
        return
    admin.is_admin = True
    customer.administrator = admin.id
    customer.primary_email = admin.email
