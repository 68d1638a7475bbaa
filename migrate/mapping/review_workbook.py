"""Reading ``review.xlsx`` back: its cells as text, its edits, and what became of them.

Every refusal names the file, the sheet, the row and the column (with the
cell), so a reviewer can go straight to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from migrate.errors import ConfigError
from migrate.mapping.xlsx_formulas import UnreadableWorkbook, formula_cells

SUBSCRIBERS_SHEET = "Subscribers"


@dataclass(frozen=True, slots=True)
class Edit:
    key: str  # the row's record: a user, location or customer id
    column: str
    mapped: str | None
    reviewed: str | None
    row: int
    sheet: str = SUBSCRIBERS_SHEET


@dataclass(frozen=True, slots=True)
class OverrideResult:
    key: str
    column: str
    mapped: str | None
    reviewed: str | None
    row: int
    result: str  # applied | refused
    reason: str
    sheet: str = SUBSCRIBERS_SHEET

    @classmethod
    def of(cls, edit: Edit, reason: str | None) -> OverrideResult:
        return cls(
            edit.key,
            edit.column,
            edit.mapped,
            edit.reviewed,
            edit.row,
            "applied" if reason is None else "refused",
            reason or "",
            edit.sheet,
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "key": self.key,
            "column": self.column,
            "mapped": self.mapped,
            "reviewed": self.reviewed,
            "row": self.row,
            "result": self.result,
            "reason": self.reason,
        }


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell(value: Any) -> str | None:
    """A cell as the text the reviewer meant (Excel turns typed digits into numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def open_book(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError(f"{path}: review workbook not found")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own types for zip/xml damage
        raise ConfigError(f"{path}: not a readable .xlsx workbook ({type(err).__name__})") from err


def sheet_rows(path: Path, book: Any, sheet: str) -> list[list[Any]]:
    names = list(book.sheet_names)
    if sheet not in names:
        raise ConfigError(
            f"{path}: sheet {sheet!r} not found (sheets: {', '.join(names)}); "
            "sheets must keep the names migrate map gave them"
        )
    rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return rows


def header_positions(
    path: Path, sheet: str, rows: list[list[Any]], columns: Sequence[str]
) -> dict[str, int]:
    """Where each of ``columns`` is on the header row, or ConfigError naming the missing one."""
    if not rows:
        raise ConfigError(f"{path}: sheet {sheet}: row 1: empty sheet")
    header = [cell(h) or "" for h in rows[0]]
    where: dict[str, int] = {}
    for column in columns:
        if column not in header:
            raise ConfigError(
                f"{path}: sheet {sheet}: row 1: column {column}: "
                "missing column (renamed or deleted?)"
            )
        where[column] = header.index(column)
    _refuse_formulas(path, sheet, {column_letter(i) for i in where.values()})
    return where


def _refuse_formulas(path: Path, sheet: str, columns: set[str]) -> None:
    """A formula in a cell the review reads is refused: calamine would hand over its cached
    result as if typed (``=SUM(4000,103)`` an extension, ``=HYPERLINK(...)`` an email)."""
    try:
        formulas = formula_cells(path, sheet, columns)
    except UnreadableWorkbook as err:
        raise ConfigError(f"{path}: not a readable .xlsx workbook ({err})") from None
    if formulas:
        (row, column), formula = min(formulas.items())
        where = f"{column}{row}" if row else "a cell without an address"
        more = f" and {len(formulas) - 1} more" if len(formulas) > 1 else ""
        raise ConfigError(
            f"{path}: {sheet}!{where} holds a formula ({formula}){more}; type the value"
        )


def row_cells(values: list[Any], where: dict[str, int]) -> dict[str, str | None]:
    return {c: cell(values[i]) if i < len(values) else None for c, i in where.items()}


def fail(
    path: Path, sheet: str, row: int, where: dict[str, int], column: str, message: str
) -> None:
    letter = f"{column_letter(where[column])}{row}"
    raise ConfigError(
        f"{path}: sheet {sheet}: row {row}: column {column} (cell {letter}): {message}"
    )
