"""The bar charts of ``summary.html``, drawn as inline SVG: the geometry is computed here
so the template only draws it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int
    tone: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    height: int


_TONES = {
    "succeeded": "ok",
    "loaded": "ok",
    "failed": "bad",
    "skipped": "bad",
    "started": "bad",
    "blocked": "bad",
    "parked": "warn",
    "rolled_back": "muted",
    "rolled back": "muted",
    "pending": "muted",
    "not loaded": "muted",
    "partial": "warn",
    "differs": "bad",
}

BAR_AREA = 320.0
ROW = 26


def chart(chart_id: str, title: str, values: list[tuple[str, int]]) -> Chart:
    """A horizontal bar chart; geometry computed here so the template only draws it."""
    top = max((v for _, v in values), default=0) or 1
    bars = [
        Bar(label, value, round(BAR_AREA * value / top, 1), i * ROW, _TONES.get(label, "info"))
        for i, (label, value) in enumerate(values)
    ]
    return Chart(chart_id, title, bars, max(len(bars), 1) * ROW + 4)
