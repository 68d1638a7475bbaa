"""Apply a reviewer's edits from ``review.xlsx`` on top of the mapping (DESIGN §5).

Subscribers are edited on their sheet; addresses on the Locations and
Customers sheets (``address_overrides``); a customer's existing org, Setup
Assist and cutover date on the Customers sheet (``customer_overrides``).
Two kinds of refusal. A workbook that cannot be trusted at all (another
run's, a renamed sheet, a missing column, an unknown user, a malformed
email or country code, a package that does not exist) stops the run with the file, sheet, row and
column: nothing is written. An edit that is well-formed but conflicts with the
model (an email another user already has, an extension taken in that
location, a location of another customer, an address line over 50
characters) is refused on its own, recorded on
the Overrides sheet with the reason, and the mapped value stays.
"""

from __future__ import annotations

from pathlib import Path

from migrate.errors import ConfigError
from migrate.mapping import email as email_rules
from migrate.mapping.address_overrides import apply_address_edits, read_address_edits
from migrate.mapping.call_settings import refresh_not_migrated
from migrate.mapping.call_settings_table import DECISIONS, MIGRATE
from migrate.mapping.customer_overrides import (
    CUSTOMER_EDITABLE,
    CUSTOMERS_SHEET,
    apply_customer_edits,
    read_customer_edits,
)
from migrate.mapping.e164 import is_digits
from migrate.mapping.mapper import EXTENSION_MAX, EXTENSION_MIN, Model
from migrate.mapping.review_workbook import (
    SUBSCRIBERS_SHEET,
    Edit,
    OverrideResult,
    cell,
    fail,
    header_positions,
    open_book,
    row_cells,
    sheet_rows,
)
from migrate.mapping.rules import CALLING_PACKAGES, PACKAGES
from migrate.plan.model import NotMigrated, Number, Subscriber

__all__ = [
    "FINGERPRINT_ITEM",
    "INDEX_SHEET",
    "Edit",
    "OverrideResult",
    "apply_overrides",
    "read_review",
    "review_parts",
]
SUMMARY_SHEET = "Summary"
FINGERPRINT_ITEM = "Inventory fingerprint"
# A split review: review.xlsx lists the customers' workbooks, which hold the edits.
INDEX_SHEET = "Workbooks"
INDEX_FILE_COLUMN = "File"
KEY_COLUMN = "User ID"
EDITABLE = ("Email", "Package", "Location", "Extension", "Skip")
_ORDER = {"Skip": 0, "Location": 1, "Package": 2, "Email": 3, "Extension": 4}
_YES = {"yes", "y", "true", "x", "skip", "1"}
_NO = {"", "no", "n", "false", "0"}


def review_parts(path: Path) -> list[Path]:
    """The workbooks that hold a review: ``path`` itself, or those its index lists."""
    book = open_book(path)
    try:
        if INDEX_SHEET not in list(book.sheet_names):
            return [path]
        rows = sheet_rows(path, book, INDEX_SHEET)
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()
    where = header_positions(path, INDEX_SHEET, rows, (INDEX_FILE_COLUMN,))
    parts = []
    for values in rows[1:]:
        name = row_cells(values, where)[INDEX_FILE_COLUMN]
        if name:
            parts.append(path.parent / name)
    return parts


def read_review(path: Path, model: Model) -> list[Edit]:
    """The edits in ``path`` (or in every workbook its index lists) against the mapped
    (pre-override) model, or ConfigError."""
    edits: list[Edit] = []
    for part in review_parts(path):
        edits += _read_workbook(part, model)
    return edits


def _read_workbook(path: Path, model: Model) -> list[Edit]:
    book = open_book(path)
    try:
        summary = sheet_rows(path, book, SUMMARY_SHEET)
        fingerprint = next(
            (cell(r[1]) for r in summary[1:] if len(r) > 1 and cell(r[0]) == FINGERPRINT_ITEM),
            None,
        )
        if fingerprint != model.inventory_fingerprint:
            raise ConfigError(
                f"{path}: sheet {SUMMARY_SHEET}: {FINGERPRINT_ITEM}: the workbook is from "
                f"another run (inventory {(fingerprint or 'missing')[:12]}, this inventory "
                f"{model.inventory_fingerprint[:12]}); map again and review the new workbook"
            )
        rows = sheet_rows(path, book, SUBSCRIBERS_SHEET)
        edits = read_address_edits(path, book, model)
        edits += read_customer_edits(path, sheet_rows(path, book, CUSTOMERS_SHEET), model)
    finally:
        close = getattr(book, "close", None)  # older python-calamine has no close()
        if close is not None:
            close()
    where = header_positions(path, SUBSCRIBERS_SHEET, rows, (KEY_COLUMN, *EDITABLE))
    seen: dict[str, int] = {}
    for index, values in enumerate(rows[1:], start=2):
        cells = row_cells(values, where)
        user_id = cells[KEY_COLUMN]
        if user_id is None:
            if any(cells.values()):
                _fail(path, index, where, KEY_COLUMN, "empty user id on an edited row")
            continue
        if user_id in seen:
            _fail(path, index, where, KEY_COLUMN, f"user {user_id!r} also on row {seen[user_id]}")
        seen[user_id] = index
        sub = model.subscribers.get(user_id)
        if sub is None:
            _fail(
                path,
                index,
                where,
                KEY_COLUMN,
                f"unknown user {user_id!r} (a workbook from another run?)",
            )
            continue
        edits.extend(_row_edits(path, index, where, sub, cells, model))
    return edits


def _fail(path: Path, row: int, where: dict[str, int], column: str, message: str) -> None:
    fail(path, SUBSCRIBERS_SHEET, row, where, column, message)


def _row_edits(
    path: Path,
    row: int,
    where: dict[str, int],
    sub: Subscriber,
    cells: dict[str, str | None],
    model: Model,
) -> list[Edit]:
    out: list[Edit] = []
    email = cells["Email"]
    if email is not None and not email_rules.is_valid(email):
        _fail(path, row, where, "Email", f"bad email {email!r}")
    if email != sub.email:
        out.append(Edit(sub.id, "Email", sub.email, email, row))
    package = cells["Package"]
    if package is None:
        _fail(path, row, where, "Package", "empty; every subscriber needs one package")
    elif package not in PACKAGES:
        _fail(
            path,
            row,
            where,
            "Package",
            f"package {package!r} is not allowed; use one of {', '.join(PACKAGES)}",
        )
    if package != sub.package:
        out.append(Edit(sub.id, "Package", sub.package, package, row))
    location = cells["Location"]
    if location is None:
        _fail(path, row, where, "Location", "empty; pick a location from the list")
    elif location not in model.locations:
        _fail(path, row, where, "Location", f"unknown location {location!r}")
    if location != sub.location_id:
        out.append(Edit(sub.id, "Location", sub.location_id, location, row))
    extension = cells["Extension"]
    if extension is not None and (
        not is_digits(extension) or not EXTENSION_MIN <= len(extension) <= EXTENSION_MAX
    ):
        _fail(
            path,
            row,
            where,
            "Extension",
            f"extension {extension!r} is not {EXTENSION_MIN}-{EXTENSION_MAX} digits",
        )
    if extension != sub.extension:
        out.append(Edit(sub.id, "Extension", sub.extension, extension, row))
    skip = (cells["Skip"] or "").casefold()
    if skip not in _YES and skip not in _NO:
        _fail(path, row, where, "Skip", f"{cells['Skip']!r}: use yes or leave empty")
    if skip in _YES:
        out.append(Edit(sub.id, "Skip", None, "yes", row))
    return out


def apply_overrides(model: Model, edits: list[Edit]) -> list[OverrideResult]:
    """Apply each edit that keeps the model consistent; say why for the others."""
    choices = [e for e in edits if e.sheet == CUSTOMERS_SHEET and e.column in CUSTOMER_EDITABLE]
    results = apply_address_edits(
        model, (e for e in edits if e.sheet != SUBSCRIBERS_SHEET and e not in choices)
    )
    results += apply_customer_edits(model, choices)
    emails = {s.email.casefold(): s.id for s in model.active_subscribers() if s.email}
    extensions = {
        (s.location_id, s.extension): s.id for s in model.active_subscribers() if s.extension
    }
    numbers_of: dict[str, list[Number]] = {}
    for number in model.numbers.values():
        if number.assigned_to:
            numbers_of.setdefault(number.assigned_to, []).append(number)
    ordered = sorted(
        (e for e in edits if e.sheet == SUBSCRIBERS_SHEET), key=lambda e: (e.row, _ORDER[e.column])
    )
    for edit in ordered:
        sub = model.subscribers[edit.key]
        reason = _apply(model, sub, edit, emails, extensions, numbers_of)
        if reason is None:
            sub.overridden.append(edit.column.lower())
        results.append(OverrideResult.of(edit, reason))
    return results


def _apply(
    model: Model,
    sub: Subscriber,
    edit: Edit,
    emails: dict[str, str],
    extensions: dict[tuple[str, str], str],
    numbers_of: dict[str, list[Number]],
) -> str | None:
    new = edit.reviewed
    if sub.skipped:
        return "the user is skipped"
    if edit.column == "Skip":
        sub.skipped = True
        if sub.email:
            emails.pop(sub.email.casefold(), None)
        if sub.extension:
            extensions.pop((sub.location_id, sub.extension), None)
        nid = f"user:{sub.id}"
        model.not_migrated[nid] = NotMigrated(
            nid,
            "user",
            sub.customer_id,
            sub.location_id,
            dict(sub.bw_key),
            " ".join(p for p in (sub.first_name, sub.last_name) if p) or None,
            [],
            "skipped in review",
            "none: the reviewer chose not to migrate this user",
        )
        for number in numbers_of.get(sub.id, []):
            number.assignment = "not_migrated"
        return None
    if edit.column == "Email":
        if new is None:
            return "email is required"
        holder = emails.get(new.casefold())
        if holder is not None and holder != sub.id:
            return f"email already used by {holder}"
        if sub.email:
            emails.pop(sub.email.casefold(), None)
        emails[new.casefold()] = sub.id
        sub.email, sub.email_source = new, "override"
        return None
    if edit.column == "Package":
        assert new is not None
        if new in CALLING_PACKAGES and not sub.phone_number and not sub.extension:
            return f"{new} needs a phone number or an extension; set the extension too"
        sub.package = new
        return None
    if edit.column == "Location":
        assert new is not None
        target = model.locations[new]
        if target.customer_id != sub.customer_id:
            return (
                f"location {new} belongs to customer {target.customer_id}; users cannot "
                "move between customers"
            )
        if sub.extension and (new, sub.extension) in extensions:
            return f"extension {sub.extension} is already used in {new}"
        if sub.extension:
            extensions.pop((sub.location_id, sub.extension), None)
            extensions[(new, sub.extension)] = sub.id
        sub.location_id = new
        return None
    # Extension
    if new is None:
        if sub.package in CALLING_PACKAGES and not sub.phone_number:
            return f"{sub.package} needs an extension when the user has no number"
    else:
        holder = extensions.get((sub.location_id, new))
        if holder is not None and holder != sub.id:
            return f"extension {new} is already {holder}'s in {sub.location_id}"
    if sub.extension:
        extensions.pop((sub.location_id, sub.extension), None)
    if new is not None:
        extensions[(sub.location_id, new)] = sub.id
    sub.extension = new
    return None


# -- call settings: the Decision column of the "Call settings" sheet -----------------

CALL_SETTINGS_SHEET = "Call settings"
CALL_SETTING_KEY = "Setting ID"
CALL_SETTING_DECISION = "Decision"


def read_call_setting_decisions(path: Path, model: Model) -> list[Edit]:
    """Decisions the reviewer changed; a workbook without the sheet has none."""
    edits: list[Edit] = []
    for part in review_parts(path):
        edits += _read_decisions(part, model)
    return edits


def _read_decisions(path: Path, model: Model) -> list[Edit]:
    book = open_book(path)
    try:
        if CALL_SETTINGS_SHEET not in list(book.sheet_names):
            return []
        rows = sheet_rows(path, book, CALL_SETTINGS_SHEET)
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()
    if not rows:
        return []
    where = header_positions(
        path, CALL_SETTINGS_SHEET, rows, (CALL_SETTING_KEY, CALL_SETTING_DECISION)
    )
    edits: list[Edit] = []
    for index, values in enumerate(rows[1:], start=2):
        cells = row_cells(values, where)
        key, decision = cells[CALL_SETTING_KEY], (cells[CALL_SETTING_DECISION] or "").lower()
        if key is None:
            continue
        setting = model.person_settings.get(key)
        if setting is None:
            fail(
                path,
                CALL_SETTINGS_SHEET,
                index,
                where,
                CALL_SETTING_KEY,
                f"unknown setting {key!r} (a workbook from another run?)",
            )
            continue
        if decision not in DECISIONS:
            fail(
                path,
                CALL_SETTINGS_SHEET,
                index,
                where,
                CALL_SETTING_DECISION,
                f"{decision!r}: use one of {', '.join(DECISIONS)}",
            )
        if decision != setting.decision:
            edits.append(
                Edit(
                    key,
                    CALL_SETTING_DECISION,
                    setting.decision,
                    decision,
                    index,
                    CALL_SETTINGS_SHEET,
                )
            )
    return edits


def apply_call_setting_decisions(model: Model, edits: list[Edit]) -> list[OverrideResult]:
    """Switch features between migrate and list; a listed value with no Webex field stays."""
    results: list[OverrideResult] = []
    for edit in edits:
        setting = model.person_settings[edit.key]
        sub = model.subscribers.get(setting.subscriber_id)
        reason = None
        if edit.reviewed == MIGRATE and not setting.webex:
            reason = "no Webex person feature carries these values (call_settings.csv says list)"
        elif sub is None or sub.skipped or sub.is_place:
            reason = "the user is not migrated as a Webex person"
        if reason is None:
            setting.decision = str(edit.reviewed)
            setting.overridden = True
            refresh_not_migrated(model, setting.subscriber_id)
        results.append(OverrideResult.of(edit, reason))
    return results
