"""Inventory → wholesale model (DESIGN §5).

Two phases around the reviewer's overrides: :func:`build` maps every
BroadWorks record to its Wholesale counterpart with the values an engineer
would propose; :func:`finalize` runs after the overrides, chooses each
customer's administrator, derives languages and checks everything that an
override can change (emails, extensions, numbers), so the issues always
describe the final model.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from migrate import inventory as inv
from migrate.config import Config
from migrate.errors import InputError
from migrate.mapping import email as email_rules
from migrate.mapping import timezone
from migrate.mapping.e164 import NumberError, is_e164, to_e164
from migrate.mapping.locale import CALL_IN_COUNTRY_CODE, split, wholesale_locale
from migrate.mapping.rules import CALLING_PACKAGES, MIGRATED_DEVICE_KINDS, is_workspace
from migrate.mapping.tables import Tables
from migrate.plan.model import (
    BLOCKER,
    WARNING,
    Address,
    Customer,
    Device,
    Issue,
    Location,
    NotMigrated,
    Number,
    Subscriber,
    Workspace,
)

MAX_ADDRESS_LINE = 50
EXTENSION_MIN, EXTENSION_MAX = 2, 10
_MAC_SEPARATORS = re.compile(r"[\s:.\-]+")
_MAC = re.compile(r"^[0-9A-F]{12}$")
_SEVERITY_ORDER = {BLOCKER: 0, WARNING: 1}
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
# Country of a calling code when an address gives none (+1 is ambiguous: US first).
_COUNTRY_BY_CALLING_CODE = {
    "1": "US",
    "44": "GB",
    "61": "AU",
    "49": "DE",
    "33": "FR",
    "65": "SG",
    "64": "NZ",
    "353": "IE",
    "34": "ES",
    "39": "IT",
    "31": "NL",
    "52": "MX",
    "55": "BR",
    "56": "CL",
    "57": "CO",
    "32": "BE",
    "41": "CH",
    "43": "AT",
    "45": "DK",
    "46": "SE",
    "47": "NO",
    "48": "PL",
    "351": "PT",
    "81": "JP",
    "91": "IN",
}
_REBUILD = {
    "hunt_group": "rebuild as a Webex hunt group in Control Hub (same number, extension, "
    "policy and agents)",
    "call_center": "rebuild as a Webex call queue (Customer Experience) with the same "
    "agents and number",
    "auto_attendant": "rebuild as a Webex auto attendant: menus, schedules and greetings "
    "must be re-created",
}


class Issues:
    """Collects issues once each (stable ids) in the order found."""

    def __init__(self) -> None:
        self.items: dict[str, Issue] = {}

    def add(
        self,
        severity: str,
        code: str,
        entity: str,
        key: str,
        customer_id: str | None,
        message: str,
        *,
        field: str | None = None,
        value: str | None = None,
        proposed: str | None = None,
    ) -> None:
        issue_id = f"{code}:{entity}:{key}" + (f":{field}" if field else "")
        if issue_id not in self.items:
            self.items[issue_id] = Issue(
                issue_id, severity, code, entity, key, customer_id, field, value, proposed, message
            )


@dataclass
class Model:
    customers: dict[str, Customer] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    numbers: dict[str, Number] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    not_migrated: dict[str, NotMigrated] = field(default_factory=dict)
    issues: Issues = field(default_factory=Issues)
    inventory_fingerprint: str = ""
    # Context finalize needs but the model files do not carry.
    contact_emails: dict[str, str] = field(default_factory=dict)  # customer id → contact email
    titles: dict[str, str] = field(default_factory=dict)  # user id → title
    user_languages: dict[str, str] = field(default_factory=dict)  # user id → "fr" / "fr_CA"

    def active_subscribers(self) -> Iterable[Subscriber]:
        return (s for s in self.subscribers.values() if not s.skipped)

    def sorted_customers(self) -> list[Customer]:
        return [self.customers[k] for k in sorted(self.customers)]

    def sorted_locations(self) -> list[Location]:
        return sorted(
            self.locations.values(), key=lambda x: (x.customer_id, not x.is_primary, x.id)
        )

    def sorted_subscribers(self, include_skipped: bool = False) -> list[Subscriber]:
        subs = self.subscribers.values() if include_skipped else self.active_subscribers()
        return sorted(subs, key=lambda s: (s.customer_id, not s.is_admin, s.id))

    def sorted_numbers(self) -> list[Number]:
        return sorted(self.numbers.values(), key=lambda n: (n.customer_id, n.location_id, n.id))

    def sorted_devices(self) -> list[Device]:
        return [self.devices[k] for k in sorted(self.devices)]

    def sorted_not_migrated(self) -> list[NotMigrated]:
        return sorted(self.not_migrated.values(), key=lambda n: (n.customer_id, n.kind, n.id))

    def sorted_issues(self) -> list[Issue]:
        return sorted(
            self.issues.items.values(),
            key=lambda i: (
                i.customer_id or "",
                _SEVERITY_ORDER[i.severity],
                i.code,
                i.entity,
                i.key,
                i.field or "",
            ),
        )


def inventory_fingerprint(workspace: Path) -> str:
    """sha256 over the inventory files (not the manifest, which carries run details)."""
    folder = inv.inventory_dir(workspace)
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


class _Builder:
    def __init__(self, workspace: Path, tables: Tables, config: Config) -> None:
        self.workspace = workspace
        self.tables = tables
        self.config = config
        self.model = Model()
        self.issues = self.model.issues
        self.sps: dict[str, inv.ServiceProvider] = {}
        self.groups: dict[tuple[str, str], inv.Group] = {}
        self.packs: dict[tuple[str, str], tuple[str, ...]] = {}
        self.inv_languages: dict[str, str] = {}
        self.interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.service_ids: set[str] = set()
        self.not_migrated_users: set[str] = set()
        self.user_lang: dict[str, str] = {}  # user id → "fr" or "fr_CA"

    # -- keys -----------------------------------------------------------------
    def customer_id(self, sp_id: str, group_id: str) -> str:
        return sp_id if self.config.customer_level == "enterprise" else f"{sp_id}/{group_id}"

    # -- addresses ------------------------------------------------------------
    def address(self, raw: inv.Address | None, entity: str, key: str, customer_id: str) -> Address:
        if raw is None:
            return Address()
        out = Address()
        lines = (("address_line1", raw.line1), ("address_line2", raw.line2))
        for name, value in lines:
            text = " ".join((value or "").split()) or None
            if text and len(text) > MAX_ADDRESS_LINE:
                short = _shorten(text)
                self.issues.add(
                    WARNING,
                    "address_line_too_long",
                    entity,
                    key,
                    customer_id,
                    f"{name} has {len(text)} characters; Wholesale allows "
                    f"{MAX_ADDRESS_LINE}: shortened",
                    field=name,
                    value=text,
                    proposed=short,
                )
                text = short
            setattr(out, name, text)
        out.city = " ".join((raw.city or "").split()) or None
        out.zip_or_postal_code = (raw.postal_code or "").strip() or None
        if raw.country and raw.country.strip():
            code = self.tables.countries.lookup(raw.country)
            if code is None:
                self.issues.add(
                    BLOCKER,
                    "unknown_country",
                    entity,
                    key,
                    customer_id,
                    f"country {raw.country!r} is not in countries.csv; add it or fix "
                    "the BroadWorks address",
                    field="country",
                    value=raw.country,
                )
            out.country = code
        state = (raw.state or raw.state_display or "").strip() or None
        if state:
            code = self.tables.states.lookup(out.country, state)
            if code is None and self.tables.states.knows(out.country):
                self.issues.add(
                    WARNING,
                    "unknown_state",
                    entity,
                    key,
                    customer_id,
                    f"state {state!r} is not a state of {out.country} in states.csv",
                    field="state_or_province",
                    value=state,
                )
            out.state_or_province = code or state
        return out

    def name(
        self,
        text: str | None,
        fallback: str,
        entity: str,
        key: str,
        customer_id: str,
        field: str = "name",
    ) -> tuple[str, str | None]:
        raw = text.strip() if text and text.strip() else None
        value = raw or fallback
        if "%" in value:
            clean = " ".join(value.replace("%", " ").split()) or fallback.replace("%", "")
            self.issues.add(
                WARNING,
                "percent_in_name",
                entity,
                key,
                customer_id,
                "Wholesale refuses '%' in names: removed",
                field=field,
                value=value,
                proposed=clean,
            )
            value = clean
        return value, raw

    # -- build ----------------------------------------------------------------
    def run(self) -> Model:
        ws = self.workspace
        if not inv.inventory_dir(ws).is_dir():
            raise InputError(f"{inv.inventory_dir(ws)}: no inventory; run `migrate extract` first")
        self.model.inventory_fingerprint = inventory_fingerprint(ws)
        for sp in inv.read(ws, "service_providers"):
            self.sps[sp.sp_id] = sp
        for group in inv.read(ws, "groups"):
            self.groups[(group.sp_id, group.group_id)] = group
        for pack in inv.read(ws, "service_packs"):
            self.packs[(pack.sp_id, pack.name)] = tuple(pack.services)
        for language in inv.read(ws, "languages"):
            if language.locale:
                self.inv_languages[language.language.casefold()] = language.locale
        for instance in inv.read(ws, "service_instances"):
            self.service_ids.add(instance.service_user_id)
        for key in sorted(self.groups):
            self.ensure_location(*key)
        for user in inv.read(ws, "users"):
            self.user(user)
        self.generate_emails()
        for number in inv.read(ws, "numbers"):
            self.number(number)
        self.subscriber_numbers()
        self.devices(inv.read(ws, "devices"))
        for instance in inv.read(ws, "service_instances"):
            self.service_instance(instance)
        for warning in inv.read(ws, "warnings"):
            # An OCI error or a dropped record means something is missing from the model.
            if warning.severity in ("error", "warning"):
                where = f"{warning.file}: {warning.record or ''}".rstrip(": ")
                self.issues.add(
                    WARNING,
                    "extract_warning",
                    "inventory",
                    where,
                    None,
                    f"extract {warning.severity} {warning.code}: {warning.message}",
                    field=warning.field,
                    value=str(warning.oci_error_code or "") or None,
                )
        self.model.user_languages = self.user_lang
        return self.model

    def ensure_customer(self, sp_id: str, group_id: str) -> Customer:
        cid = self.customer_id(sp_id, group_id)
        customer = self.model.customers.get(cid)
        if customer is not None:
            return customer
        sp = self.sps.get(sp_id)
        if sp is None:
            self.issues.add(
                WARNING,
                "missing_service_provider",
                "customer",
                cid,
                cid,
                f"service provider {sp_id!r} is not in the inventory",
            )
        group = self.groups.get((sp_id, group_id))
        if self.config.customer_level == "enterprise":
            if sp is not None and sp.is_enterprise is False:
                self.issues.add(
                    WARNING,
                    "service_provider_as_customer",
                    "customer",
                    cid,
                    cid,
                    f"{sp_id!r} is a service provider, not an enterprise: its groups "
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
        name, name_raw = self.name(name_text, cid.replace("/", " "), "customer", cid, cid)
        customer = Customer(
            id=cid,
            bw_key=bw_key,
            level=self.config.customer_level,
            name=name,
            name_raw=name_raw,
            external_id=cid,
            provisioning_id=self.config.provisioning_id,
            sub_partner_org_id=self.config.sub_partner_org_id,
            contact_email=(contact or "").strip() or None,
        )
        if raw_address is None and self.config.customer_level == "enterprise":
            raw_address = next(
                (g.address for k, g in sorted(self.groups.items()) if k[0] == sp_id and g.address),
                None,
            )
        customer.address = self.address(raw_address, "customer", cid, cid)
        if customer.contact_email:
            self.model.contact_emails[cid] = customer.contact_email
        self.model.customers[cid] = customer
        return customer

    def ensure_location(self, sp_id: str, group_id: str) -> Location:
        lid = f"{sp_id}/{group_id}"
        location = self.model.locations.get(lid)
        if location is not None:
            return location
        customer = self.ensure_customer(sp_id, group_id)
        group = self.groups.get((sp_id, group_id))
        if group is None:
            self.issues.add(
                BLOCKER,
                "missing_group",
                "location",
                lid,
                customer.id,
                f"group {group_id!r} of {sp_id!r} is not in the inventory (its GroupGet failed?)",
            )
            group = inv.Group(sp_id=sp_id, group_id=group_id)
        name, name_raw = self.name(group.name, group_id, "location", lid, customer.id)
        location = Location(
            id=lid,
            customer_id=customer.id,
            bw_key={"sp_id": sp_id, "group_id": group_id},
            name=name,
            name_raw=name_raw,
        )
        location.address = self.address(group.address, "location", lid, customer.id)
        if not location.address.country and customer.address.country:
            location.address.country = customer.address.country
        if group.time_zone:
            location.time_zone_raw = group.time_zone
            location.time_zone = timezone.resolve(group.time_zone)
            if location.time_zone is None:
                self.issues.add(
                    BLOCKER,
                    "unknown_time_zone",
                    "location",
                    lid,
                    customer.id,
                    f"time zone {group.time_zone!r} is not an IANA zone",
                    field="time_zone",
                    value=group.time_zone,
                )
        location.calling_line_id_number = group.calling_line_id_number
        location.emergency_location_identifier = (
            self.config.emergency_location_identifiers.get(lid)
            or self.config.emergency_location_identifier
        )
        self.model.locations[lid] = location
        return location

    def intern(self, services: Iterable[str]) -> tuple[str, ...]:
        key = tuple(sorted(set(services)))
        return self.interned.setdefault(key, key)

    def user(self, user: inv.User) -> None:
        if not user.sp_id or not user.group_id:
            self.issues.add(
                BLOCKER,
                "user_without_group",
                "subscriber",
                user.user_id,
                None,
                "user has no service provider or group in the inventory",
            )
            return
        location = self.ensure_location(user.sp_id, user.group_id)
        cid = location.customer_id
        if user.trunk_user:
            self.not_migrated_users.add(user.user_id)
            self.add_not_migrated(
                "user",
                user.user_id,
                cid,
                location.id,
                {"user_id": user.user_id},
                _full_name(user),
                [],
                "trunk user (PBX behind a trunk group)",
                "rebuild as a Local Gateway / trunk and a route group",
            )
            return
        services = list(user.services)
        for pack in user.service_packs:
            expanded = self.packs.get((user.sp_id, pack))
            if expanded is None:
                self.issues.add(
                    WARNING,
                    "unknown_service_pack",
                    "subscriber",
                    user.user_id,
                    cid,
                    f"service pack {pack!r} is not in service_packs.jsonl: its "
                    "services are not counted",
                    field="service_packs",
                    value=pack,
                )
                continue
            services.extend(expanded)
        service_set = self.intern(services)
        rule = self.tables.packages.classify(service_set, bool(user.is_place))
        # Wholesale requires both names; the calling-line-id names are the next best thing.
        first, _ = self.name(
            user.first_name or user.calling_line_id_first_name,
            "",
            "subscriber",
            user.user_id,
            cid,
            "first_name",
        )
        last, _ = self.name(
            user.last_name or user.calling_line_id_last_name,
            "",
            "subscriber",
            user.user_id,
            cid,
            "last_name",
        )
        if not first or not last:
            self.issues.add(
                BLOCKER,
                "missing_name",
                "subscriber",
                user.user_id,
                cid,
                "Wholesale needs a first and a last name",
                field="name",
                value=" ".join(p for p in (first, last) if p) or None,
            )
        sub = Subscriber(
            id=user.user_id,
            customer_id=cid,
            location_id=location.id,
            bw_key={"user_id": user.user_id},
            first_name=first or None,
            last_name=last or None,
            package=rule.package,
            package_rule=rule.order,
            is_place=bool(user.is_place),
            services=service_set,
        )
        # Phone number: E.164 from the extractor, else from the raw national/+CC-NSN form.
        raw_number = user.phone_number_raw or user.phone_number
        sub.phone_number_raw = raw_number
        if user.phone_number and is_e164(user.phone_number):
            sub.phone_number = user.phone_number
        elif raw_number:
            try:
                sub.phone_number = to_e164(raw_number, user.country_code, user.national_prefix)
            except NumberError as err:
                self.issues.add(
                    BLOCKER,
                    "invalid_number",
                    "subscriber",
                    user.user_id,
                    cid,
                    str(err),
                    field="phone_number",
                    value=raw_number,
                )
        self.extension(sub, user.extension)
        email = (user.email or "").strip() or None
        sub.email_raw = email
        sub.email = email
        sub.email_source = "broadworks" if email else "missing"
        # Language: the table first, then the system's own language list.
        sub.language_raw = user.language
        lang = self.tables.language(user.language)
        if lang is not None:
            code = f"{lang.code}_{lang.country}" if lang.country else lang.code
            self.user_lang[user.user_id] = code
        elif user.language:
            locale = self.inv_languages.get(user.language.casefold())
            if locale:
                self.user_lang[user.user_id] = locale
            else:
                self.issues.add(
                    WARNING,
                    "unknown_language",
                    "customer",
                    cid,
                    cid,
                    f"language {user.language!r} is not in languages.csv; its users "
                    "count as English",
                    field=f"language {user.language}",
                    value=user.language,
                )
        if user.time_zone:
            sub.time_zone_raw = user.time_zone
            sub.time_zone = timezone.resolve(user.time_zone)
            if sub.time_zone is None:
                self.issues.add(
                    WARNING,
                    "unknown_time_zone",
                    "subscriber",
                    user.user_id,
                    cid,
                    f"time zone {user.time_zone!r} is not an IANA zone; the location's applies",
                    field="time_zone",
                    value=user.time_zone,
                )
        if user.title:
            self.model.titles[user.user_id] = user.title
        lost = self.tables.lost_services.lost(service_set)
        if lost:
            sub.lost_services = tuple(s for s, _ in lost)
            self.add_not_migrated(
                "services",
                user.user_id,
                cid,
                location.id,
                {"user_id": user.user_id},
                _full_name(user),
                [s for s, _ in lost],
                f"no Wholesale equivalent in {rule.package}",
                "; ".join(f"{s}: {r}" for s, r in lost),
            )
        self.model.subscribers[user.user_id] = sub

    def extension(self, sub: Subscriber, raw: str | None) -> None:
        text = (raw or "").strip() or None
        sub.extension_raw = text
        if text is None:
            return
        if not text.isdigit() or len(text) < EXTENSION_MIN:
            self.issues.add(
                BLOCKER,
                "invalid_extension",
                "subscriber",
                sub.id,
                sub.customer_id,
                f"extension {text!r} is not {EXTENSION_MIN}-{EXTENSION_MAX} digits",
                field="extension",
                value=text,
            )
            return
        sub.extension = text[-EXTENSION_MAX:] if len(text) > EXTENSION_MAX else text

    def generate_emails(self) -> None:
        template = self.config.email.template
        if template is None:
            return
        domains: dict[str, Counter[str]] = defaultdict(Counter)
        for sub in self.model.subscribers.values():
            if sub.email and "@" in sub.email:
                domains[sub.customer_id][sub.email.rsplit("@", 1)[1].lower()] += 1
        for sub in self.model.subscribers.values():
            if sub.email:
                continue
            domain = self.config.email.domains.get(sub.customer_id)
            if domain is None and domains[sub.customer_id]:
                domain = min(domains[sub.customer_id].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if domain is None:
                self.issues.add(
                    BLOCKER,
                    "no_email_domain",
                    "customer",
                    sub.customer_id,
                    sub.customer_id,
                    "no mail domain for the email template: set "
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

    def number(self, number: inv.Number) -> None:
        if not number.sp_id or not number.group_id:
            self.issues.add(
                WARNING,
                "number_without_group",
                "number",
                number.phone_number,
                None,
                "number has no group in the inventory: not migrated",
            )
            return
        location = self.ensure_location(number.sp_id, number.group_id)
        value = number.phone_number
        if not is_e164(value):
            try:
                value = to_e164(number.phone_number_raw or value)
            except NumberError as err:
                self.issues.add(
                    BLOCKER,
                    "invalid_number",
                    "number",
                    number.phone_number,
                    location.customer_id,
                    str(err),
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
        if user_id and user_id in self.model.subscribers:
            record.assigned_to, record.assignment = user_id, "subscriber"
        elif user_id and (user_id in self.service_ids or number.user_type in _SERVICE_USER_TYPES):
            record.assigned_to, record.assignment = user_id, "service_instance"
        elif user_id:
            record.assigned_to, record.assignment = user_id, "not_migrated"
        self.model.numbers[value] = record

    def subscriber_numbers(self) -> None:
        for sub in self.model.subscribers.values():
            if not sub.phone_number:
                continue
            record = self.model.numbers.get(sub.phone_number)
            if record is None:
                self.issues.add(
                    WARNING,
                    "number_not_in_group_list",
                    "number",
                    sub.phone_number,
                    sub.customer_id,
                    f"{sub.id}'s number is not in the group's DN list: added to the location",
                )
                self.model.numbers[sub.phone_number] = Number(
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

    def devices(self, devices: Iterable[inv.Device]) -> None:
        by_mac: dict[str, str] = {}
        records = sorted(devices, key=lambda d: (d.sp_id, d.group_id, d.device_name))
        for device in records:
            location = self.ensure_location(device.sp_id, device.group_id)
            cid = location.customer_id
            did = f"{device.sp_id}/{device.group_id}/{device.device_name}"
            agents = [ua for ua in [device.version, *device.user_agents] if ua]
            match = self.tables.devices.classify(device.device_type, agents)
            lines = sorted(device.lines, key=_line_order)
            users = [ln.user_id for ln in lines if ln.user_id]
            record = Device(
                id=did,
                customer_id=cid,
                location_id=location.id,
                bw_key={
                    "sp_id": device.sp_id,
                    "group_id": device.group_id,
                    "device_name": device.device_name,
                },
                device_name=device.device_name,
                device_type=device.device_type,
                model=match.model,
                kind=match.kind,
                evidence=match.evidence,
                owner=users[0] if users else None,
                lines=sorted(set(users)),
            )
            raw_mac = device.mac_address_raw or device.mac_address
            record.mac_raw = raw_mac
            reason: str | None = None
            if match.kind not in MIGRATED_DEVICE_KINDS:
                reason = {"soft_client": "soft client: becomes the Webex App"}.get(
                    match.kind, match.note or match.kind
                )
            if raw_mac and raw_mac.strip():
                mac = _MAC_SEPARATORS.sub("", raw_mac).upper()
                if _MAC.match(mac):
                    record.mac = mac
                    if mac in by_mac and match.kind in MIGRATED_DEVICE_KINDS:
                        self.issues.add(
                            BLOCKER,
                            "duplicate_mac",
                            "device",
                            did,
                            cid,
                            f"MAC {mac} is also on {by_mac[mac]}",
                            field="mac",
                            value=raw_mac,
                        )
                        reason = reason or f"duplicate MAC (also on {by_mac[mac]})"
                    by_mac.setdefault(mac, did)
                elif match.kind in MIGRATED_DEVICE_KINDS:
                    self.issues.add(
                        BLOCKER,
                        "invalid_mac",
                        "device",
                        did,
                        cid,
                        f"MAC {raw_mac!r} is not 12 hex digits",
                        field="mac",
                        value=raw_mac,
                    )
                    reason = reason or "malformed MAC address"
            if record.mac is None and reason is None:
                reason = "no MAC address: add it by activation code after the move"
                self.issues.add(
                    WARNING,
                    "device_without_mac",
                    "device",
                    did,
                    cid,
                    "no MAC address: the device cannot be added by MAC",
                    field="mac",
                )
            if match.kind == "unknown":
                self.issues.add(
                    WARNING,
                    "device_model_unknown",
                    "device",
                    did,
                    cid,
                    f"{device.device_type!r} does not tell the model and no "
                    "User-Agent does: register the phone or add a devices.csv rule",
                    field="model",
                    value=device.device_type,
                )
            record.migrate = reason is None
            record.reason = reason
            if reason is not None:
                items = [f"type {device.device_type or '?'}"]
                if record.mac:
                    items.append(f"MAC {record.mac}")
                items.extend(f"line {u}" for u in record.lines)
                rebuild = (
                    "sign in to the Webex App"
                    if match.kind == "soft_client"
                    else "add the device in Control Hub once the model/MAC is known"
                )
                self.add_not_migrated(
                    "device",
                    did,
                    cid,
                    location.id,
                    record.bw_key,
                    device.device_name,
                    items,
                    reason,
                    rebuild,
                )
            self.model.devices[did] = record

    def service_instance(self, instance: inv.ServiceInstance) -> None:
        if not instance.sp_id or not instance.group_id:
            return
        location = self.ensure_location(instance.sp_id, instance.group_id)
        items = []
        if instance.phone_number or instance.phone_number_raw:
            items.append(f"number {instance.phone_number or instance.phone_number_raw}")
        if instance.extension:
            items.append(f"extension {instance.extension}")
        if instance.policy:
            items.append(f"policy {instance.policy}")
        if instance.type:
            items.append(f"type {instance.type}")
        if instance.agents:
            items.append(f"{len(instance.agents)} agents: {', '.join(sorted(instance.agents))}")
        rebuild = _REBUILD.get(instance.kind, "rebuild in Control Hub")
        self.add_not_migrated(
            instance.kind,
            instance.service_user_id,
            location.customer_id,
            location.id,
            {"service_user_id": instance.service_user_id},
            instance.name,
            items,
            "not migrated — rebuild in Control Hub",
            rebuild,
        )

    def add_not_migrated(
        self,
        kind: str,
        key: str,
        customer_id: str,
        location_id: str | None,
        bw_key: dict[str, str],
        name: str | None,
        items: list[str],
        reason: str,
        rebuild: str,
    ) -> None:
        nid = f"{kind}:{key}"
        self.model.not_migrated[nid] = NotMigrated(
            nid, kind, customer_id, location_id, bw_key, name, items, reason, rebuild
        )


def _line_order(line: inv.DeviceLine) -> tuple[bool, int, str]:
    # The primary line's user owns the device; shared appearances follow.
    order = line.order if line.order is not None else 1 << 30
    return (line.endpoint_type != "Primary", order, line.user_id or "")


def _full_name(user: inv.User) -> str | None:
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    return name or None


def _shorten(text: str) -> str:
    """Fit an address line into 50 characters, at a word boundary when possible."""
    cut = text[:MAX_ADDRESS_LINE]
    if len(text) > MAX_ADDRESS_LINE and " " in cut:
        head = cut.rsplit(" ", 1)[0].rstrip(" ,")
        if len(head) >= MAX_ADDRESS_LINE // 2:
            return head
    return cut.rstrip()


def build(workspace: Path, tables: Tables, config: Config) -> Model:
    """Phase one: every inventory record mapped, before overrides and checks."""
    builder = _Builder(workspace, tables, config)
    return builder.run()


# -- phase two ---------------------------------------------------------------


def finalize(model: Model, tables: Tables, config: Config) -> None:
    """Choose administrators, derive languages and check what overrides may have changed."""
    issues = model.issues
    by_customer: dict[str, list[Subscriber]] = defaultdict(list)
    for sub in model.sorted_subscribers():
        by_customer[sub.customer_id].append(sub)
    locations_of: dict[str, list[Location]] = defaultdict(list)
    for location in sorted(model.locations.values(), key=lambda x: x.id):
        locations_of[location.customer_id].append(location)

    if not config.provisioning_id:
        issues.add(
            BLOCKER,
            "no_provisioning_id",
            "config",
            "provisioning_id",
            None,
            "migrate.toml has no provisioning_id (Customer Template in Partner Hub)",
        )

    _check_emails(model, by_customer)
    _check_numbers(model, by_customer)
    _check_config_keys(model, config)
    blocked = {
        i.key
        for i in issues.items.values()
        if i.entity == "subscriber" and i.field == "email" and i.severity == BLOCKER
    }
    for cid, customer in model.customers.items():
        subs = by_customer.get(cid, [])
        locations = locations_of.get(cid, [])
        if not customer.address.country:
            _infer_country(model, customer, subs, locations)
        for location in locations:
            if not location.address.country and customer.address.country:
                location.address.country = customer.address.country
        if customer.address.country:
            customer.call_in_country_code = CALL_IN_COUNTRY_CODE.get(customer.address.country)
        _check_address(model.issues, tables, customer.address, "customer", cid, cid, False)
        _languages(model, customer, subs, locations)
        _choose_admin(model, customer, subs, config, blocked)
        customer.packages = sorted({s.package for s in subs})
        admin = model.subscribers.get(customer.administrator or "")
        customer.primary_location = (
            admin.location_id if admin else (locations[0].id if locations else None)
        )
        for location in locations:
            location.is_primary = location.id == customer.primary_location
            _check_address(issues, tables, location.address, "location", location.id, cid, True)
            if location.time_zone is None and location.time_zone_raw is None:
                zones = Counter(
                    s.time_zone for s in subs if s.location_id == location.id and s.time_zone
                )
                if zones:
                    location.time_zone = min(zones.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                else:
                    issues.add(
                        BLOCKER,
                        "no_time_zone",
                        "location",
                        location.id,
                        cid,
                        "the group has no time zone and neither have its users",
                    )
        if not subs:
            issues.add(
                WARNING,
                "empty_customer",
                "customer",
                cid,
                cid,
                "no subscriber to migrate: the customer cannot get an administrator",
            )


def _check_config_keys(model: Model, config: Config) -> None:
    """Keys in migrate.toml that name no customer or location are typos, most likely."""
    tables = (
        ("administrator.users", config.administrator.users, model.customers),
        ("email.domains", config.email.domains, model.customers),
        ("emergency_location_identifiers", config.emergency_location_identifiers, model.locations),
    )
    for section, entries, known in tables:
        for key in sorted(entries):
            if key not in known:
                model.issues.add(
                    WARNING,
                    "config_unknown_key",
                    "config",
                    f"{section}.{key}",
                    None,
                    f"migrate.toml [{section}] names {key!r}, which is not a "
                    f"{'location' if known is model.locations else 'customer'} "
                    "of this inventory",
                    field=section,
                    value=key,
                )


def _check_address(
    issues: Issues,
    tables: Tables,
    address: Address,
    entity: str,
    key: str,
    customer_id: str,
    need_state: bool,
) -> None:
    required = ["address_line1", "city", "country"]
    if need_state:
        required.append("zip_or_postal_code")
        if tables.states.knows(address.country):
            required.append("state_or_province")
    missing = [name for name in required if not getattr(address, name)]
    if missing:
        issues.add(
            BLOCKER,
            "incomplete_address",
            entity,
            key,
            customer_id,
            f"address lacks {', '.join(missing)}",
            field="address",
            value=", ".join(missing),
        )


def _infer_country(
    model: Model, customer: Customer, subs: list[Subscriber], locations: list[Location]
) -> None:
    codes: Counter[str] = Counter()
    for location in locations:
        if location.address.country:
            codes[location.address.country] += 1
    source = "its locations"
    if not codes:
        for sub in subs:
            if sub.phone_number:
                for length in (1, 2, 3):
                    country = _COUNTRY_BY_CALLING_CODE.get(sub.phone_number[1 : 1 + length])
                    if country:
                        codes[country] += 1
                        break
        source = "its users' phone numbers"
    if codes:
        country = min(codes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        customer.address.country = country
        customer.call_in_country_code = CALL_IN_COUNTRY_CODE.get(country)
        model.issues.add(
            WARNING,
            "country_inferred",
            "customer",
            customer.id,
            customer.id,
            f"no country in the address: {country} from {source}",
            field="country",
            proposed=country,
        )


def _check_emails(model: Model, by_customer: dict[str, list[Subscriber]]) -> None:
    issues = model.issues
    seen: dict[str, str] = {}
    for cid in sorted(by_customer):
        for sub in sorted(by_customer[cid], key=lambda s: s.id):
            if is_workspace(sub):
                continue  # a workspace has no email (issue #7)
            if not sub.email:
                hint = (
                    " (a place: give the common-area phone a mailbox or skip it)"
                    if sub.is_place
                    else ""
                )
                issues.add(
                    BLOCKER,
                    "missing_email",
                    "subscriber",
                    sub.id,
                    cid,
                    "no email in BroadWorks: fill the Email column in review.xlsx or set "
                    f"[email] missing in migrate.toml{hint}",
                    field="email",
                )
                continue
            if not email_rules.is_valid(sub.email):
                issues.add(
                    BLOCKER,
                    "invalid_email",
                    "subscriber",
                    sub.id,
                    cid,
                    f"{sub.email!r} is not a valid email address",
                    field="email",
                    value=sub.email,
                )
                continue
            if sub.email_source == "template":
                issues.add(
                    WARNING,
                    "email_generated",
                    "subscriber",
                    sub.id,
                    cid,
                    "email generated from the template: confirm the user owns it",
                    field="email",
                    proposed=sub.email,
                )
            key = sub.email.casefold()
            if key in seen:
                issues.add(
                    BLOCKER,
                    "duplicate_email",
                    "subscriber",
                    sub.id,
                    cid,
                    f"email {sub.email} is also {seen[key]}'s; Webex emails are unique",
                    field="email",
                    value=sub.email,
                )
            else:
                seen[key] = sub.id


def _check_numbers(model: Model, by_customer: dict[str, list[Subscriber]]) -> None:
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
                issues.add(
                    WARNING,
                    "extension_too_long",
                    "subscriber",
                    sub.id,
                    cid,
                    f"extension {sub.extension_raw} has {len(sub.extension_raw)} digits; "
                    f"Webex allows {EXTENSION_MIN}-{EXTENSION_MAX}: proposed "
                    f"{sub.extension}",
                    field="extension",
                    value=sub.extension_raw,
                    proposed=sub.extension,
                )
            if sub.package in CALLING_PACKAGES and not sub.phone_number and not sub.extension:
                issues.add(
                    BLOCKER,
                    "no_number_or_extension",
                    "subscriber",
                    sub.id,
                    cid,
                    f"{sub.package} needs a phone number or an extension",
                    field="extension",
                )
            if sub.phone_number:
                if sub.phone_number in numbers:
                    issues.add(
                        BLOCKER,
                        "duplicate_number",
                        "subscriber",
                        sub.id,
                        cid,
                        f"{sub.phone_number} is also {numbers[sub.phone_number]}'s",
                        field="phone_number",
                        value=sub.phone_number,
                    )
                else:
                    numbers[sub.phone_number] = sub.id
            if sub.extension:
                key = (sub.location_id, sub.extension)
                if key in extensions:
                    issues.add(
                        BLOCKER,
                        "duplicate_extension",
                        "subscriber",
                        sub.id,
                        cid,
                        f"extension {sub.extension} is also {extensions[key]}'s in "
                        f"{sub.location_id}",
                        field="extension",
                        value=sub.extension,
                    )
                else:
                    extensions[key] = sub.id


def _majority(counter: Counter[str], tie_break: str | None) -> str | None:
    if not counter:
        return None
    top = max(counter.values())
    best = sorted(k for k, v in counter.items() if v == top)
    if tie_break in best:
        return tie_break
    return best[0]


def _languages(
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
        issues.add(
            WARNING,
            "unsupported_language",
            "customer",
            cid,
            cid,
            f"language {customer_lang!r} has no Wholesale locale: en_US used",
            field="language",
            value=customer_lang,
            proposed="en_US",
        )
        customer.language = "en_US"
    else:
        customer.language = choice.locale
        if choice.meetings_fallback:
            issues.add(
                WARNING,
                "meetings_language_fallback",
                "customer",
                cid,
                cid,
                f"{choice.locale} has no Webex Meetings site language: meeting sites "
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


def _choose_admin(
    model: Model, customer: Customer, subs: list[Subscriber], config: Config, blocked: set[str]
) -> None:
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
            issues.add(
                BLOCKER if wanted else WARNING,
                "administrator_not_found",
                "customer",
                customer.id,
                customer.id,
                f"administrator {wanted!r} from migrate.toml is not a subscriber with a "
                f"valid email; chosen by rule {settings.rule}"
                if wanted
                else f"no [administrator.users] entry; chosen by rule {settings.rule}",
                field="administrator",
                value=wanted,
            )
    elif settings.choose == "contact":
        contact = (customer.contact_email or "").casefold()
        if contact:
            admin = next((s for s in eligible if (s.email or "").casefold() == contact), None)
        if admin is None and eligible:
            issues.add(
                WARNING,
                "administrator_by_rule",
                "customer",
                customer.id,
                customer.id,
                f"contact email {customer.contact_email or '(none)'} is not a subscriber's "
                f"email; administrator chosen by rule {settings.rule}",
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
            issues.add(
                BLOCKER,
                "no_administrator",
                "customer",
                customer.id,
                customer.id,
                "no subscriber with a valid email to become the administrator",
                field="administrator",
            )
        customer.administrator = None
        customer.primary_email = customer.contact_email
        return
    admin.is_admin = True
    customer.administrator = admin.id
    customer.primary_email = admin.email
