"""How a workbook cell is made: text through `Cells.text` only (the formula guard), numbers as real
numbers; each look is registered once in the book and reused by its index."""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from typing import Any

from pipeline.safe_cells import FORMULA_STARTS, OUT_OF_BOUNDS, needs_quote, within_bounds
from pipeline.workbook.xlsx import Book, Style

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
UNREVIEWED_FILL = "FFF2CC"  # pale yellow: not yet checked by an officer
CONFLICT_FILL = "F8CBAD"
HEADER_FILL = "D9E1F2"
TITLE_SIZE = 13
LINE_HEIGHT = 14.0
FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)
SMALL = 10**15  # integers below this are within pipeline.bounds without asking

Cell = tuple[Any, int]


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA and NaT: an empty cell. Only where pandas is already imported can a
    value be one of its own: the list sheets' processes write plain rows and never import it."""
    if value is None or isinstance(value, str):
        return value is None
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")
    return pandas is not None and bool(pandas.isna(value))


class Cells:
    """The cell makers of one book; a style is looked up by a small key, made the first time."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._ids: dict[tuple[Any, ...], int] = {}
        self._numbers: dict[tuple[bool, str, str, bool], int] = {}

    def _style(self, number_format: str, bold: bool, size: float, fill: str, wrap: bool, right: bool,
               quote: bool) -> int:
        key = (number_format, bold, size, fill, wrap, right, quote)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self.book.style(Style(
                number_format=number_format, bold=bold, size=size, fill=fill, wrap=wrap,
                horizontal="right" if right else "", quote=quote))
        return found

    def text(self, value: Any, *, wrap: bool = False, bold: bool = False, size: float = 11, fill: str = "",
             right: bool = False) -> Cell:
        """Every text a person reads goes through here: formula-like text gets the quote prefix."""
        if type(value) is str:  # most cells: no missing-value test
            text = value
        elif is_missing(value):
            return ("", self._style("General", bold, size, fill, wrap, right, False))
        else:
            text = str(value)
        quote = text[:1] in FORMULA_FIRST and needs_quote(text)
        return (text, self._style("General", bold, size, fill, wrap, right, quote))

    def number(self, value: Any, *, suffix: str = "", fill: str = "", bold: bool = False) -> Cell:
        """A real number (never text) with thousands grouping; `suffix` shows a mark after it (Σ, ?)."""
        kind = type(value)
        if kind is int and -SMALL < value < SMALL:  # counts: no decimal detour
            return (value, self._number_style(True, suffix, fill, bold))
        if kind is Decimal and value.is_finite() and -SMALL < value < SMALL:  # stored values: no NA test
            whole = value == value.to_integral_value()
            return (int(value) if whole else value, self._number_style(whole, suffix, fill, bold))
        if is_missing(value) or value == "":
            return ("", self._style("General", bold, 11, fill, False, False, False))
        value = value if kind is Decimal else Decimal(str(value))
        # a stored value past the bound must not break the whole export
        if not (value.is_finite() and -SMALL < value < SMALL) and not within_bounds(value):
            return self.text(OUT_OF_BOUNDS, fill=fill)
        whole = value == value.to_integral()
        return (int(value) if whole else value, self._number_style(whole, suffix, fill, bold))

    def _number_style(self, whole: bool, suffix: str, fill: str, bold: bool) -> int:
        """The style of a number cell: its format (with the marks after it), fill and weight."""
        key = (whole, suffix, fill, bold)
        found = self._numbers.get(key)
        if found is None:
            shown = (INTEGER_FORMAT if whole else DECIMAL_FORMAT) + (f'" {suffix}"' if suffix else "")
            found = self._numbers[key] = self._style(shown, bold, 11, fill, False, False, False)
        return found

    def header(self, titles: list[str]) -> list[Cell]:
        """Bold, shaded, wrapped column titles; repeated on every printed page (see printing.py)."""
        return [self.text(title, wrap=True, bold=True, fill=HEADER_FILL) for title in titles]


def fitted_height(texts: list[tuple[str, float]]) -> float | None:
    """A row tall enough for its wrapped (text, column width) pairs: spreadsheets keep a saved
    height, they never grow it; None when one line is enough."""
    lines = max((text_lines(text, width) for text, width in texts), default=1)
    return lines * LINE_HEIGHT if lines > 1 else None


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide."""
    room = max(width - 1, 4)
    if "\n" not in text:
        return math.ceil(len(text) * 0.95 / room) if len(text) * 0.95 > room else 1
    return sum(math.ceil(len(part) * 0.95 / room) or 1 for part in text.split("\n"))
