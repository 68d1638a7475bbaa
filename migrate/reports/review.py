"""``review.xlsx``: the wholesale model laid out for an engineer to check and correct.

Editable columns (Subscribers: Email, Package, Location, Extension, Skip;
Locations and Customers: the address columns; Customers: Webex org ID, Setup
Assist, Cutover date) have the editable header
colour and a note; Package, Location and Skip have drop-down lists. Every
row carries the BroadWorks key it came from, and the Summary sheet
carries the inventory fingerprint that ``--overrides`` checks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from migrate.mapping.call_settings_table import DECISIONS
from migrate.mapping.customer_overrides import CUTOVER_COLUMN, ORG_COLUMN, SETUP_ASSIST_COLUMN
from migrate.mapping.mapper import Model
from migrate.mapping.overrides import (
    CALL_SETTING_DECISION,
    CALL_SETTING_KEY,
    CALL_SETTINGS_SHEET,
    FINGERPRINT_ITEM,
    INDEX_FILE_COLUMN,
    INDEX_SHEET,
    OverrideResult,
)
from migrate.mapping.rules import PACKAGES
from migrate.plan import model as wm
from migrate.reports.features import feature_sheets
from migrate.reports.parts import part_name, remove_parts
from migrate.reports.xlsx import Column, ReportWriter, SheetSpec

SHEETS = (
    "Summary",
    "Customers",
    "Locations",
    "Subscribers",
    "Numbers",
    "Devices",
    "Not migrated",
    "Issues",
    "Overrides",
    "Lists",
)


def _key(bw_key: dict[str, str]) -> str:
    return "/".join(bw_key.values())


def _address(address: wm.Address) -> list[Any]:
    return [
        address.address_line1,
        address.address_line2,
        address.city,
        address.state_or_province,
        address.zip_or_postal_code,
        address.country,
    ]


_ADDRESS_NOTES = {
    "Address line 1": "Editable. At most 50 characters; a longer line is split over "
    "lines 1 and 2 (the Issues sheet proposes a split), never cut.",
    "Address line 2": "Editable. At most 50 characters.",
    "City": "Editable. Required.",
    "State": "Editable. The state or province code (OH, QC…).",
    "Postal code": "Editable.",
    "Country": "Editable. ISO 3166 alpha-2 code (US, GB…). Required.",
}


def _address_columns(what: str) -> list[Column]:
    """The address columns, editable: a reviewer fixes an address blocker here."""
    return [
        Column(
            header,
            editable=True,
            width=34 if header.startswith("Address") else None,
            note=f"{note} The {what}'s address.",
        )
        for header, note in _ADDRESS_NOTES.items()
    ]


def _cols(*headers: str) -> list[Column]:
    return [Column(h) for h in headers]


def _summary_sheet(model: Model, summary: Sequence[tuple[str, Any]]) -> SheetSpec:
    """The run's summary, then the inventory fingerprint that ``--overrides`` checks."""

    def rows() -> Iterator[list[Any]]:
        for key, value in [*summary, (FINGERPRINT_ITEM, model.inventory_fingerprint)]:
            yield [key, value]

    return SheetSpec("Summary", [Column("Item", width=36), Column("Value", width=60)], rows)


def _customer_row(c: wm.Customer) -> list[Any]:
    return [
        c.id,
        _key(c.bw_key),
        c.name,
        c.name_raw,
        c.administrator,
        c.primary_email,
        c.language,
        *_address(c.address),
        c.packages,
        c.primary_location,
        c.call_in_country_code,
        c.provisioning_id,
        c.sub_partner_org_id,
        c.contact_email,
        c.org_id,
        "yes" if c.setup_assist else "",
        c.cutover_date,
    ]


def _customer_choice_columns() -> list[Column]:
    """What the reviewer decides per customer beyond its address (``customer_overrides``)."""
    return [
        Column(
            ORG_COLUMN,
            editable=True,
            width=40,
            note="Editable. The Webex org the customer already has (Webex for BroadWorks, "
            "UC-One): it is attached, not created again. The encoded id or the UUID "
            "Partner Hub shows; empty for a new org.",
        ),
        Column(
            SETUP_ASSIST_COLUMN,
            editable=True,
            choices=["yes", "no"],
            note="Editable. yes = order Wholesale Setup Assist for its locations; "
            "`migrate setup-assist` lists them.",
        ),
        Column(
            CUTOVER_COLUMN,
            editable=True,
            width=14,
            note="Editable. Planned end of onboarding (YYYY-MM-DD); Setup Assist must be "
            "requested six business days before.",
        ),
    ]


def _customers_sheet(model: Model) -> SheetSpec:
    columns = [
        *_cols(
            "Customer ID",
            "BroadWorks key",
            "Name",
            "Name (BroadWorks)",
            "Administrator",
            "Primary email",
            "Language",
        ),
        *_address_columns("customer (billing)"),
        *_cols(
            "Packages",
            "Primary location",
            "Meetings call-in",
            "Provisioning ID",
            "Sub-partner org",
            "Contact email",
        ),
        *_customer_choice_columns(),
    ]
    return SheetSpec("Customers", columns, lambda: map(_customer_row, model.sorted_customers()))


def _location_row(loc: wm.Location) -> list[Any]:
    return [
        loc.id,
        loc.customer_id,
        _key(loc.bw_key),
        loc.name,
        loc.name_raw,
        "yes" if loc.is_primary else "",
        *_address(loc.address),
        loc.time_zone,
        loc.time_zone_raw,
        loc.language,
        loc.emergency_location_identifier,
        loc.calling_line_id_number,
    ]


def _locations_sheet(model: Model) -> SheetSpec:
    columns = [
        *_cols(
            "Location ID",
            "Customer ID",
            "BroadWorks key",
            "Name",
            "Name (BroadWorks)",
            "Primary",
        ),
        *_address_columns("location (emergency)"),
        *_cols(
            "Time zone",
            "Time zone (BroadWorks)",
            "Language",
            "Emergency location id",
            "CLID number",
        ),
    ]
    return SheetSpec("Locations", columns, lambda: map(_location_row, model.sorted_locations()))


def _subscriber_row(s: wm.Subscriber) -> list[Any]:
    return [
        s.id,
        s.customer_id,
        s.first_name,
        s.last_name,
        s.email,
        s.email_source,
        s.package,
        s.package_rule,
        s.location_id,
        s.phone_number,
        s.phone_number_raw,
        s.extension,
        s.extension_raw,
        s.language,
        s.time_zone,
        "yes" if s.is_admin else "",
        "yes" if s.skipped else "",
        s.lost_services,
        s.overridden,
    ]


def _subscriber_columns(location_count: int) -> list[Column]:
    """The Subscribers sheet's columns; Location's drop-down lists the Lists sheet's
    ``location_count`` locations."""
    return [
        Column("User ID", note="BroadWorks user id: the key of the row. Do not edit."),
        Column("Customer ID"),
        Column("First name"),
        Column("Last name"),
        Column(
            "Email",
            editable=True,
            width=34,
            note="Editable. Required and unique; becomes the Webex login.",
        ),
        Column("Email source"),
        Column(
            "Package",
            editable=True,
            width=22,
            choices=list(PACKAGES),
            note="Editable. One Wholesale package per subscriber.",
        ),
        Column("Package rule"),
        Column(
            "Location",
            editable=True,
            width=28,
            choices_ref=f"=Lists!$A$2:$A${max(location_count, 1) + 1}",
            note="Editable. A location of the same customer.",
        ),
        Column("Phone number"),
        Column("Phone number (BroadWorks)"),
        Column("Extension", editable=True, note="Editable. 2-10 digits, unique in the location."),
        Column("Extension (BroadWorks)"),
        Column("Language"),
        Column("Time zone"),
        Column("Administrator"),
        Column(
            "Skip",
            editable=True,
            choices=["yes", "no"],
            note="Editable. yes = do not migrate this user.",
        ),
        Column("Lost services"),
        Column("Overridden"),
    ]


def _subscribers_sheet(model: Model) -> SheetSpec:
    return SheetSpec(
        "Subscribers",
        _subscriber_columns(len(model.locations)),
        lambda: map(_subscriber_row, model.sorted_subscribers(include_skipped=True)),
    )


def _number_row(n: wm.Number) -> list[Any]:
    return [
        n.phone_number,
        n.customer_id,
        n.location_id,
        n.phone_number_raw,
        n.assigned_to,
        n.assignment,
        n.activated,
    ]


def _numbers_sheet(model: Model) -> SheetSpec:
    columns = _cols(
        "Phone number",
        "Customer ID",
        "Location ID",
        "BroadWorks number",
        "Assigned to",
        "Assignment",
        "Activated",
    )
    return SheetSpec("Numbers", columns, lambda: map(_number_row, model.sorted_numbers()))


def _device_row(d: wm.Device) -> list[Any]:
    return [
        d.id,
        d.customer_id,
        d.location_id,
        d.device_name,
        d.device_type,
        d.model,
        d.kind,
        "yes" if d.migrate else "no",
        d.reason,
        d.mac,
        d.mac_raw,
        d.evidence,
        d.owner,
        d.lines,
        d.owner_kind,
        d.shared_lines,
    ]


def _devices_sheet(model: Model) -> SheetSpec:
    columns = _cols(
        "Device ID",
        "Customer ID",
        "Location ID",
        "Device name",
        "Device type",
        "Webex model",
        "Kind",
        "Migrate",
        "Reason",
        "MAC",
        "MAC (BroadWorks)",
        "Evidence",
        "Owner",
        "Lines",
        "Owner kind",
        "Shared lines (carried)",
    )
    return SheetSpec("Devices", columns, lambda: map(_device_row, model.sorted_devices()))


def _not_migrated_row(nm: wm.NotMigrated) -> list[Any]:
    return [
        nm.id,
        nm.kind,
        nm.customer_id,
        nm.location_id,
        _key(nm.bw_key),
        nm.name,
        nm.items,
        nm.reason,
        nm.rebuild,
    ]


def _not_migrated_sheet(model: Model) -> SheetSpec:
    columns = _cols(
        "ID",
        "Kind",
        "Customer ID",
        "Location ID",
        "BroadWorks key",
        "Name",
        "Items",
        "Reason",
        "Rebuild",
    )
    return SheetSpec(
        "Not migrated", columns, lambda: map(_not_migrated_row, model.sorted_not_migrated())
    )


def _issue_row(i: wm.Issue) -> list[Any]:
    return [
        i.severity,
        i.code,
        i.entity,
        i.key,
        i.customer_id,
        i.field,
        i.value,
        i.proposed,
        i.message,
    ]


def _issues_sheet(model: Model) -> SheetSpec:
    columns = _cols(
        "Severity",
        "Code",
        "Entity",
        "Key",
        "Customer ID",
        "Field",
        "Value",
        "Proposed",
        "Message",
    )
    return SheetSpec("Issues", columns, lambda: map(_issue_row, model.sorted_issues()))


def _override_row(o: OverrideResult) -> list[Any]:
    return [o.key, o.column, o.mapped, o.reviewed, o.row, o.result, o.reason, o.sheet]


def _overrides_sheet(overrides: Iterable[OverrideResult]) -> SheetSpec:
    """What ``--overrides`` did with each reviewed cell (read once, here)."""
    logged = list(overrides)
    columns = _cols(
        "Key",
        "Column",
        "Mapped value",
        "Reviewed value",
        "Review row",
        "Result",
        "Reason",
        "Sheet",
    )
    return SheetSpec("Overrides", columns, lambda: map(_override_row, logged))


def _lists_sheet(model: Model) -> SheetSpec:
    """The drop-down lists' values: locations and packages side by side."""
    locations = sorted(model.locations)

    def rows() -> Iterator[list[Any]]:
        for index in range(max(len(locations), len(PACKAGES))):
            yield [
                locations[index] if index < len(locations) else None,
                PACKAGES[index] if index < len(PACKAGES) else None,
            ]

    return SheetSpec("Lists", _cols("Locations", "Packages"), rows)


def review_sheets(
    model: Model, summary: Sequence[tuple[str, Any]], overrides: Iterable[OverrideResult] | None
) -> list[SheetSpec]:
    """The workbook as data: each sheet's columns and a generator of its rows."""
    return [
        _summary_sheet(model, summary),
        _customers_sheet(model),
        _locations_sheet(model),
        _subscribers_sheet(model),
        _numbers_sheet(model),
        _devices_sheet(model),
        _not_migrated_sheet(model),
        call_settings_sheet(model),
        *feature_sheets(model),
        _issues_sheet(model),
        *([] if overrides is None else [_overrides_sheet(overrides)]),
        _lists_sheet(model),
    ]


def call_settings_sheet(model: Model) -> SheetSpec:
    """One row per subscriber and person feature; Decision is the reviewer's override."""

    def rows() -> Iterator[list[Any]]:
        for setting in sorted(model.person_settings.values(), key=lambda s: s.id):
            yield [
                setting.id,
                setting.subscriber_id,
                setting.customer_id,
                setting.feature,
                json.dumps(setting.bw_values, sort_keys=True, ensure_ascii=False),
                json.dumps(setting.webex, sort_keys=True, ensure_ascii=False)
                if setting.webex
                else None,
                setting.decision,
                setting.reason,
            ]

    return SheetSpec(
        CALL_SETTINGS_SHEET,
        [
            Column(CALL_SETTING_KEY, note="subscriber/feature: the key of the row. Do not edit."),
            Column("User ID"),
            Column("Customer ID"),
            Column("Feature"),
            Column("BroadWorks value", width=60),
            Column("Webex value", width=60),
            Column(
                CALL_SETTING_DECISION,
                editable=True,
                note="migrate: applied after the subscriber exists; list: on Not migrated",
                choices=DECISIONS,
            ),
            Column("Reason", width=40),
        ],
        rows,
    )


def write_review(
    path: Path,
    model: Model,
    summary: Sequence[tuple[str, Any]],
    overrides: Iterable[OverrideResult] | None,
    split_rows: int | None = None,
) -> None:
    """Write the workbook atomically (an existing one is replaced only on success).

    Above ``split_rows`` subscribers, each customer gets its own workbook under
    ``<path stem>/`` and ``path`` becomes their index (see :func:`write_split_review`).
    """
    if split_rows is not None and len(model.subscribers) > split_rows:
        write_split_review(path, model, summary, overrides)
        return
    with ReportWriter(path) as book:
        for spec in review_sheets(model, summary, overrides):
            book.sheet(spec.name, spec.columns).extend(spec.rows())
    remove_parts(path.parent / path.stem, keep=set())


def customer_slices(model: Model) -> dict[str, Model]:
    """Each customer's share of every entity, as a model of its own (same objects)."""
    slices = {
        cid: Model(inventory_fingerprint=model.inventory_fingerprint) for cid in model.customers
    }
    for entity in fields(Model):
        records = getattr(model, entity.name)
        if not isinstance(records, dict) or entity.name == "customers":
            continue
        for key, record in records.items():
            part = slices.get(getattr(record, "customer_id", None) or "")
            if part is not None:
                getattr(part, entity.name)[key] = record
    for cid, customer in model.customers.items():
        slices[cid].customers[cid] = customer
    for issue_id, issue in model.issues.items.items():
        part = slices.get(issue.customer_id or "")
        if part is not None:
            part.issues.items[issue_id] = issue
    return slices


def write_split_review(
    path: Path,
    model: Model,
    summary: Sequence[tuple[str, Any]],
    overrides: Iterable[OverrideResult] | None,
) -> None:
    """One review workbook per customer, then ``path``: the index of them.

    The index lists each workbook with its counts and issues and carries the
    issues of no customer; ``--overrides`` given the index reads every workbook
    it lists. A customer's workbook is the unsplit one cut to that customer.
    """
    logged = None if overrides is None else list(overrides)
    index: list[list[Any]] = []
    slices = customer_slices(model)
    for cid in sorted(slices):
        mine = None
        if logged is not None:
            mine = [o for o in logged if _override_customer(model, o) == cid]
        index.append(write_customer_review(path, cid, slices[cid], summary, mine))
        del slices[cid]  # its sheets are written: let the slice go
    write_review_index(path, summary, index, unowned_issues(model), logged)


def unowned_issues(model: Model) -> Model:
    """The issues of ``model`` that no customer of it owns, as a model of their own."""
    unowned = Model(inventory_fingerprint=model.inventory_fingerprint)
    for issue_id, issue in model.issues.items.items():
        if issue.customer_id not in model.customers:
            unowned.issues.items[issue_id] = issue
    return unowned


def write_customer_review(
    path: Path,
    cid: str,
    part: Model,
    summary: Sequence[tuple[str, Any]],
    overrides: list[OverrideResult] | None,
) -> list[Any]:
    """Customer ``cid``'s workbook of a split review (``part``: its slice, see
    :func:`customer_slices`); its row of the index."""
    folder = path.parent / path.stem
    name = part_name(cid)
    with ReportWriter(folder / name) as book:
        for spec in review_sheets(part, summary, overrides):
            book.sheet(spec.name, spec.columns).extend(spec.rows())
    severity = Counter(i.severity for i in part.issues.items.values())
    return [
        f"{folder.name}/{name}",
        cid,
        part.customers[cid].name,
        len(part.subscribers),
        len(part.locations),
        len(part.numbers),
        len(part.devices),
        severity.get(wm.BLOCKER, 0),
        severity.get(wm.WARNING, 0),
    ]


def write_review_index(
    path: Path,
    summary: Sequence[tuple[str, Any]],
    index: Sequence[list[Any]],
    unowned: Model,
    overrides: Sequence[OverrideResult] | None,
) -> None:
    """``path``: the index of a split review, once every customer's workbook is written
    (``index``: their rows, in customer order; ``unowned``: the issues of no customer).
    Workbooks of a previous split that ``index`` does not list go."""
    folder = path.parent / path.stem
    remove_parts(folder, keep={str(row[0]).split("/", 1)[1] for row in index})
    with ReportWriter(path) as book:
        spec = _summary_sheet(unowned, [*summary, ("Workbooks", len(index))])
        book.sheet(spec.name, spec.columns).extend(spec.rows())
        book.sheet(
            INDEX_SHEET,
            [
                Column(INDEX_FILE_COLUMN, width=40, note="Open it to review that customer."),
                *_cols(
                    "Customer ID",
                    "Name",
                    "Subscribers",
                    "Locations",
                    "Numbers",
                    "Devices",
                    "Blockers",
                    "Warnings",
                ),
            ],
        ).extend(index)
        spec = _issues_sheet(unowned)
        book.sheet(spec.name, spec.columns).extend(spec.rows())
        if overrides is not None:
            spec = _overrides_sheet(overrides)
            book.sheet(spec.name, spec.columns).extend(spec.rows())


def _override_customer(model: Model, result: OverrideResult) -> str | None:
    """The customer an override row belongs to (its key is a subscriber, setting,
    location or customer id)."""
    for records in (model.subscribers, model.person_settings, model.locations):
        record = records.get(result.key)
        if record is not None:
            return str(record.customer_id)
    return result.key if result.key in model.customers else None
