"""Email checks and the template for users BroadWorks has no email for."""

from __future__ import annotations

import re
import string
import unicodedata

# Deliberately simple: Webex rejects anything odder than this anyway, and a
# reviewer must be able to see why an address was refused.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_LOCAL_UNSAFE = re.compile(r"[^a-z0-9._-]+")

PLACEHOLDERS = frozenset({"first", "last", "user", "extension", "domain"})


def is_valid(email: str) -> bool:
    return len(email) <= 254 and ".." not in email and bool(_EMAIL.match(email))


def check_template(template: str) -> str | None:
    """Why ``template`` cannot be used, or None when it can.

    Only bare ``{name}`` placeholders: a format spec (``{first:>99999999}`` pads to
    100 MB), a conversion (``{first!r}``) or an attribute or index (``{first.x}``,
    ``{first[0]}``) makes the template a program, not a pattern.
    """
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None
        ]
    except ValueError as err:
        return f"broken template: {err}"
    allowed = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
    for name, spec, conversion in fields:
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return f"placeholder {{{shown}}} has a format; use plain {allowed}"
        if name not in PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}; use {allowed}"
    if "@" not in template:
        return "template has no '@'"
    return None


def _slug(text: str | None) -> str:
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _LOCAL_UNSAFE.sub("", ascii_text.lower().replace(" ", "."))


def render(
    template: str,
    *,
    first: str | None,
    last: str | None,
    user_id: str,
    extension: str | None,
    domain: str,
) -> str:
    """Fill the template; parts are lower-cased and stripped of accents."""
    email = template.format(
        first=_slug(first),
        last=_slug(last),
        user=_slug(user_id.split("@", 1)[0]),
        extension=extension or "",
        domain=domain.lower(),
    )
    local, _, host = email.partition("@")
    local = re.sub(r"\.{2,}", ".", local).strip(".")
    return f"{local}@{host}"
