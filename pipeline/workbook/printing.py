"""A sheet that prints: title rows naming what and when, landscape A4 fit to the page width,
the header row repeated on every page, page numbers in the footer."""

from __future__ import annotations

from datetime import date
from math import ceil

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.workbook.cells import TITLE_FONT, set_widths, text_cell


def title_rows(sheet: Worksheet, title: str, lines: list[str], exported: date, widths: list[float]) -> int:
    """Set the column widths; row 1 the title, then one row per line and the export date, each
    across the table's width and wrapped; returns the header row's number."""
    set_widths(sheet, widths)
    columns, across = len(widths), sum(widths)
    text_cell(sheet, 1, 1, title).font = TITLE_FONT
    rows = [*lines, f"Ngày xuất: {exported:%d/%m/%Y}"]
    for offset, line in enumerate(rows, 2):
        text_cell(sheet, offset, 1, line, wrap=True)
        sheet.row_dimensions[offset].height = 14 * ceil(len(line) * 1.1 / across)
    for row in range(1, len(rows) + 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    return len(rows) + 2


def print_setup(sheet: Worksheet, header: int, title: str) -> None:
    """Landscape A4, one page wide (as many tall as needed), header row and the title on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header}:{header}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddHeader.center.text = title.replace("&", "&&")
    sheet.oddFooter.center.text = "Trang &P / &N"
