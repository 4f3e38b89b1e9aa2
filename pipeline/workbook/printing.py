"""A sheet that prints: title rows naming what and when, landscape A4 fit to the page width,
the header row repeated on every page, page numbers in the footer."""

from __future__ import annotations

from datetime import date
from math import ceil

from pipeline.workbook.cells import LINE_HEIGHT, TITLE_SIZE, Cells
from pipeline.workbook.xlsx import PrintSetup, Sheet


def title_rows(cells: Cells, sheet: Sheet, title: str, lines: list[str], exported: date) -> int:
    """Row 1 the title, then one row per line and the export date, each across the table's width
    and wrapped; returns the header row's number."""
    book, columns, across = cells.book, len(sheet.widths), sum(sheet.widths)
    book.row(sheet, [cells.text(title, bold=True, size=TITLE_SIZE)])
    for line in [*lines, f"Ngày xuất: {exported:%d/%m/%Y}"]:
        book.row(sheet, [cells.text(line, wrap=True)], height=LINE_HEIGHT * ceil(len(line) * 1.1 / across))
    last = book.letter(columns)
    sheet.merged += [f"A{row}:{last}{row}" for row in range(1, sheet.rows + 1)] if columns > 1 else []
    return sheet.rows + 1


def print_setup(sheet: Sheet, header: int, title: str, first_column: int = 1) -> None:
    """Landscape A4, one page wide (as many tall as needed), header row and the title on each
    page; the panes frozen under the header row (and right of the leading columns)."""
    sheet.printing = PrintSetup(title_row=header, header=title.replace("&", "&&"))
    sheet.freeze = (header + 1, first_column)
