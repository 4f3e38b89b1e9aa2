"""consolidated.xlsx: a sheet per period in time order, then the list sheets; written as the rows
come (`WorkbookWriter`), so its memory does not grow with the store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.workbook import list_sheets
from pipeline.workbook.cells import Cells
from pipeline.workbook.names import sheet_title, short_period
from pipeline.workbook.period_sheet import PeriodSheet
from pipeline.workbook.printing import print_setup, title_rows
from pipeline.workbook.xlsx import Book

LIST_SHEETS = (
    ("Nguồn", list_sheets.sources),
    ("Mâu thuẫn", list_sheets.conflicts),
    ("Chi tiết theo địa bàn", list_sheets.breakdowns),
    ("Kế hoạch - Thực hiện", list_sheets.targets),
    ("Chưa báo cáo", list_sheets.not_reported),
    ("Chưa phân loại", list_sheets.unclassified),
)


class WorkbookWriter:
    """The period sheets one by one (`period`), then the list sheets (`lists`), then `close`."""

    def __init__(self, path: Path, exported: date | None = None) -> None:
        self.book = Book(path)
        self.cells = Cells(self.book)
        self.exported = exported or date.today()  # the date its title rows show
        self.taken: set[str] = set()
        self.periods = 0

    def period(self, period: str, units: list[tuple[str, str]], levels: list[str]) -> PeriodSheet:
        """A period's sheet under its short label (the full one in its title row)."""
        self.periods += 1
        name = sheet_title(short_period(period), self.taken)
        return PeriodSheet(self.cells, name, period, units, levels, self.exported)

    def lists(self, rows: dict[str, Iterable[dict[str, Any]]]) -> None:
        """The list sheets in their order; `rows` by sheet name."""
        if not self.periods:
            sheet = self.book.sheet(sheet_title("Tổng hợp", self.taken), [60])
            top = title_rows(self.cells, sheet, "TỔNG HỢP SỐ LIỆU", ["Chưa có số liệu nào."], self.exported)
            print_setup(sheet, top, "TỔNG HỢP SỐ LIỆU")
        for name, writer in LIST_SHEETS:
            writer(self.cells, name, self.taken, rows[name], self.exported)

    def close(self) -> Path:
        return self.book.close()
