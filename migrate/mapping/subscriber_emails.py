"""Subscribers' emails: generated from the template when BroadWorks has none, then checked."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

from migrate.mapping import email as email_rules
from migrate.mapping.context import BuildContext
from migrate.mapping.model import Model
from migrate.mapping.rules import is_workspace
from migrate.plan.model import Subscriber


def generate_emails(ctx: BuildContext) -> None:
    """Fill missing emails from ``[email] missing``, in the customer's usual mail domain."""
    template = ctx.config.email.template
    if template is None:
        return
    domains: dict[str, Counter[str]] = defaultdict(Counter)
    for sub in ctx.model.subscribers.values():
        if sub.email and "@" in sub.email:
            domains[sub.customer_id][sub.email.rsplit("@", 1)[1].lower()] += 1
    for sub in ctx.model.subscribers.values():
        if sub.email:
            continue
        domain = ctx.config.email.domains.get(sub.customer_id)
        if domain is None and domains[sub.customer_id]:
            domain = min(domains[sub.customer_id].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if domain is None:
            ctx.issues.blocker(
                "no_email_domain",
                entity="customer",
                key=sub.customer_id,
                customer_id=sub.customer_id,
                message="no mail domain for the email template: set "
                f'[email.domains] "{sub.customer_id}" in migrate.toml',
            )
            continue
        sub.email = email_rules.render(
            template,
            first=sub.first_name,
            last=sub.last_name,
            user_id=sub.id,
            extension=sub.extension,
            domain=domain,
        )
        sub.email_source = "template"


def check_emails(
    model: Model,
    by_customer: dict[str, list[Subscriber]],
    earlier: Mapping[str, str] | None = None,
) -> None:
    """Every person has a valid email no one else has (a workspace has none).

    The first subscriber in (customer, user id) order keeps an email; ``earlier`` names
    that holder for each later subscriber of ``model`` when the holder may be outside it
    (see :func:`email_claims`)."""
    issues = model.issues
    seen: dict[str, str] = {}
    for cid in sorted(by_customer):
        for sub in sorted(by_customer[cid], key=lambda s: s.id):
            if is_workspace(sub):
                continue
            if not sub.email:
                hint = (
                    " (a place: give the common-area phone a mailbox or skip it)"
                    if sub.is_place
                    else ""
                )
                issues.blocker(
                    "missing_email",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message="no email in BroadWorks: fill the Email column in review.xlsx or "
                    f"set [email] missing in migrate.toml{hint}",
                    field="email",
                )
                continue
            if not email_rules.is_valid(sub.email):
                issues.blocker(
                    "invalid_email",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message=f"{sub.email!r} is not a valid email address",
                    field="email",
                    value=sub.email,
                )
                continue
            if sub.email_source == "template":
                issues.warning(
                    "email_generated",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message="email generated from the template: confirm the user owns it",
                    field="email",
                    proposed=sub.email,
                )
            key = sub.email.casefold()
            holder = seen.get(key) if earlier is None else earlier.get(sub.id)
            if holder is not None:
                issues.blocker(
                    "duplicate_email",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message=f"email {sub.email} is also {holder}'s; Webex emails are unique",
                    field="email",
                    value=sub.email,
                )
            else:
                seen[key] = sub.id


def email_claims(model: Model) -> Iterator[tuple[str, str, str]]:
    """``(email key, customer id, user id)`` of every subscriber whose email
    :func:`check_emails` holds against the others'."""
    for sub in model.active_subscribers():
        if not is_workspace(sub) and sub.email and email_rules.is_valid(sub.email):
            yield sub.email.casefold(), sub.customer_id, sub.id
