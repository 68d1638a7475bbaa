"""``migrate.toml``: the choices a migration engineer makes once per project.

Every key is checked: an unknown key or a value of the wrong kind is refused
with the file and the key's dotted path, so a typo never silently falls back
to a default.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import string
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate.errors import ConfigError

CUSTOMER_LEVELS = ("enterprise", "group")
ADMIN_CHOICES = ("contact", "user", "rule")
ADMIN_RULES = ("first_user", "title")


@dataclass(frozen=True)
class AdministratorConfig:
    choose: str = "contact"
    rule: str = "first_user"
    title_pattern: str = "(?i)admin|manager|owner|director"
    users: dict[str, str] = field(default_factory=dict)  # customer id → BroadWorks user id


@dataclass(frozen=True)
class EmailConfig:
    missing: str = "block"  # "block" or a template such as "{first}.{last}@{domain}"
    domains: dict[str, str] = field(default_factory=dict)  # customer id → mail domain

    @property
    def template(self) -> str | None:
        return None if self.missing == "block" else self.missing


@dataclass(frozen=True)
class CutoverConfig:
    # Numbers inactive in BroadWorks that cutover may switch on all the same (E.164):
    # the engineer's deliberate exception, since an inactive number carries no calls today.
    activate_inactive: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerConfig:
    """``[customers."ID"]``: what is known of one customer beyond BroadWorks."""

    # The Webex org a Webex for BroadWorks or UC-One customer already has: the
    # customer is attached to it (``orgId`` in the create) instead of getting a new one.
    org_id: str | None = None
    setup_assist: bool | None = None  # None: the Setup Assist column of review.xlsx decides
    cutover_date: dt.date | None = None  # planned end of onboarding


@dataclass(frozen=True)
class SetupAssistConfig:
    # Days Cisco does not count as business days besides weekends (none by default).
    holidays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Config:
    provisioning_id: str | None = None
    customer_level: str = "enterprise"
    sub_partner_org_id: str | None = None
    emergency_location_identifier: str | None = None
    # location id → emergency location identifier
    emergency_location_identifiers: dict[str, str] = field(default_factory=dict)
    administrator: AdministratorConfig = field(default_factory=AdministratorConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    # False (dark staging): load adds numbers inactive and `cutover` switches them on.
    numbers_active_at_load: bool = False
    cutover: CutoverConfig = field(default_factory=CutoverConfig)
    customers: dict[str, CustomerConfig] = field(default_factory=dict)  # customer id → config
    setup_assist: SetupAssistConfig = field(default_factory=SetupAssistConfig)
    # Above this many subscribers, review.xlsx becomes an index of one workbook per
    # customer: a reviewer opens a customer, and no sheet nears Excel's row limit.
    review_split_rows: int = 100_000
    # Above this many rows, a stage workbook (precheck, plan, load) becomes an index
    # of one workbook per customer under reports/NAME/.
    workbook_split_rows: int = 100_000
    source: str | None = None
    digest: str = ""


_TOP = {
    "provisioning_id",
    "customer_level",
    "sub_partner_org_id",
    "emergency_location_identifier",
    "emergency_location_identifiers",
    "administrator",
    "email",
    "numbers_active_at_load",
    "cutover",
    "customers",
    "setup_assist",
    "review_split_rows",
    "workbook_split_rows",
}
_CUTOVER = {"activate_inactive"}
_CUSTOMER = {"org_id", "setup_assist", "cutover_date"}
_SETUP_ASSIST = {"holidays"}
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_ADMIN = {"choose", "rule", "title_pattern", "users"}
_EMAIL = {"missing", "domains"}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")


# What an [email] missing template may name; migrate.mapping.email.render fills them.
EMAIL_PLACEHOLDERS = frozenset({"first", "last", "user", "extension", "domain"})


def check_email_template(template: str) -> str | None:
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
    allowed = ", ".join(f"{{{p}}}" for p in sorted(EMAIL_PLACEHOLDERS))
    for name, spec, conversion in fields:
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return f"placeholder {{{shown}}} has a format; use plain {allowed}"
        if name not in EMAIL_PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}; use {allowed}"
    if "@" not in template:
        return "template has no '@'"
    return None


_ORG_URI = re.compile(r"^ciscospark://[a-z0-9-]+/ORGANIZATION/([0-9a-fA-F-]{36})$")


def normalize_org_id(text: str) -> str:
    """A Webex org id as the API takes it, or ValueError saying what is wrong.

    The API wants the encoded id (base64 of ``ciscospark://us/ORGANIZATION/<uuid>``);
    Partner Hub shows the bare UUID, which is encoded here.
    """
    value = text.strip()
    try:
        return (
            base64.urlsafe_b64encode(f"ciscospark://us/ORGANIZATION/{uuid.UUID(value)}".encode())
            .decode()
            .rstrip("=")
        )
    except ValueError:
        pass
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    match = _ORG_URI.match(decoded)
    if match is None:
        raise ValueError(
            f"{value!r} is not a Webex organization id (the encoded id, or the UUID "
            "Partner Hub shows)"
        )
    try:
        uuid.UUID(match.group(1))
    except ValueError:
        raise ValueError(f"{value!r} holds no valid organization UUID") from None
    return value


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> None:
        raise ConfigError(f"{self.path}: key {key}: {message}")

    def keys(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in sorted(table):
            if key not in allowed:
                self.fail(prefix + key, f"unknown key; allowed: {', '.join(sorted(allowed))}")

    def text(self, table: dict[str, Any], key: str, prefix: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(prefix + key, f"expected a string, got {type(value).__name__} {value!r}")
        return str(value).strip() or None

    def choice(
        self, table: dict[str, Any], key: str, prefix: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = self.text(table, key, prefix) or default
        if value not in choices:
            self.fail(prefix + key, f"bad value {value!r}; use one of {', '.join(choices)}")
        return value

    def table(self, table: dict[str, Any], key: str, prefix: str) -> dict[str, Any]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.fail(prefix + key, f"expected a table, got {type(value).__name__}")
        return dict(value)

    def flag(self, table: dict[str, Any], key: str, prefix: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(prefix + key, f"expected true or false, got {value!r}")
        return bool(value)

    def count(self, table: dict[str, Any], key: str, prefix: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(prefix + key, f"expected a positive whole number, got {value!r}")
        return int(value)

    def numbers(self, table: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.fail(prefix + key, f"expected a list of E.164 numbers, got {value!r}")
        for item in value:
            if not isinstance(item, str) or not _E164.match(item):
                self.fail(prefix + key, f"not an E.164 number: {item!r}")
        return tuple(dict.fromkeys(value))

    def date(self, table: dict[str, Any], key: str, prefix: str) -> dt.date | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(prefix + key, f"expected a date such as 2027-01-15, got {value!r}")
        return value  # type: ignore[no-any-return]

    def str_map(self, table: dict[str, Any], key: str, prefix: str) -> dict[str, str]:
        raw = self.table(table, key, prefix)
        out: dict[str, str] = {}
        for name, value in raw.items():
            if not isinstance(value, str) or not value.strip():
                self.fail(f"{prefix}{key}.{name}", f"expected a non-empty string, got {value!r}")
            out[str(name)] = str(value).strip()
        return out


def load_config(path: Path | None) -> Config:
    """Read ``migrate.toml``; with no file every default applies."""
    if path is None:
        return Config()
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from err
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    check = _Checker(path)
    check.keys(data, _TOP, "")
    level = check.choice(data, "customer_level", "", CUSTOMER_LEVELS, "enterprise")

    admin_raw = check.table(data, "administrator", "")
    check.keys(admin_raw, _ADMIN, "administrator.")
    pattern = (
        check.text(admin_raw, "title_pattern", "administrator.")
        or AdministratorConfig.title_pattern
    )
    try:
        re.compile(pattern)
    except re.error as err:
        check.fail("administrator.title_pattern", f"broken pattern {pattern!r}: {err}")
    admin = AdministratorConfig(
        choose=check.choice(admin_raw, "choose", "administrator.", ADMIN_CHOICES, "contact"),
        rule=check.choice(admin_raw, "rule", "administrator.", ADMIN_RULES, "first_user"),
        title_pattern=pattern,
        users=check.str_map(admin_raw, "users", "administrator."),
    )
    if admin.choose == "user" and not admin.users:
        check.fail("administrator.users", 'choose = "user" needs a [administrator.users] table')

    email_raw = check.table(data, "email", "")
    check.keys(email_raw, _EMAIL, "email.")
    missing = check.text(email_raw, "missing", "email.") or "block"
    if missing != "block":
        problem = check_email_template(missing)
        if problem:
            check.fail("email.missing", f'bad value {missing!r}: {problem} (or use "block")')
    domains = check.str_map(email_raw, "domains", "email.")
    for name, domain in domains.items():
        if not _DOMAIN.match(domain):
            check.fail(f"email.domains.{name}", f"not a mail domain: {domain!r}")

    cutover_raw = check.table(data, "cutover", "")
    check.keys(cutover_raw, _CUTOVER, "cutover.")
    customers = _customers(check, check.table(data, "customers", ""))
    assist_raw = check.table(data, "setup_assist", "")
    check.keys(assist_raw, _SETUP_ASSIST, "setup_assist.")
    holidays = assist_raw.get("holidays", [])
    if not isinstance(holidays, list) or any(
        isinstance(d, dt.datetime) or not isinstance(d, dt.date) for d in holidays
    ):
        check.fail("setup_assist.holidays", f"expected a list of dates, got {holidays!r}")

    return Config(
        provisioning_id=check.text(data, "provisioning_id", ""),
        customer_level=level,
        sub_partner_org_id=check.text(data, "sub_partner_org_id", ""),
        emergency_location_identifier=check.text(data, "emergency_location_identifier", ""),
        emergency_location_identifiers=check.str_map(data, "emergency_location_identifiers", ""),
        administrator=admin,
        email=EmailConfig(missing=missing, domains=domains),
        numbers_active_at_load=check.flag(data, "numbers_active_at_load", "", False),
        review_split_rows=check.count(data, "review_split_rows", "", Config.review_split_rows),
        workbook_split_rows=check.count(
            data, "workbook_split_rows", "", Config.workbook_split_rows
        ),
        cutover=CutoverConfig(
            activate_inactive=check.numbers(cutover_raw, "activate_inactive", "cutover.")
        ),
        customers=customers,
        setup_assist=SetupAssistConfig(holidays=tuple(sorted(set(holidays)))),
        source=str(path),
        digest=hashlib.sha256(raw_bytes).hexdigest(),
    )


def _customers(check: _Checker, raw: dict[str, Any]) -> dict[str, CustomerConfig]:
    out: dict[str, CustomerConfig] = {}
    owner: dict[str, str] = {}
    for name in sorted(raw):
        prefix = f"customers.{name}."
        table = check.table(raw, name, "customers.")
        check.keys(table, _CUSTOMER, prefix)
        org_id = check.text(table, "org_id", prefix)
        if org_id is not None:
            try:
                org_id = normalize_org_id(org_id)
            except ValueError as err:
                check.fail(prefix + "org_id", str(err))
            if org_id in owner:
                check.fail(prefix + "org_id", f"also the org of customer {owner[org_id]!r}")
            owner[org_id] = name
        assist = table.get("setup_assist")
        if assist is not None and not isinstance(assist, bool):
            check.fail(prefix + "setup_assist", f"expected true or false, got {assist!r}")
        out[name] = CustomerConfig(org_id, assist, check.date(table, "cutover_date", prefix))
    return out
