"""BroadWorks user → Wholesale subscriber, one named step per concern."""

from __future__ import annotations

from migrate import inventory as inv
from migrate.mapping import timezone
from migrate.mapping.context import BuildContext
from migrate.mapping.languages import user_language
from migrate.mapping.locations import ensure_location
from migrate.mapping.names import clean_name
from migrate.mapping.numbers import subscriber_extension, subscriber_number
from migrate.mapping.rules import PackageRule
from migrate.plan.model import Location, Subscriber


def map_user(ctx: BuildContext, user: inv.User) -> None:
    if not user.sp_id or not user.group_id:
        ctx.issues.blocker(
            "user_without_group",
            entity="subscriber",
            key=user.user_id,
            customer_id=None,
            message="user has no service provider or group in the inventory",
        )
        return
    location = ensure_location(ctx, user.sp_id, user.group_id)
    if user.trunk_user:
        _trunk_user(ctx, user, location)
        return
    services = _services(ctx, user, user.sp_id, location.customer_id)
    telephony = bool(user.phone_number or user.phone_number_raw or (user.extension or "").strip())
    rule = ctx.tables.packages.classify(services, bool(user.is_place), telephony=telephony)
    sub = _subscriber(ctx, user, location, rule, services)
    subscriber_number(ctx.issues, sub, user)
    subscriber_extension(ctx.issues, sub, user.extension)
    _email(sub, user)
    sub.language_raw = user.language
    user_language(ctx, user, location.customer_id)
    _time_zone(ctx, sub, user)
    if user.title:
        ctx.model.titles[user.user_id] = user.title
    _lost_services(ctx, sub, user, rule)
    ctx.model.subscribers[user.user_id] = sub


def _trunk_user(ctx: BuildContext, user: inv.User, location: Location) -> None:
    ctx.model.add_not_migrated(
        kind="user",
        key=user.user_id,
        customer_id=location.customer_id,
        location_id=location.id,
        bw_key={"user_id": user.user_id},
        name=_full_name(user),
        items=[],
        reason="trunk user (PBX behind a trunk group)",
        rebuild="rebuild as a Local Gateway / trunk and a route group",
    )


def _services(ctx: BuildContext, user: inv.User, sp_id: str, customer_id: str) -> tuple[str, ...]:
    """The user's services with its service packs expanded."""
    services = list(user.services)
    for pack in user.service_packs:
        expanded = ctx.packs.get((sp_id, pack))
        if expanded is None:
            ctx.issues.warning(
                "unknown_service_pack",
                entity="subscriber",
                key=user.user_id,
                customer_id=customer_id,
                message=f"service pack {pack!r} is not in service_packs.jsonl: its "
                "services are not counted",
                field="service_packs",
                value=pack,
            )
            continue
        services.extend(expanded)
    return ctx.intern(services)


def _subscriber(
    ctx: BuildContext,
    user: inv.User,
    location: Location,
    rule: PackageRule,
    services: tuple[str, ...],
) -> Subscriber:
    cid = location.customer_id
    # Wholesale requires both names; the calling-line-id names are the next best thing.
    first, _ = clean_name(
        ctx.issues,
        user.first_name or user.calling_line_id_first_name,
        "",
        entity="subscriber",
        key=user.user_id,
        customer_id=cid,
        field="first_name",
    )
    last, _ = clean_name(
        ctx.issues,
        user.last_name or user.calling_line_id_last_name,
        "",
        entity="subscriber",
        key=user.user_id,
        customer_id=cid,
        field="last_name",
    )
    if not first or not last:
        ctx.issues.blocker(
            "missing_name",
            entity="subscriber",
            key=user.user_id,
            customer_id=cid,
            message="Wholesale needs a first and a last name",
            field="name",
            value=" ".join(p for p in (first, last) if p) or None,
        )
    return Subscriber(
        id=user.user_id,
        customer_id=cid,
        location_id=location.id,
        bw_key={"user_id": user.user_id},
        first_name=first or None,
        last_name=last or None,
        package=rule.package,
        package_rule=rule.order,
        is_place=bool(user.is_place),
        services=services,
    )


def _email(sub: Subscriber, user: inv.User) -> None:
    email = (user.email or "").strip() or None
    sub.email_raw = email
    sub.email = email
    sub.email_source = "broadworks" if email else "missing"


def _time_zone(ctx: BuildContext, sub: Subscriber, user: inv.User) -> None:
    if not user.time_zone:
        return
    sub.time_zone_raw = user.time_zone
    sub.time_zone = timezone.resolve(user.time_zone)
    if sub.time_zone is None:
        ctx.issues.warning(
            "unknown_time_zone",
            entity="subscriber",
            key=user.user_id,
            customer_id=sub.customer_id,
            message=f"time zone {user.time_zone!r} is not an IANA zone; the location's applies",
            field="time_zone",
            value=user.time_zone,
        )


def _lost_services(ctx: BuildContext, sub: Subscriber, user: inv.User, rule: PackageRule) -> None:
    """Services the user's package has no equivalent for, listed to rebuild."""
    lost = ctx.tables.lost_services.lost(sub.services)
    if not lost:
        return
    sub.lost_services = tuple(s for s, _ in lost)
    ctx.model.add_not_migrated(
        kind="services",
        key=user.user_id,
        customer_id=sub.customer_id,
        location_id=sub.location_id,
        bw_key={"user_id": user.user_id},
        name=_full_name(user),
        items=[s for s, _ in lost],
        reason=f"no Wholesale equivalent in {rule.package}",
        rebuild="; ".join(f"{s}: {r}" for s, r in lost),
    )


def _full_name(user: inv.User) -> str | None:
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    return name or None
