"""Address edits from review.xlsx (Locations and Customers sheets).

An address blocker (a line too long to fit, a missing city, an unknown
country) is fixed where the reviewer sees it. The edits of one address are
applied together or not at all: taking line 1 of a split without its line 2
would lose words, and nothing of an emergency address may be lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from migrate.mapping.addresses import MAX_ADDRESS_LINE
from migrate.mapping.model import Model
from migrate.mapping.review_workbook import (
    Edit,
    OverrideResult,
    fail,
    header_positions,
    row_cells,
    sheet_rows,
)
from migrate.plan.model import Address

# Header on the sheet → Address field; the headers review.xlsx has always had.
ADDRESS_EDITABLE: dict[str, str] = {
    "Address line 1": "address_line1",
    "Address line 2": "address_line2",
    "City": "city",
    "State": "state_or_province",
    "Postal code": "zip_or_postal_code",
    "Country": "country",
}
_REQUIRED = ("Address line 1", "City", "Country")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
# Issues raised while mapping the BroadWorks text that an edit of the field settles;
# the checks after the overrides raise again whatever still does not fit.
_SETTLED = {
    "address_line1": ("address_line_too_long",),
    "address_line2": ("address_line_too_long",),
    "state_or_province": ("unknown_state",),
    "country": ("unknown_country",),
}


@dataclass(frozen=True)
class AddressSheet:
    name: str  # sheet in review.xlsx
    key_column: str
    entity: str  # issue entity


ADDRESS_SHEETS = (
    AddressSheet("Locations", "Location ID", "location"),
    AddressSheet("Customers", "Customer ID", "customer"),
)


def _address_of(model: Model, sheet: AddressSheet, key: str) -> Address | None:
    if sheet.entity == "location":
        location = model.locations.get(key)
        return location.address if location else None
    customer = model.customers.get(key)
    return customer.address if customer else None


def read_address_edits(path: Path, book: Any, model: Model) -> list[Edit]:
    """The changed address cells of every location and customer, or ConfigError."""
    edits: list[Edit] = []
    for sheet in ADDRESS_SHEETS:
        rows = sheet_rows(path, book, sheet.name)
        where = header_positions(path, sheet.name, rows, (sheet.key_column, *ADDRESS_EDITABLE))
        seen: dict[str, int] = {}
        for index, values in enumerate(rows[1:], start=2):
            cells = row_cells(values, where)
            key = cells.pop(sheet.key_column)
            if key is None:
                if any(cells.values()):
                    fail(
                        path,
                        sheet.name,
                        index,
                        where,
                        sheet.key_column,
                        "empty id on an edited row",
                    )
                continue
            if key in seen:
                fail(
                    path,
                    sheet.name,
                    index,
                    where,
                    sheet.key_column,
                    f"{key!r} also on row {seen[key]}",
                )
            seen[key] = index
            address = _address_of(model, sheet, key)
            if address is None:
                fail(
                    path,
                    sheet.name,
                    index,
                    where,
                    sheet.key_column,
                    f"unknown {sheet.entity} {key!r} (a workbook from another run?)",
                )
                continue
            country = cells["Country"]
            if country is not None and not _COUNTRY.match(country):
                fail(
                    path,
                    sheet.name,
                    index,
                    where,
                    "Country",
                    f"{country!r} is not an ISO 3166 alpha-2 code (US, GB, DE…)",
                )
            cells["Country"] = country.upper() if country else None
            for column, name in ADDRESS_EDITABLE.items():
                mapped = getattr(address, name)
                if cells[column] != mapped:
                    edits.append(Edit(key, column, mapped, cells[column], index, sheet.name))
    return edits


def _refusal(address: Address, mapped: Address) -> str | None:
    for column, name in ADDRESS_EDITABLE.items():
        value = getattr(address, name) or ""
        if name.startswith("address_line") and len(value) > MAX_ADDRESS_LINE:
            return (
                f"{column} would have {len(value)} characters; Wholesale allows "
                f"{MAX_ADDRESS_LINE}: split it over lines 1 and 2"
            )
    # Only what the edit empties: a field BroadWorks never had stays a map blocker.
    missing = [
        c
        for c in _REQUIRED
        if not getattr(address, ADDRESS_EDITABLE[c]) and getattr(mapped, ADDRESS_EDITABLE[c])
    ]
    if missing:
        return f"{', '.join(missing)} cannot be empty"
    return None


def apply_address_edits(model: Model, edits: Iterable[Edit]) -> list[OverrideResult]:
    """Apply each address's edits together when the result fits; say why not otherwise."""
    grouped: dict[tuple[str, str], list[Edit]] = {}
    for edit in edits:
        grouped.setdefault((edit.sheet, edit.key), []).append(edit)
    sheets = {s.name: s for s in ADDRESS_SHEETS}
    order = list(ADDRESS_EDITABLE)
    results: list[OverrideResult] = []
    for (sheet_name, key), group in sorted(grouped.items(), key=lambda kv: kv[1][0].row):
        sheet = sheets[sheet_name]
        address = _address_of(model, sheet, key)
        assert address is not None  # read_address_edits checked every key
        group.sort(key=lambda e: order.index(e.column))
        changed = replace(address, **{ADDRESS_EDITABLE[e.column]: e.reviewed for e in group})
        reason = _refusal(changed, address)
        if reason is None:
            for edit in group:
                name = ADDRESS_EDITABLE[edit.column]
                setattr(address, name, edit.reviewed)
                for code in _SETTLED.get(name, ()):
                    for field in ("address_line1", "address_line2", name):
                        model.issues.items.pop(f"{code}:{sheet.entity}:{key}:{field}", None)
        else:
            reason = f"address not changed: {reason}"
        results.extend(OverrideResult.of(edit, reason) for edit in group)
    return results
