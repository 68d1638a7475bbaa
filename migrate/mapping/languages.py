"""Languages: each user's from BroadWorks, then customer and location by majority."""

from __future__ import annotations

from collections import Counter, defaultdict

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.locale import split, wholesale_locale
from migrate.mapping.model import Model
from migrate.plan.model import Customer, Location, Subscriber


def user_language(ctx: BuildContext, user: inv.User, customer_id: str) -> None:
    """Remember a user's language: the table first, then the system's own language list."""
    lang = ctx.tables.language(user.language)
    if lang is not None:
        code = f"{lang.code}_{lang.country}" if lang.country else lang.code
        ctx.model.user_languages[user.user_id] = code
    elif user.language:
        locale = ctx.inv_languages.get(user.language.casefold())
        if locale:
            ctx.model.user_languages[user.user_id] = locale
        else:
            ctx.issues.warning(
                "unknown_language",
                entity="customer",
                key=customer_id,
                customer_id=customer_id,
                message=f"language {user.language!r} is not in languages.csv; its users "
                "count as English",
                field=f"language {user.language}",
                value=user.language,
            )


def _majority(counter: Counter[str], tie_break: str | None) -> str | None:
    if not counter:
        return None
    top = max(counter.values())
    best = sorted(k for k, v in counter.items() if v == top)
    if tie_break in best:
        return tie_break
    return best[0]


def derive_languages(
    model: Model, customer: Customer, subs: list[Subscriber], locations: list[Location]
) -> None:
    """Customer and location languages: the majority of their users' (ties: the customer's)."""
    issues, cid = model.issues, customer.id
    user_lang = model.user_languages
    langs = Counter(split(user_lang.get(s.id, "en"))[0] for s in subs)
    customer_lang = _majority(langs, "en") or "en"
    country = customer.address.country
    choice = wholesale_locale(customer_lang, country)
    if choice is None:
        issues.warning(
            "unsupported_language",
            entity="customer",
            key=cid,
            customer_id=cid,
            message=f"language {customer_lang!r} has no Wholesale locale: en_US used",
            field="language",
            value=customer_lang,
            proposed="en_US",
        )
        customer.language = "en_US"
    else:
        customer.language = choice.locale
        if choice.meetings_fallback:
            issues.warning(
                "meetings_language_fallback",
                entity="customer",
                key=cid,
                customer_id=cid,
                message=f"{choice.locale} has no Webex Meetings site language: meeting sites "
                "will be in English",
                field="language",
                value=choice.locale,
            )
    per_location: dict[str, Counter[str]] = defaultdict(Counter)
    for sub in subs:
        per_location[sub.location_id][split(user_lang.get(sub.id, "en"))[0]] += 1
    for location in locations:
        lang = _majority(per_location.get(location.id, Counter()), customer_lang) or customer_lang
        loc_choice = wholesale_locale(lang, location.address.country or country)
        location.language = loc_choice.locale if loc_choice else "en_US"
    for sub in subs:
        loc_country = model.locations[sub.location_id].address.country or country
        sub_choice = wholesale_locale(user_lang.get(sub.id, "en"), loc_country)
        sub.language = sub_choice.locale if sub_choice else None
