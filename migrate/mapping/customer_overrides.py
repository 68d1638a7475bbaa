"""Customer choices from review.xlsx (Customers sheet): existing org, Setup Assist, cutover.

The three columns are optional on the sheet, so a workbook written before they
existed is still read. A malformed value (an org id that is none, a date that
is none) stops the run like any untrusted cell; an org id another customer
already has is refused on its own and the mapped value stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrate.config import normalize_org_id
from migrate.mapping.model import Model
from migrate.mapping.review_workbook import (
    Edit,
    OverrideResult,
    cell,
    fail,
    header_positions,
)

CUSTOMERS_SHEET = "Customers"
KEY_COLUMN = "Customer ID"
ORG_COLUMN = "Webex org ID"
SETUP_ASSIST_COLUMN = "Setup Assist"
CUTOVER_COLUMN = "Cutover date"
CUSTOMER_EDITABLE = (ORG_COLUMN, SETUP_ASSIST_COLUMN, CUTOVER_COLUMN)
_YES = {"yes", "y", "true", "x", "1"}
_NO = {"", "no", "n", "false", "0"}


def parse_date(text: str) -> dt.date:
    """A typed ``2027-01-15`` or the date Excel made of it (``2027-01-15T00:00:00``)."""
    try:
        return (
            dt.datetime.fromisoformat(text).date() if "T" in text else dt.date.fromisoformat(text)
        )
    except ValueError:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _mapped(model: Model, key: str) -> dict[str, str | None]:
    customer = model.customers[key]
    return {
        ORG_COLUMN: customer.org_id,
        SETUP_ASSIST_COLUMN: "yes" if customer.setup_assist else None,
        CUTOVER_COLUMN: customer.cutover_date,
    }


def read_customer_edits(path: Path, rows: list[list[Any]], model: Model) -> list[Edit]:
    """The changed choice cells of the Customers sheet (its rows), or ConfigError."""
    header = [cell(h) or "" for h in rows[0]] if rows else []
    present = [c for c in CUSTOMER_EDITABLE if c in header]
    if not present:
        return []
    where = header_positions(path, CUSTOMERS_SHEET, rows, (KEY_COLUMN, *present))
    edits: list[Edit] = []
    for index, values in enumerate(rows[1:], start=2):
        key = cell(values[where[KEY_COLUMN]]) if where[KEY_COLUMN] < len(values) else None
        if key is None or key not in model.customers:
            continue  # read_address_edits refuses a row without a known id
        mapped = _mapped(model, key)
        for column in present:
            at = where[column]
            text = cell(values[at]) if at < len(values) else None
            reviewed = _checked(path, index, where, column, text)
            if reviewed != mapped[column]:
                edits.append(Edit(key, column, mapped[column], reviewed, index, CUSTOMERS_SHEET))
    return edits


def _checked(
    path: Path, row: int, where: dict[str, int], column: str, text: str | None
) -> str | None:
    """The cell in the model's form, or ConfigError naming the cell."""
    if text is None:
        return None
    try:
        if column == ORG_COLUMN:
            return normalize_org_id(text)
        if column == CUTOVER_COLUMN:
            return parse_date(text).isoformat()
    except ValueError as err:
        fail(path, CUSTOMERS_SHEET, row, where, column, str(err))
    answer = text.casefold()
    if answer not in _YES and answer not in _NO:
        fail(path, CUSTOMERS_SHEET, row, where, column, f"{text!r}: use yes or leave empty")
    return "yes" if answer in _YES else None


def apply_customer_edits(model: Model, edits: Iterable[Edit]) -> list[OverrideResult]:
    """Apply each choice; an org id that is another customer's is refused."""
    results: list[OverrideResult] = []
    owners = {c.org_id: c.id for c in model.customers.values() if c.org_id}
    for edit in sorted(edits, key=lambda e: (e.row, CUSTOMER_EDITABLE.index(e.column))):
        customer = model.customers[edit.key]
        reason = None
        if edit.column == ORG_COLUMN:
            holder = owners.get(edit.reviewed) if edit.reviewed else None
            if holder is not None and holder != customer.id:
                reason = f"org {edit.reviewed} is already customer {holder}'s"
            else:
                if customer.org_id:
                    owners.pop(customer.org_id, None)
                if edit.reviewed:
                    owners[edit.reviewed] = customer.id
                customer.org_id = edit.reviewed
        elif edit.column == SETUP_ASSIST_COLUMN:
            customer.setup_assist = edit.reviewed == "yes"
        else:
            customer.cutover_date = edit.reviewed
        results.append(OverrideResult.of(edit, reason))
    return results
