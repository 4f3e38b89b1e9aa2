"""Cells that cannot hurt whoever opens the export: no live formula, no number past the bound.

Report text reaches figures.csv and consolidated.xlsx (quotes, sections, file names). Text that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken as a formula by Excel and
LibreOffice when the CSV is opened ("CSV injection"), so as OWASP recommends it is written with a
leading apostrophe: `'=HYPERLINK(...)`, `'- Vận động ...`. In the workbook the text is kept as is,
always stored as a string (pipeline/workbook/xlsx.py never writes a formula) and given Excel's own
"quote prefix" (the apostrophe a user types), so it is shown exactly and never evaluated.
A number beyond pipeline.bounds is written as text saying so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.bounds import within_bounds

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
OUT_OF_BOUNDS = "(ngoài giới hạn / out of bounds)"


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate or treat as a formula when opened."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A CSV cell value: formula-like text behind an apostrophe, a number past the bound as a note."""
    if is_formula_like(value) and not _is_plain_number(value):
        return "'" + value
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool) and not within_bounds(value):
        return OUT_OF_BOUNDS
    return value


def needs_quote(text: str) -> bool:
    """A workbook text cell a spreadsheet would take for a formula: written with the quote prefix."""
    return is_formula_like(text) and not _is_plain_number(text)


def _is_plain_number(text: str) -> bool:
    """'-12.5' in a CSV is a number the exporter wrote, not text: it stays as it is."""
    try:
        return text.strip() == text and Decimal(text).is_finite() and within_bounds(Decimal(text))
    except ArithmeticError:
        return False
