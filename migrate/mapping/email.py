"""Email checks and the template for users BroadWorks has no email for.

The template's placeholders are checked where ``migrate.toml`` is read
(:func:`migrate.config.check_email_template`).
"""

from __future__ import annotations

import re
import unicodedata

# Deliberately simple: Webex rejects anything odder than this anyway, and a
# reviewer must be able to see why an address was refused.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_LOCAL_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def is_valid(email: str) -> bool:
    return len(email) <= 254 and ".." not in email and bool(_EMAIL.match(email))


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
