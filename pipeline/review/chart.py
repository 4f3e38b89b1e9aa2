"""Charts an officer can put in a report, drawn on the server as standalone SVG: no script, no CDN.

Two shapes only. `compare_chart`: one period, the units side by side as horizontal bars, longest
first, each unit's full name above its bar and its value written at the bar's end. `trend_chart`:
one unit, its periods in time order as columns, each period's full name under its column. Every
number is written the Vietnamese way (1.500.000; 8,2) and every text is escaped.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"  # Vietnamese diacritics in every browser and printer
WIDTH = 860
MARGIN = 16
TITLE_LINE = 22  # height of a title line
LINE = 16  # height of a label line
BAR = 20
VALUE_ROOM = 190  # the value written after the longest bar
LABEL_CHARS = 100  # a unit's name wraps after this many characters (never cut)
COLUMN = 120  # width of one period in a trend chart
COLUMN_CHARS = 16  # a period's name wraps after this many characters
PLOT_HEIGHT = 240


@dataclass(frozen=True, slots=True)
class Bar:
    """One value of a chart: what it is (a unit's or a period's full name), the number and its text."""

    label: str
    value: Decimal
    shown: str  # as the workbook writes it: "1.500.000", "> 1.500", "10–15"


def wrapped(text: str, width: int) -> list[str]:
    """The whole text on lines of at most `width` characters, broken between words (never cut)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _length(value: Decimal, top: Decimal, room: int) -> int:
    """Bar length in pixels: proportional to the largest value, at least 1 px for any positive value."""
    if top <= 0 or value <= 0:
        return 0
    return max(1, round(room * float(value / top)))


def _text(x: float, y: float, text: str, *, cls: str, anchor: str = "start", size: int = 13,
          weight: str = "normal") -> str:
    return (
        f'<text class="{cls}" x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}">{escape(text)}</text>'
    )


def _heading(title: str, subtitle: str) -> tuple[list[str], int]:
    """The chart's own title lines (it is read alone once put in a report) and the height they take."""
    parts, y = [], MARGIN
    for line in wrapped(title, 90):
        y += TITLE_LINE
        parts.append(_text(MARGIN, y, line, cls="chart-title", size=16, weight="bold"))
    for line in wrapped(subtitle, 110):
        y += LINE + 2
        parts.append(_text(MARGIN, y, line, cls="chart-subtitle", size=12))
    return parts, y + LINE


def _svg(width: int, height: int, title: str, body: list[str], kind: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}">'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def compare_chart(
    title: str, subtitle: str, bars: list[Bar], colour: str = "#4a7bd0", note: str = ""
) -> Markup:
    """Units of one period side by side: bars sorted from the largest value, each labelled in full;
    `note` (what is left out) is written under the last bar, so the chart says it when read alone."""
    ordered = sorted(bars, key=lambda b: (-b.value, b.label))
    top = max((b.value for b in ordered), default=Decimal(0))
    room = WIDTH - 2 * MARGIN - VALUE_ROOM
    body, y = _heading(title, subtitle)
    for rank, bar in enumerate(ordered, 1):
        for line in wrapped(bar.label, LABEL_CHARS):
            y += LINE
            body.append(_text(MARGIN, y, line, cls="bar-label"))
        y += 4
        length = _length(bar.value, top, room)
        body.append(
            f'<rect class="bar" data-rank="{rank}" data-value="{bar.value}" x="{MARGIN}" y="{y}" '
            f'width="{length}" height="{BAR}" fill="{escape(colour)}">'
            f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>"
        )
        body.append(_text(MARGIN + length + 6, y + BAR - 5, bar.shown, cls="bar-value", weight="bold"))
        y += BAR + 10
    for line in wrapped(note, 110) if note else []:
        y += LINE + 2
        body.append(_text(MARGIN, y, line, cls="chart-note", size=12, weight="bold"))
    return _svg(WIDTH, y + MARGIN, title, body, "compare")


def trend_chart(title: str, subtitle: str, points: list[Bar], colour: str = "#4a7bd0") -> Markup:
    """One unit across periods: a column per period in the order given (time order), named in full."""
    top = max((p.value for p in points), default=Decimal(0))
    body, y = _heading(title, subtitle)
    base = y + LINE + PLOT_HEIGHT  # the baseline: value text above each column, period names below
    width = max(WIDTH, 2 * MARGIN + COLUMN * len(points))
    body.append(
        f'<line x1="{MARGIN}" y1="{base}" x2="{width - MARGIN}" y2="{base}" stroke="#555555"/>'
    )
    lowest = base
    for i, point in enumerate(points):
        centre = MARGIN + COLUMN * i + COLUMN / 2
        height = _length(point.value, top, PLOT_HEIGHT)
        body.append(
            f'<rect class="column" data-order="{i + 1}" data-value="{point.value}" '
            f'x="{centre - COLUMN * 0.3:g}" y="{base - height}" width="{COLUMN * 0.6:g}" height="{height}" '
            f'fill="{escape(colour)}"><title>{escape(point.label)}: {escape(point.shown)}</title></rect>'
        )
        body.append(_text(centre, base - height - 6, point.shown, cls="column-value", anchor="middle",
                          size=12, weight="bold"))
        line_y = base
        for line in wrapped(point.label, COLUMN_CHARS):
            line_y += LINE
            body.append(_text(centre, line_y, line, cls="column-label", anchor="middle", size=12))
        lowest = max(lowest, line_y)
    return _svg(width, lowest + MARGIN, title, body, "trend")
