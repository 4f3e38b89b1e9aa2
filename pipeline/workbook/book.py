"""consolidated.xlsx: a sheet per period in time order, then the list sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from pipeline.consolidate import Consolidation
from pipeline.safe_cells import neutralise_workbook
from pipeline.workbook import list_sheets
from pipeline.workbook.cells import text_cell
from pipeline.workbook.names import period_order, sheet_title, short_period
from pipeline.workbook.period_sheet import period_sheet

LIST_SHEETS = (
    ("Nguồn", list_sheets.sources),
    ("Mâu thuẫn", list_sheets.conflicts),
    ("Chi tiết theo địa bàn", list_sheets.breakdowns),
    ("Kế hoạch - Thực hiện", list_sheets.targets),
    ("Chưa báo cáo", list_sheets.not_reported),
    ("Chưa phân loại", list_sheets.unclassified),
)


def write_workbook(path: Path, result: Consolidation, exported: date | None = None) -> Path:
    """Write the workbook of a consolidation; `exported` is the date its title rows show (today)."""
    exported = exported or date.today()
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    conflicted = {
        (c["period"], c["reporting_unit"], c["indicator_code"], c["kind"], c["unit"], c["per"], c["modality"])
        for c in result.conflicts
    }
    lines = result.consolidated
    periods = sorted(lines["period"].unique(), key=period_order) if not lines.empty else []
    for period in periods:
        sheet = book.create_sheet(sheet_title(short_period(period), taken))
        period_sheet(
            sheet,
            period,
            lines[lines["period"] == period],
            result.totals[result.totals["period"] == period],
            conflicted,
            exported,
        )
    if lines.empty:
        text_cell(book.create_sheet(sheet_title("Tổng hợp", taken)), 1, 1, "Chưa có số liệu nào.")
    for name, writer in LIST_SHEETS:
        writer(book.create_sheet(sheet_title(name, taken)), result, exported)
    neutralise_workbook(book)  # no cell that starts with = + - @ is ever a live formula (safe_cells.py)
    book.save(path)
    return path
