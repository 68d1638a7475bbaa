"""Phone numbers and extensions: each number to its location and owner, and their checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from migrate import inventory as inv
from migrate.mapping.context import BuildContext
from migrate.mapping.e164 import NumberError, is_digits, is_e164, to_e164
from migrate.mapping.issues import Issues
from migrate.mapping.locations import ensure_location
from migrate.mapping.model import Model
from migrate.mapping.rules import CALLING_PACKAGES
from migrate.plan.model import Number, Subscriber

EXTENSION_MIN, EXTENSION_MAX = 2, 10

_SERVICE_USER_TYPES = {
    "Hunt Group",
    "Call Center",
    "Auto Attendant",
    "Group Paging",
    "Voice Messaging",
    "Meet-Me Conferencing",
    "Instant Group Call",
    "Route Point",
    "Find-me/Follow-me",
    "VoiceXML",
    "Music On Hold",
    "BroadWorks Anywhere",
    "Collaborate Bridge",
    "Flexible Seating Host",
}


def subscriber_number(issues: Issues, sub: Subscriber, user: inv.User) -> None:
    """E.164 from the extractor, else from the raw national/+CC-NSN form."""
    raw_number = user.phone_number_raw or user.phone_number
    sub.phone_number_raw = raw_number
    if user.phone_number and is_e164(user.phone_number):
        sub.phone_number = user.phone_number
    elif raw_number:
        try:
            sub.phone_number = to_e164(raw_number, user.country_code, user.national_prefix)
        except NumberError as err:
            issues.blocker(
                "invalid_number",
                entity="subscriber",
                key=user.user_id,
                customer_id=sub.customer_id,
                message=str(err),
                field="phone_number",
                value=raw_number,
            )


def subscriber_extension(issues: Issues, sub: Subscriber, raw: str | None) -> None:
    """2 to 10 digits; a longer extension keeps its last ten (flagged by check_numbers)."""
    text = (raw or "").strip() or None
    sub.extension_raw = text
    if text is None:
        return
    if not is_digits(text) or len(text) < EXTENSION_MIN:
        issues.blocker(
            "invalid_extension",
            entity="subscriber",
            key=sub.id,
            customer_id=sub.customer_id,
            message=f"extension {text!r} is not {EXTENSION_MIN}-{EXTENSION_MAX} digits",
            field="extension",
            value=text,
        )
        return
    sub.extension = text[-EXTENSION_MAX:] if len(text) > EXTENSION_MAX else text


def map_number(ctx: BuildContext, number: inv.Number) -> None:
    """A number of a group's DN list → its location, and whom it is assigned to."""
    if not number.sp_id or not number.group_id:
        ctx.issues.warning(
            "number_without_group",
            entity="number",
            key=number.phone_number,
            customer_id=None,
            message="number has no group in the inventory: not migrated",
        )
        return
    location = ensure_location(ctx, number.sp_id, number.group_id)
    value = number.phone_number
    if not is_e164(value):
        try:
            value = to_e164(number.phone_number_raw or value)
        except NumberError as err:
            ctx.issues.blocker(
                "invalid_number",
                entity="number",
                key=number.phone_number,
                customer_id=location.customer_id,
                message=str(err),
                field="phone_number",
                value=number.phone_number_raw or number.phone_number,
            )
            return
    record = Number(
        id=value,
        customer_id=location.customer_id,
        location_id=location.id,
        bw_key={"phone_number": number.phone_number},
        phone_number=value,
        phone_number_raw=number.phone_number_raw,
        activated=number.activated,
    )
    user_id = number.user_id
    if user_id and user_id in ctx.model.subscribers:
        record.assigned_to, record.assignment = user_id, "subscriber"
    elif user_id and (user_id in ctx.service_ids or number.user_type in _SERVICE_USER_TYPES):
        record.assigned_to, record.assignment = user_id, "service_instance"
    elif user_id:
        record.assigned_to, record.assignment = user_id, "not_migrated"
    ctx.model.numbers[value] = record


def add_subscriber_numbers(ctx: BuildContext) -> None:
    """Every subscriber's number is a number of its location, listed or not."""
    for sub in ctx.model.subscribers.values():
        if not sub.phone_number:
            continue
        record = ctx.model.numbers.get(sub.phone_number)
        if record is None:
            ctx.issues.warning(
                "number_not_in_group_list",
                entity="number",
                key=sub.phone_number,
                customer_id=sub.customer_id,
                message=f"{sub.id}'s number is not in the group's DN list: added to the location",
            )
            ctx.model.numbers[sub.phone_number] = Number(
                id=sub.phone_number,
                customer_id=sub.customer_id,
                location_id=sub.location_id,
                bw_key={"phone_number": sub.phone_number},
                phone_number=sub.phone_number,
                phone_number_raw=sub.phone_number_raw,
                assigned_to=sub.id,
                assignment="subscriber",
            )
        elif record.assigned_to is None:
            record.assigned_to, record.assignment = sub.id, "subscriber"


def check_numbers(
    model: Model,
    by_customer: dict[str, list[Subscriber]],
    earlier: Mapping[str, str] | None = None,
) -> None:
    """Numbers unique across the estate, extensions unique per location (after overrides).

    The first subscriber in (customer, user id) order keeps a number; ``earlier`` names
    that holder for each later subscriber of ``model`` when the holder may be outside it
    (see :func:`number_claims`)."""
    issues = model.issues
    numbers: dict[str, str] = {}
    extensions: dict[tuple[str, str], str] = {}
    for cid in sorted(by_customer):
        for sub in sorted(by_customer[cid], key=lambda s: s.id):
            if (
                sub.extension_raw
                and sub.extension
                and sub.extension != sub.extension_raw
                and "extension" not in sub.overridden
            ):
                issues.warning(
                    "extension_too_long",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message=f"extension {sub.extension_raw} has {len(sub.extension_raw)} "
                    f"digits; Webex allows {EXTENSION_MIN}-{EXTENSION_MAX}: proposed "
                    f"{sub.extension}",
                    field="extension",
                    value=sub.extension_raw,
                    proposed=sub.extension,
                )
            if sub.package in CALLING_PACKAGES and not sub.phone_number and not sub.extension:
                issues.blocker(
                    "no_number_or_extension",
                    entity="subscriber",
                    key=sub.id,
                    customer_id=cid,
                    message=f"{sub.package} needs a phone number or an extension",
                    field="extension",
                )
            if sub.phone_number:
                holder = numbers.get(sub.phone_number) if earlier is None else earlier.get(sub.id)
                if holder is not None:
                    issues.blocker(
                        "duplicate_number",
                        entity="subscriber",
                        key=sub.id,
                        customer_id=cid,
                        message=f"{sub.phone_number} is also {holder}'s",
                        field="phone_number",
                        value=sub.phone_number,
                    )
                else:
                    numbers[sub.phone_number] = sub.id
            if sub.extension:
                key = (sub.location_id, sub.extension)
                if key in extensions:
                    issues.blocker(
                        "duplicate_extension",
                        entity="subscriber",
                        key=sub.id,
                        customer_id=cid,
                        message=f"extension {sub.extension} is also {extensions[key]}'s in "
                        f"{sub.location_id}",
                        field="extension",
                        value=sub.extension,
                    )
                else:
                    extensions[key] = sub.id


def number_claims(model: Model) -> Iterator[tuple[str, str, str]]:
    """``(number, customer id, user id)`` of every subscriber whose number
    :func:`check_numbers` holds against the others'."""
    for sub in model.active_subscribers():
        if sub.phone_number:
            yield sub.phone_number, sub.customer_id, sub.id
