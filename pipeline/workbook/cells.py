"""How a workbook cell is written: text through `text_cell` only, numbers as real numbers."""

from __future__ import annotations

from decimal import Decimal
from math import ceil
from typing import Any

import pandas as pd
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.safe_cells import OUT_OF_BOUNDS, within_bounds

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
UNREVIEWED_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: not yet checked by an officer
CONFLICT_FILL = PatternFill("solid", fgColor="F8CBAD")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA: an empty cell."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def text_cell(sheet: Worksheet, row: int, column: int, value: Any, *, wrap: bool = False) -> Cell:
    """Every text a person reads goes through here (one place to neutralise or restyle text)."""
    cell = sheet.cell(row=row, column=column, value=None if is_missing(value) else str(value))
    cell.alignment = WRAP if wrap else TOP
    return cell


def number_cell(
    sheet: Worksheet, row: int, column: int, value: Any, *, suffix: str = ""
) -> Cell:
    """A real number (never text) with thousands grouping; `suffix` shows a mark after it (Σ, ?)."""
    cell = sheet.cell(row=row, column=column)
    cell.alignment = TOP
    if is_missing(value) or value == "":
        return cell
    value = Decimal(str(value))
    if not within_bounds(value):  # a stored value past the bound must not break the whole export
        cell.value = OUT_OF_BOUNDS
        return cell
    whole = value == value.to_integral()
    cell.value = int(value) if whole else value
    cell.number_format = (INTEGER_FORMAT if whole else DECIMAL_FORMAT) + (f'" {suffix}"' if suffix else "")
    return cell


def header_row(sheet: Worksheet, row: int, titles: list[str]) -> None:
    """Bold, shaded, wrapped column titles; repeated on every printed page (see printing.py)."""
    for column, title in enumerate(titles, 1):
        cell = text_cell(sheet, row, column, title, wrap=True)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    """Column widths in characters, first column first."""
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def fit_row_heights(sheet: Worksheet, first_row: int, line_height: float = 14.0) -> None:
    """Rows tall enough for their wrapped text: spreadsheets keep a saved height, they never grow it."""
    widths = {
        letter: dimension.width or 10 for letter, dimension in sheet.column_dimensions.items()
    }
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = max(widths.get(cell.column_letter, 10) - 1, 4)
            lines = max(lines, sum(ceil(len(part) * 0.95 / width) or 1 for part in cell.value.split("\n")))
        sheet.row_dimensions[row[0].row].height = lines * line_height
