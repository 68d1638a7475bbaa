"""Rows written straight to the sheet are the bytes XlsxWriter itself writes."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migrate.reports import xlsx
from migrate.reports.xlsx import Column, ReportWriter

ROWS: list[list[Any]] = [
    ["alice@example.com", 42, True, None, "", "=1+2", "-5", "@home", "plain"],
    ["a & b <c>", -7, False, "x", " lead", "trail ", "tab\there", "_x0041_", "ctl\x01"],
    ["é ü 日本", 0, 2**60, 1.5, ["a", "b"], "+44 20", "0044123", "r<r>x</r>", "\ufffe"],
    ["<r>rich</r>", 9_007_199_254_740_991, None, [], ("t",), None, None, None, "x" * 20_000],
    ["list", 1, [], ["a", "b"], (), set(), "", None, "end"],
]
HEADERS = [f"h{i}" for i in range(9)]


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read("xl/worksheets/sheet1.xml")


def _write(path: Path, direct: bool, rows: list[list[Any]]) -> None:
    with ReportWriter(path) as book:
        sheet = book.sheet("Data", HEADERS)
        if not direct:
            sheet._direct = False
        for row in rows:
            sheet.append(row)


def test_direct_rows_match_xlsxwriter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "_WIDTH_SAMPLE_ROWS", 2)  # most rows take the direct path
    rows = ROWS * 5
    _write(tmp_path / "slow.xlsx", False, rows)
    _write(tmp_path / "fast.xlsx", True, rows)
    slow, fast = _sheet_xml(tmp_path / "slow.xlsx"), _sheet_xml(tmp_path / "fast.xlsx")
    assert b'<row r="21">' in fast
    assert fast == slow


@pytest.mark.parametrize("editable", [False, True])
def test_direct_rows_are_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editable: bool
) -> None:
    monkeypatch.setattr(xlsx, "_WIDTH_SAMPLE_ROWS", 1)
    taken: list[int] = []
    original = xlsx.SheetWriter._append_direct

    def spy(self: xlsx.SheetWriter, ws: Any, row: int, values: Any) -> bool:
        done = original(self, ws, row, values)
        if done:
            taken.append(row)
        return done

    monkeypatch.setattr(xlsx.SheetWriter, "_append_direct", spy)
    with ReportWriter(tmp_path / "fast.xlsx") as book:
        sheet = book.sheet("Data", [Column("a", editable=editable), "b", "c"])
        sheet.extend([["a", 1, True]] * 4)
    assert taken == [1, 2, 3, 4]  # the rows that set the widths too


def test_direct_rows_of_editable_columns_match_xlsxwriter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XlsxWriter puts a column's format (the editable tint) on each of its cells."""
    monkeypatch.setattr(xlsx, "_WIDTH_SAMPLE_ROWS", 2)
    columns = [Column(h, editable=i % 2 == 0) for i, h in enumerate(HEADERS)]
    written: dict[bool, bytes] = {}
    for direct in (False, True):
        path = tmp_path / f"{direct}.xlsx"
        with ReportWriter(path) as book:
            sheet = book.sheet("Data", columns)
            sheet._direct = direct
            sheet.extend(ROWS * 5)
        written[direct] = _sheet_xml(path)
    assert b' s="' in written[True].split(b'<row r="21">')[1]  # tinted cells, written direct
    assert written[True] == written[False]


def test_text_that_looks_like_rich_text_xml_is_written_as_text(tmp_path: Path) -> None:
    # XlsxWriter's constant-memory mode would put these into the sheet as raw XML.
    names = ["<r>rich</r>", "<r><t>x</t></r>", '<r></is></c></row><row r="9"></r>']
    with ReportWriter(tmp_path / "names.xlsx") as book:
        sheet = book.sheet("Data", ["name"])
        for name in names:
            sheet.append([name])
    read = load_workbook(tmp_path / "names.xlsx", read_only=True)
    assert [r[0] for r in read["Data"].iter_rows(min_row=2, values_only=True)] == names


_TRICKY_TEXTS = [
    "plain",
    "é ü 日本",
    "a\nb",
    "a\n\nb",
    "a \nb",
    "a\n b",
    "a\tb",
    "\tlead",
    "trail\t",
    "\xa0nbsp",
    "nbsp\xa0",
    "mid\xa0dle",
    "x\u3000",
    "a\n\u2028b",
    "=1+2",
    "-5",
    "+44",
    "@home",
    "a\n=b",
    "a\n-b",
    "_x0041_",
    "_xZZZZ_",
    "a&b",
    "<r>x</r>",
    "ctl\x01",
    "\r",
    "x" * 17_000,
    "{0}",
    "{}",
    "",
]


def test_row_renderer_renders_what_the_rule_renders() -> None:
    """The template path gives, row for row, what :func:`xlsx._render` gives."""

    rng = random.Random(7)
    letters = [f"{c}" for c in "ABCDEF"]
    values: list[Any] = [*_TRICKY_TEXTS, None, None, 0, 1, -3, 2**53, -(2**53), True, False, 1.5]
    for styles in (None, ["", ' s="2"', "", "", ' s="2"', ""]):
        for quote in (' s="3"', None):
            render = xlsx.row_renderer(letters, quote, styles)
            heads = xlsx._cell_heads(tuple(letters), None if styles is None else tuple(styles))
            quoted = None if quote is None else xlsx._cell_heads(tuple(letters), (quote,) * 6)
            rendered = 0
            for _ in range(3000):
                row = [rng.choice(values) for _ in range(rng.randint(0, 6))]
                expected = xlsx._render(row, heads, quoted)
                assert render(row) == expected, row
                rendered += expected is not None
            assert rendered > 500  # the template path was taken, not only the fallbacks


def _by_the_rule(
    rows: list[list[Any]], letters: list[str], quote: str | None, first: int
) -> list[tuple[bytes, int, int, tuple[int, int] | None] | int]:
    """What :func:`xlsx.render_rows` must give: the rule row by row, in runs."""
    heads = xlsx._cell_heads(tuple(letters), None)
    quoted = None if quote is None else xlsx._cell_heads(tuple(letters), (quote,) * len(letters))
    runs: list[tuple[bytes, int, int, tuple[int, int] | None] | int] = []
    run: list[tuple[int, str]] = []

    def close() -> None:
        if run:
            filled = [row for row, text in run if text]
            cells = (filled[0], filled[-1]) if filled else None
            data = "".join(text for _row, text in run).encode()
            runs.append((data, run[0][0], len(run), cells))
            run.clear()

    for i, row in enumerate(rows):
        text = xlsx._render(row, heads, quoted)
        if text is None:
            close()
            runs.append(i)
        else:
            run.append((first + i, text.replace(xlsx.ROW_NUMBER, str(first + i + 1))))
    close()
    return runs


def _as_tuples(
    runs: list[xlsx.RenderedRows | int],
) -> list[tuple[bytes, int, int, tuple[int, int] | None] | int]:
    return [r if isinstance(r, int) else (r.data, r.first, r.count, r.cells) for r in runs]


def test_rows_rendered_many_at_a_time_are_what_the_rule_renders() -> None:
    """:func:`xlsx.render_rows` gives, run for run, the rule's rows: on blocks of plain
    rows (its fast path), and on blocks where a tricky value hides among them."""

    rng = random.Random(11)
    letters = ["A", "B", "C", "D", "E", "F"]
    plain: list[Any] = ["alice", "Zoë", "+44 20", "-5", "=1", "@x", "a b", None, "", True, False]
    tricky: list[Any] = [
        *_TRICKY_TEXTS,
        "x\u2019y",  # a byte the fast path looks closer at, and renders
        "© 2024",
        "\u200bzero width",
        "a\xa0b",
        " ",
        "x ",
        0,
        7,
        2**53,
        1.5,
        xlsx.EMPTY_TEXT,
    ]
    fast = 0
    for quote in (' s="3"', None):
        for size in (1, 5, 60):
            for _ in range(150):
                rows = [[rng.choice(plain) for _ in range(rng.randint(0, 6))] for _ in range(size)]
                if rng.random() < 0.6:
                    rows[rng.randrange(size)][0:1] = [rng.choice(tricky)]
                first = rng.randint(1, 5000)
                got = xlsx.render_rows(rows, letters, quote, first)
                assert _as_tuples(got) == _by_the_rule(rows, letters, quote, first), rows
                fast += len(got) == 1 and size > 1 and not isinstance(got[0], int)
    assert fast > 100  # whole blocks were rendered at once
