"""A small bar chart per indicator, drawn on the server as inline SVG: no script, nothing to load."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from pipeline.review.numbers import format_number

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH = 640, 18, 6, 220, 140


@dataclass(slots=True)
class Bar:
    label: str  # the reporting unit: issuer or the place the figure names
    value: Decimal


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(title: str, unit: str, bars: list[Bar], colour: str = "#4a7bd0") -> Markup:
    """Horizontal bars, longest first; every label escaped, every number written the Vietnamese way."""
    bars = sorted(bars, key=lambda b: b.value, reverse=True)
    top = max((b.value for b in bars), default=Decimal(0))
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)} ({escape(unit)})</title>'
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = 0 if top <= 0 else max(1, int(plot * float(bar.value / top)))
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" font-size="12">'
            f"{escape(_shorten(bar.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{escape(colour)}">'
            f"<title>{escape(bar.label)}: {escape(format_number(bar.value))} {escape(unit)}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT - 4}" font-size="12">'
            f"{escape(format_number(bar.value))} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
