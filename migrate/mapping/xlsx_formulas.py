"""Which cells of an .xlsx sheet hold formulas, read from the workbook's XML.

python-calamine (the fast reader of review.xlsx) returns a formula cell's cached
result as if it were typed, and has no call that says a cell is a formula. The
.xlsx is a zip of XML parts: a formula is an ``<f>`` element in the cell's
``<c>``. This reads the one sheet's part, streamed, with lxml's entity, DTD and
network switches off (the workbook comes back from a reviewer's machine).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")

_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


class UnreadableWorkbook(ValueError):
    """The .xlsx parts needed to find formulas are missing or malformed."""


def _parse(book: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        data = book.read(name)
    except KeyError:
        raise UnreadableWorkbook(f"no part {name}") from None
    try:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise UnreadableWorkbook(f"part {name}: {err}") from None


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str:
    workbook = _parse(book, "xl/workbook.xml")
    rel_id = next(
        (
            s.get(f"{{{_REL}}}id")
            for s in workbook.iter(f"{{{_MAIN}}}sheet")
            if s.get("name") == sheet
        ),
        None,
    )
    if rel_id is None:
        raise UnreadableWorkbook(f"no sheet {sheet!r} in xl/workbook.xml")
    rels = _parse(book, "xl/_rels/workbook.xml.rels")
    target = next(
        (
            r.get("Target")
            for r in rels.iter(f"{{{_PKG_REL}}}Relationship")
            if r.get("Id") == rel_id
        ),
        None,
    )
    if not target:
        raise UnreadableWorkbook(f"sheet {sheet!r} has no part")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def formula_cells(path: Path, sheet: str, columns: set[str]) -> dict[tuple[int, str], str]:
    """``{(row, column letter): formula}`` for the cells of ``columns`` in ``sheet`` that
    hold a formula (``"(shared formula)"`` for a cell that reuses another's)."""
    found: dict[tuple[int, str], str] = {}
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            with book.open(part) as stream:
                for _event, cell in etree.iterparse(
                    stream, events=("end",), tag=f"{{{_MAIN}}}c", **_PARSER_OPTIONS
                ):
                    formula = cell.find(f"{{{_MAIN}}}f")
                    if formula is not None:
                        text = (formula.text or "").strip()
                        shown = f"={text}" if text else "(shared formula)"
                        match = _CELL.match(cell.get("r") or "")
                        if match is None:
                            found[(0, "?")] = shown  # no address: it may be any column
                        elif match.group(1) in columns:
                            found[(int(match.group(2)), match.group(1))] = shown
                    cell.clear(keep_tail=False)
    except (zipfile.BadZipFile, KeyError, OSError) as err:
        raise UnreadableWorkbook(str(err)) from None
    except etree.XMLSyntaxError as err:
        raise UnreadableWorkbook(f"{sheet}: {err}") from None
    return found
