"""The one way this project writes a workbook (DESIGN §9).

XlsxWriter in ``constant_memory`` mode streams rows to disk, so a sheet of
200,000 users costs no more memory than a sheet of 20, and it still keeps
frozen panes, autofilters, notes and drop-down validation. Every header row
is bold and frozen with a filter; text that Excel would evaluate (``=``,
``+``, ``-``, ``@``, tab, carriage return at the start: BroadWorks names are
user input) is written as a string with Excel's quote prefix, so it is shown
as text and stays text when a reviewer edits the cell.

The workbook is written under a temporary name and swapped in on close, so
an existing report is never left half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import itertools
import operator
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name

from migrate.reports.xlsx_spool import SpooledWorksheet, small_workbook
from migrate.workspace import cannot_write, publish_mode

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
MAX_CELL_TEXT = 32_767
EDITABLE_COLOUR = "#FFF2CC"
HEADER_COLOUR = "#D9E1F2"
_WIDTH_SAMPLE_ROWS = 200
# What XlsxWriter's cell path would rewrite: XML metacharacters, control
# characters, its own _xHHHH_ escapes, edge whitespace, and text long enough
# that its UTF-16 length must be counted. A row with none of these is
# serialised here directly, the same bytes at a fraction of the cost.
# Checked once per row on its non-empty texts joined by newlines: with
# MULTILINE, ^ and $ see each text's edges, and no pattern spans a newline.
_NEEDS_CARE = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$", re.MULTILINE
)
_PLAIN_TEXT_MAX = MAX_CELL_TEXT // 2
_JOINED = frozenset((list, tuple, set))  # a cell shows their items joined by ", "
# An empty list is a cell of empty text (not no cell) for render_row, as XlsxWriter
# writes it.
EMPTY_TEXT = object()
# Where a rendered row's number goes: no text with a control character is rendered.
ROW_NUMBER = "\x00"


@dataclass(frozen=True)
class Column:
    header: str
    width: float | None = None
    editable: bool = False
    note: str | None = None
    choices: Sequence[str] | None = None  # drop-down validation
    choices_ref: str | None = None  # validation from a range, e.g. "=Lists!$A$2:$A$40"


@dataclass(frozen=True)
class SheetSpec:
    """A sheet as data: its columns and a generator of its rows."""

    name: str
    columns: list[Column]
    rows: Callable[[], Iterator[list[Any]]]


def sampled_rows() -> int:
    """How many rows a sheet takes as values, which set its widths, before it takes
    rendered ones."""
    return _WIDTH_SAMPLE_ROWS


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


class SheetWriter:
    """Appends rows to one sheet; widths come from the header and the first rows."""

    def __init__(self, book: ReportWriter, name: str, columns: Sequence[Column]) -> None:
        self._book = book
        self._name = name
        self._part = 1
        self._columns = list(columns)
        self._written = 0
        self._start(name[:31])

    def _start(self, title: str) -> None:
        book = self._book
        self._ws = book._wb.add_worksheet(title, SpooledWorksheet)
        self._row = 0
        self._widths = [max(len(c.header) + 2, 8) for c in self._columns]
        self._sized = False
        self._pending: list[Sequence[Any]] = []
        self._direct = book._constant_memory
        # The style attribute of each column's cells once its format is set (editable
        # columns are tinted): XlsxWriter puts the column's format on every cell.
        self._styles: list[str] | None = None
        self._letters = [xl_col_to_name(col) for col in range(len(self._columns))]
        # Renders the direct rows, made once the columns' styles are set.
        self._renderer: Callable[[Sequence[Any]], str | None] | None = None
        header_fmt = book._header_format
        for col, column in enumerate(self._columns):
            fmt = book._editable_header_format if column.editable else header_fmt
            self._ws.write_string(0, col, column.header, fmt)
            if column.note:
                self._ws.write_comment(0, col, column.note)
        self._row = 1

    @property
    def rows_written(self) -> int:
        return self._written

    def append(self, values: Sequence[Any]) -> None:
        self._written += 1
        if self._sized:
            self._emit(values)
            return
        # The first rows set the widths: they wait until the columns are set up, so
        # that they too go direct and carry their column's format.
        widths = self._widths
        for col, value in enumerate(values[: len(widths)]):
            size = (len(value) if type(value) is str else len(_display(value))) + 2
            if size > widths[col]:
                widths[col] = max(widths[col], min(size, 60))
        self._pending.append(values)
        if len(self._pending) >= _WIDTH_SAMPLE_ROWS:
            self._apply_widths()

    def _emit(self, values: Sequence[Any]) -> None:
        if self._row >= EXCEL_MAX_ROWS:
            self._continue()
        ws, row = self._ws, self._row
        if not (self._direct and self._append_direct(ws, row, values)):
            for col, value in enumerate(values):
                self._write(ws, row, col, value)
        self._row += 1

    def _append_direct(self, ws: Any, row: int, values: Sequence[Any]) -> bool:
        """Write a row of plain text, numbers and booleans straight to the sheet's row file.

        Produces exactly what XlsxWriter's constant-memory path writes for the
        same values (a test compares the two), without its per-cell objects;
        ``False``, with nothing written, for anything else.
        """
        if not _JOINED.isdisjoint(map(type, values)):  # shown as XlsxWriter's path shows them
            values = [(_display(v) or EMPTY_TEXT) if type(v) in _JOINED else v for v in values]
        if self._renderer is None:
            self._renderer = row_renderer(self._letters, self._book.quote, self._styles)
        rendered = self._renderer(values)
        if rendered is None:
            return False
        self._put(ws, row, rendered)
        return True

    def _put(self, ws: Any, row: int, rendered: str) -> None:
        if ws.table:
            ws._write_single_row(row)  # the row XlsxWriter still holds goes first
        ws.previous_row = row
        if rendered:
            ws._check_dimensions(row, 0)
            ws.fh.write(rendered.replace(ROW_NUMBER, str(row + 1)))

    @property
    def quote(self) -> str:
        """The quote-prefix style for :func:`render_row`."""
        return self._book.quote

    @property
    def takes_rendered(self) -> bool:
        """Whether :meth:`append_rows` may be used: widths are set, rows go direct,
        and no column has a format of its own."""
        return self._sized and self._direct and self._styles is None

    def room(self) -> int:
        """Rows this sheet takes before it goes on in the next part."""
        return EXCEL_MAX_ROWS - self._row

    @property
    def next_row(self) -> int:
        """The index in the sheet of the next row appended (if it is not full)."""
        return self._row + len(self._pending)

    def append_rows(self, rows: RenderedRows) -> None:
        """Append rows :func:`render_rows` made (in any process) for this sheet's next
        rows, as ``append`` would."""
        if not self.takes_rendered or rows.first != self._row or rows.count >= self.room():
            raise ValueError("rendered rows go only into a sized, direct sheet at their row")
        ws = self._ws
        if ws.table:
            ws._write_single_row(rows.first)  # the row XlsxWriter still holds goes first
        if rows.cells is not None:
            for row in rows.cells:
                ws.previous_row = row
                ws._check_dimensions(row, 0)
        ws.previous_row = rows.first + rows.count - 1
        ws.fh.write_bytes(rows.data)
        self._written += rows.count
        self._row += rows.count

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.append(values)

    def _write(self, ws: Any, row: int, col: int, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value)
        elif isinstance(value, dt.datetime | dt.date):
            ws.write_string(row, col, value.isoformat())
        else:
            text = value if isinstance(value, str) else _display(value)
            text = text[:MAX_CELL_TEXT]
            if is_formula_like(text):
                ws.write_string(row, col, text, self._book._text_format)
            elif text.startswith("<r>") and text.endswith("</r>"):
                # XlsxWriter's constant-memory mode writes such text as raw rich-text
                # XML: a BroadWorks name could break the sheet. One escaped run shows it.
                ws.write_string(row, col, f'<r><t xml:space="preserve">{escape(text)}</t></r>')
            else:
                ws.write_string(row, col, text)

    def _continue(self) -> None:
        """A full sheet goes on in "Name (2)", "Name (3)"…, headers repeated: Excel
        opens no sheet past its row limit."""
        self.close()
        self._part += 1
        suffix = f" ({self._part})"
        self._start(self._name[: 31 - len(suffix)] + suffix)

    def _apply_widths(self) -> None:
        for col, column in enumerate(self._columns):
            width = column.width or self._widths[col]
            fmt = self._book._editable_format if column.editable else None
            self._ws.set_column(col, col, width, fmt)
        if any(column.editable for column in self._columns):
            tint = f' s="{self._book._editable_format._get_xf_index()}"'
            self._styles = [tint if column.editable else "" for column in self._columns]
            self._renderer = None
        self._sized = True
        pending, self._pending = self._pending, []
        for values in pending:
            self._emit(values)

    def close(self) -> None:
        while not self._sized:  # again if the waiting rows filled the sheet and went on
            self._apply_widths()
        last_row = max(self._row - 1, 1)
        last_col = max(len(self._columns) - 1, 0)
        self._ws.freeze_panes(1, 0)
        self._ws.autofilter(0, 0, last_row, last_col)
        for col, column in enumerate(self._columns):
            if column.choices is None and column.choices_ref is None:
                continue
            source: Any = column.choices_ref or list(column.choices or [])
            self._ws.data_validation(
                1,
                col,
                max(last_row, 1),
                col,
                {"validate": "list", "source": source, "ignore_blank": True},
            )


def render_row(
    values: Sequence[Any],
    letters: Sequence[str],
    quote: str | None,
    styles: Sequence[str] | None = None,
) -> str | None:
    """A row of plain text, numbers and booleans as XlsxWriter's constant-memory path
    writes it, with ``ROW_NUMBER`` for its number; ``None`` for any other row.

    ``quote`` is the style attribute of Excel's quote prefix; without it, a
    text that would need one makes the row "any other". ``styles`` holds each
    column's style attribute (its format), which a quoted text's replaces.
    ``""`` is an empty row.
    """
    return row_renderer(letters, quote, styles)(values)


def row_renderer(
    letters: Sequence[str], quote: str | None, styles: Sequence[str] | None = None
) -> Callable[[Sequence[Any]], str | None]:
    """:func:`render_row` for one sheet's columns, made once for all its rows."""
    heads = _cell_heads(tuple(letters), None if styles is None else tuple(styles))
    quoted = None if quote is None else _cell_heads(tuple(letters), (quote,) * len(letters))
    return _renderer(heads, quoted)


@functools.lru_cache(maxsize=64)
def _cell_heads(letters: tuple[str, ...], styles: tuple[str, ...] | None) -> tuple[str, ...]:
    """Each column's ``<c r="A\x00" s="…"`` for :func:`_render` (``ROW_NUMBER`` is \x00)."""
    if not styles:
        return tuple(f'<c r="{letter}{ROW_NUMBER}"' for letter in letters)
    cells = zip(letters, styles, strict=True)
    return tuple(f'<c r="{letter}{ROW_NUMBER}"{style}' for letter, style in cells)


@functools.lru_cache(maxsize=64)
def _renderer(heads: tuple[str, ...], quoted: tuple[str, ...] | None) -> _RowRenderer:
    return _RowRenderer(heads, quoted)


# The text checks of _NEEDS_CARE, taken apart so the common row costs a few scans
# in C: the characters, XlsxWriter's escapes, and whitespace at a text's edge
# (which, in the texts joined by newlines, is whitespace beside a newline).
_UNSAFE_CHARS = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")
_EDGE_SPACE = re.compile(r"\n\s|\s\n")
# The whitespace _UNSAFE_CHARS lets through: tab, newline, space and these.
_WIDE_SPACE = re.compile(r"[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# A text starting with one of these needs Excel's quote prefix ("\t" and "\r" are
# edge whitespace and unsafe characters: such rows are never rendered).
_QUOTED_STARTS = tuple(f"\n{t}" for t in FORMULA_TRIGGERS if t not in "\t\r")
_SHAPES_KEPT = 1024
_UNSEEN = object()
_Variant = tuple[str, tuple[bool, ...]]  # the row's template, which values are its cells


class _Shape:
    """How rows whose values have these types are rendered: a template for each
    pattern of empty texts and texts that take the quote prefix."""

    def __init__(self, kinds: tuple[type, ...]) -> None:
        self.kinds = kinds
        self.texts = tuple(kind is str for kind in kinds)
        self.ints = tuple(i for i, kind in enumerate(kinds) if kind is int)
        self._variants: dict[tuple[tuple[bool, ...] | None, tuple[bool, ...] | None], _Variant] = {}

    def variant(
        self,
        filled: tuple[bool, ...] | None,
        quotes: tuple[bool, ...] | None,
        heads: tuple[str, ...],
        quoted: tuple[str, ...] | None,
    ) -> _Variant:
        key = (filled, quotes)
        found = self._variants.get(key)
        if found is not None:
            return found
        cells: list[str] = []
        taken: list[bool] = []
        text = 0
        for col, kind in enumerate(self.kinds):
            if kind is str:
                fill = filled is None or filled[text]
                head = quoted[col] if quotes is not None and quoted and quotes[text] else heads[col]
                text += 1
                if fill:
                    cells.append(f'{head} t="inlineStr"><is><t>{{}}</t></is></c>')
                taken.append(fill)
            elif kind is bool:
                cells.append(f'{heads[col]} t="b"><v>{{:d}}</v></c>')
                taken.append(True)
            elif kind is int:
                cells.append(f"{heads[col]}><v>{{}}</v></c>")
                taken.append(True)
            else:
                taken.append(False)
        template = f'<row r="{ROW_NUMBER}">{"".join(cells)}</row>' if cells else ""
        found = (template, tuple(taken))
        if len(self._variants) < _SHAPES_KEPT:
            self._variants[key] = found
        return found


class _RowRenderer:
    """:func:`_render` for one sheet, fast for rows of a pattern it has seen.

    A sheet's rows mostly share the types of their values, which texts are
    empty and which take the quote prefix: the row for each such pattern is
    made once as a template; a row's texts are then checked in a few C-level
    scans and put in. Rows the templates do not cover (floats, lists) take
    :func:`_render`, which is the rule.
    """

    def __init__(self, heads: tuple[str, ...], quoted: tuple[str, ...] | None) -> None:
        self.heads, self.quoted = heads, quoted
        self._shapes: dict[tuple[type, ...], _Shape | None] = {}

    def __call__(self, values: Sequence[Any]) -> str | None:
        kinds = tuple(map(type, values))
        shape = self._shapes.get(kinds, _UNSEEN)
        if shape is _UNSEEN:
            shape = self._shape(kinds)
            if len(self._shapes) < _SHAPES_KEPT:
                self._shapes[kinds] = shape
        if shape is None:
            return _render(values, self.heads, self.quoted)
        assert isinstance(shape, _Shape)
        texts = list(itertools.compress(values, shape.texts))
        filled = quotes = None
        if texts:
            nonempty = texts
            if "" in texts:
                filled = tuple(map(bool, texts))
                nonempty = list(filter(None, texts))
            if nonempty:
                joined = "\n".join(nonempty)
                if _needs_care(joined) or (
                    len(joined) > _PLAIN_TEXT_MAX and max(map(len, nonempty)) > _PLAIN_TEXT_MAX
                ):
                    return None
                if joined.startswith(FORMULA_TRIGGERS) or any(
                    start in joined for start in _QUOTED_STARTS
                ):
                    # A newline in a text may have looked like the start of one.
                    quotes = tuple(map(str.startswith, texts, itertools.repeat(FORMULA_TRIGGERS)))
                    if self.quoted is None and any(quotes):
                        return None
        for i in shape.ints:
            if not -(2**53) < values[i] < 2**53:
                return None
        template, cells = shape.variant(filled, quotes, self.heads, self.quoted)
        return template.format(*itertools.compress(values, cells))

    def _shape(self, kinds: tuple[type, ...]) -> _Shape | None:
        plain = (str, bool, int, type(None))
        if len(kinds) > len(self.heads) or not all(kind in plain for kind in kinds):
            return None
        return _Shape(kinds)


@dataclass(frozen=True)
class RenderedRows:
    """Consecutive rows rendered for a sheet, their numbers in: :meth:`SheetWriter.append_rows`."""

    data: bytes  # UTF-8
    first: int  # the index of the first row in the sheet (the header's is 0)
    count: int
    cells: tuple[int, int] | None  # the first and last of them with a cell


def render_rows(
    rows: Sequence[Sequence[Any]], letters: Sequence[str], quote: str | None, first: int
) -> list[RenderedRows | int]:
    """``rows`` as :func:`render_row` renders them, numbered from row index ``first``:
    runs of rendered rows, and the position in ``rows`` of each row it cannot render."""
    return _block_renderer(tuple(letters), quote).render(rows, first)


@functools.lru_cache(maxsize=64)
def _block_renderer(letters: tuple[str, ...], quote: str | None) -> _BlockRenderer:
    return _BlockRenderer(letters, quote)


# Bytes that no text of a row rendered from a template may hold: control characters,
# "<", ">" and "&" (the templates' own "<" and ">" are counted), and the first bytes of
# the few other characters the rule cares about (a text that holds one of those goes
# to a closer look).
_STRUCTURE_BYTES = bytes(range(0x20)) + b"<>&"
_BLOCK_BYTES = _STRUCTURE_BYTES + b"\xc2\xe1\xe2\xe3\xef"
# What the rule treats as whitespace or rejects among the characters of those bytes.
_ODD_CHARS = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufffe\uffff]")
_TEXT_CELL = ' t="inlineStr"><is><t>'
# The first character of a text that matters: a formula trigger, or a space.
_TEXT_STARTS = re.compile(rb"<t>([=+@ -])")
_NO_TEMPLATE = ("", -1)


class _BlockRenderer:
    """:func:`render_rows` for one sheet's columns (without formats of their own).

    Many rows at a time with no Python code per row: each row's value types
    pick a template (``{0}`` its number, ``{1[k]}`` its k-th value), C-level
    maps fill them all, and the rule's checks run a few times on the whole
    text. Rendered, no text holds ``<``, ``>``, ``&`` or a control character
    (the UTF-8 is counted against the templates' own), nor a character the
    rule treats as whitespace or rejects; no text starts or ends with a space
    or holds ``_xHHHH_``, and none is too long: then the text is what the
    rule writes but for the quote prefix, which each text starting with a
    formula trigger gets after, one replace per trigger. Rows that fail (and
    rows with an int or a value of another type) are taken one at a time,
    the same checks first and then the rule.
    """

    def __init__(self, letters: tuple[str, ...], quote: str | None) -> None:
        self.letters, self.quote = letters, quote
        heads = _cell_heads(letters, None)
        quoted = None if quote is None else _cell_heads(letters, (quote,) * len(letters))
        self.rule = _RowRenderer(heads, quoted)
        self._templates: dict[tuple[type, ...], tuple[str, int]] = {}

    def render(self, rows: Sequence[Sequence[Any]], first: int) -> list[RenderedRows | int]:
        templates = self._templates_of(rows)
        numbers = range(first + 1, first + 1 + len(rows))
        formats = [template for template, _marks in templates]
        parts = list(itertools.starmap(str.format, zip(formats, numbers, rows, strict=True)))
        if _NO_TEMPLATE not in templates:
            marks = sum(marks for _template, marks in templates)
            done = self._finish("".join(parts), marks, parts)
            if done is not None:
                filled = (
                    [first + i for i, part in enumerate(parts) if part] if "" in parts else None
                )
                if filled is None:
                    cells: tuple[int, int] | None = (first, first + len(rows) - 1)
                else:
                    cells = (filled[0], filled[-1]) if filled else None
                return [RenderedRows(done, first, len(rows), cells)]
        return self._runs(list(map(self._one, rows, templates, parts, numbers)), first)

    def _templates_of(self, rows: Sequence[Sequence[Any]]) -> list[tuple[str, int]]:
        kinds = list(map(tuple, map(map, itertools.repeat(type), rows)))
        known = self._templates
        found: list[tuple[str, int] | None] = list(map(known.get, kinds))
        if None in found:
            for i, template in enumerate(found):
                if template is None:
                    template = self._template(kinds[i])
                    if len(known) < _SHAPES_KEPT:
                        known[kinds[i]] = template
                    found[i] = template
        # An empty text is no cell, as None is: its row takes the template that has none.
        empty = list(map(operator.contains, rows, itertools.repeat("")))
        if True in empty:
            for i in itertools.compress(range(len(rows)), empty):
                kind = tuple(
                    type(None) if v.__class__ is str and not v else type(v) for v in rows[i]
                )
                found[i] = known.get(kind) or self._template(kind)
        return found  # type: ignore[return-value]  # none is None now

    def _template(self, kinds: tuple[type, ...]) -> tuple[str, int]:
        """The format of rows of these types, and how many "<" and ">" it has."""
        if len(kinds) > len(self.letters):
            return _NO_TEMPLATE
        cells: list[str] = []
        for col, kind in enumerate(kinds):
            head = f'<c r="{self.letters[col]}{{0}}"'
            if kind is str:
                cells.append(f"{head}{_TEXT_CELL}{{1[{col}]}}</t></is></c>")
            elif kind is bool:
                cells.append(f'{head} t="b"><v>{{1[{col}]:d}}</v></c>')
            elif kind is not type(None):
                return _NO_TEMPLATE  # ints are checked against Excel's range by the rule
        template = f'<row r="{{0}}">{"".join(cells)}</row>' if cells else ""
        return template, template.count("<") + template.count(">")

    def _finish(self, text: str, marks: int, parts: Sequence[str]) -> bytes | None:
        """``text``, the rows of ``parts`` filled in, as the rule writes it (in UTF-8);
        ``None`` if the rule may write it otherwise."""
        data = text.encode()
        if len(data) - len(data.translate(None, _BLOCK_BYTES)) != marks and (
            len(data) - len(data.translate(None, _STRUCTURE_BYTES)) != marks
            or _ODD_CHARS.search(text)
        ):
            return None
        # The UTF-8 from here on: a byte a character, where the text may take two or four.
        starts = set(_TEXT_STARTS.findall(data))
        if b" " in starts or b" </t>" in data or (b"_x" in data and _ESCAPE.search(text)):
            return None
        if len(text) > _PLAIN_TEXT_MAX and max(map(len, parts)) > _PLAIN_TEXT_MAX:
            return None
        if not starts:
            return data
        if self.quote is None:
            return None
        for trigger in starts:
            cell = _TEXT_CELL.encode() + trigger
            data = data.replace(cell, self.quote.encode() + cell)
        return data

    def _one(
        self, row: Sequence[Any], template: tuple[str, int], part: str, number: int
    ) -> bytes | None:
        if template is not _NO_TEMPLATE:
            done = self._finish(part, template[1], (part,))
            if done is not None:
                return done
        rendered = self.rule(row)
        return None if rendered is None else rendered.replace(ROW_NUMBER, str(number)).encode()

    @staticmethod
    def _runs(done: Sequence[bytes | None], first: int) -> list[RenderedRows | int]:
        runs: list[RenderedRows | int] = []
        start = 0
        for i in [*itertools.compress(range(len(done)), map(_is_none, done)), len(done)]:
            if i > start:
                run = done[start:i]
                filled = [first + start + k for k, data in enumerate(run) if data]
                cells = (filled[0], filled[-1]) if filled else None
                data = b"".join(run)  # type: ignore[arg-type]  # none is None here
                runs.append(RenderedRows(data, first + start, i - start, cells))
            if i < len(done):
                runs.append(i)
            start = i + 1
        return runs


def _is_none(value: object) -> bool:
    return value is None


def _needs_care(joined: str) -> bool:
    """``_NEEDS_CARE.search(joined)``, in scans that are cheap for the common text."""
    if _UNSAFE_CHARS.search(joined) or ("_x" in joined and _ESCAPE.search(joined)):
        return True
    padded = f"\n{joined}\n"
    if (
        " \n" in padded
        or "\n " in padded
        or "\n\n" in padded
        or "\t\n" in padded
        or "\n\t" in padded
    ):
        return True
    return not padded.isascii() and bool(_WIDE_SPACE.search(padded) and _EDGE_SPACE.search(padded))


def _render(
    values: Sequence[Any], heads: Sequence[str], quoted: Sequence[str] | None
) -> str | None:
    """:func:`render_row` with each column's cell start made once per sheet (``heads``;
    ``quoted``: with the quote prefix's style instead)."""
    texts = [v for v in values if type(v) is str and v]
    if texts and (_NEEDS_CARE.search("\n".join(texts)) or max(map(len, texts)) > _PLAIN_TEXT_MAX):
        return None
    cells = []
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        kind = type(value)
        if kind is str:
            if value.startswith(FORMULA_TRIGGERS):
                if quoted is None:
                    return None
                cells.append(f'{quoted[col]} t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f'{heads[col]} t="inlineStr"><is><t>{value}</t></is></c>')
        elif value is EMPTY_TEXT:
            cells.append(f'{heads[col]} t="inlineStr"><is><t></t></is></c>')
        elif kind is bool:
            cells.append(f'{heads[col]} t="b"><v>{int(value)}</v></c>')
        elif kind is int and -(2**53) < value < 2**53:
            cells.append(f"{heads[col]}><v>{value}</v></c>")
        else:
            return None
    if not cells:
        return ""
    return f'<row r="{ROW_NUMBER}">{"".join(cells)}</row>'


def _bare(err: Exception) -> OSError:
    """The OSError behind ``err``, without the traceback that keeps XlsxWriter's zip alive."""
    cause = err.args[0] if isinstance(err, FileCreateError) and err.args else err
    if isinstance(cause, OSError):
        return OSError(cause.errno, cause.strerror)
    return OSError(str(cause))


def _ignore_unraisable(unraisable: Any) -> None:
    del unraisable


def _display(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


class ReportWriter:
    """A workbook written atomically: ``with ReportWriter(path) as book: ...``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx", dir=path.parent)
        os.close(handle)
        self._tmp = Path(name)
        self._constant_memory = True
        self._wb = xlsxwriter.Workbook(
            str(self._tmp),
            {
                "constant_memory": self._constant_memory,
                # Never let XlsxWriter guess: a BroadWorks name like "=1+2" or
                # "0044123" must stay the text it was.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._header_format = self._wb.add_format(
            {"bold": True, "bg_color": HEADER_COLOUR, "border": 1}
        )
        self._editable_header_format = self._wb.add_format(
            {"bold": True, "bg_color": EDITABLE_COLOUR, "border": 1}
        )
        self._editable_format = self._wb.add_format({"bg_color": EDITABLE_COLOUR})
        self._text_format = self._wb.add_format({"quote_prefix": True})
        # Numbered now, in this order: a cell's style index then never depends on
        # which path (XlsxWriter's or the direct one) first wrote a cell using it.
        for fmt in (
            self._header_format,
            self._editable_header_format,
            self._editable_format,
            self._text_format,
        ):
            fmt._get_xf_index()
        self.quote = f' s="{self._text_format._get_xf_index()}"'
        self._open: SheetWriter | None = None

    def sheet(self, name: str, columns: Sequence[Column | str]) -> SheetWriter:
        """Start a sheet; the previous one is finished (constant-memory writes in order)."""
        if self._open is not None:
            self._open.close()
        cols = [c if isinstance(c, Column) else Column(c) for c in columns]
        self._open = SheetWriter(self, name, cols)
        return self._open

    def key_values(self, name: str, pairs: Iterable[tuple[str, Any]]) -> None:
        """A two-column sheet such as Summary."""
        sheet = self.sheet(name, [Column("Item", width=36), Column("Value", width=60)])
        for key, value in pairs:
            sheet.append([key, value])

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None
        failure: OSError | None = None
        hook = sys.unraisablehook
        # On a failed write XlsxWriter leaves its zip open; collected, it tries to flush
        # again and prints a traceback after our one line. Nothing of it is kept.
        sys.unraisablehook = _ignore_unraisable
        try:
            try:
                # A small workbook's parts are zipped from memory, not from temp files.
                self._wb.in_memory = small_workbook(self._wb.worksheets())
                self._wb.close()
                publish_mode(self._tmp)
                os.replace(self._tmp, self.path)
            except (OSError, FileCreateError) as err:
                # A full disk: the previous workbook stays, the half-written one goes.
                failure = _bare(err)
                self._tmp.unlink(missing_ok=True)
                # Collected now, while the hook is ours (not after a whole heap's scan
                # for every workbook that closed fine: a split review writes thousands).
                gc.collect()
        finally:
            sys.unraisablehook = hook
        if failure is not None:
            raise cannot_write(self.path, failure)

    def abort(self) -> None:
        hook = sys.unraisablehook
        sys.unraisablehook = _ignore_unraisable
        try:
            # Only to release XlsxWriter's temp files: what it writes is thrown away, and a
            # failure here (the disk that failed the block is still full) is not the news.
            with contextlib.suppress(OSError, FileCreateError):
                self._wb.close()
            gc.collect()
        finally:
            sys.unraisablehook = hook
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        self.abort()
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            # XlsxWriter's own temp files filled up: it is this workbook that failed.
            raise cannot_write(self.path, _bare(exc)) from None
