"""consolidated.xlsx: a sheet per period in time order, then the list sheets; written as the rows
come (`WorkbookWriter`), so its memory does not grow with the store. The long list sheets can be
written meanwhile by another process (`list_part`) and taken in when the book closes."""

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
from pipeline.workbook.xlsx import Book, Part

LIST_SHEETS = (
    ("Nguồn", list_sheets.sources),
    ("Mâu thuẫn", list_sheets.conflicts),
    ("Chi tiết theo địa bàn", list_sheets.breakdowns),
    ("Kế hoạch - Thực hiện", list_sheets.targets),
    ("Chưa báo cáo", list_sheets.not_reported),
    ("Chưa phân loại", list_sheets.unclassified),
)
EMPTY_TITLE = "Tổng hợp"  # the one sheet of a book without any period


class WorkbookWriter:
    """`reserve` the period sheets' names, write them one by one (`period`), then the list sheets
    (`lists`, some of them perhaps written by `list_part` elsewhere), then `close`."""

    def __init__(self, path: Path, exported: date | None = None) -> None:
        self.book = Book(path)
        self.cells = Cells(self.book)
        self.exported = exported or date.today()  # the date its title rows show
        self.taken: set[str] = set()
        self.titles: dict[str, str] = {}
        self.empty_title = ""  # the name of the one sheet a book without periods has
        self.slots: dict[str, int] = {}

    def reserve(self, periods: list[str]) -> set[str]:
        """Name the sheets of `periods` (in their order) before any is written: the sheet names
        the list sheets must not take, returned for whoever writes them."""
        self.titles = {period: sheet_title(short_period(period), self.taken) for period in periods}
        if not periods:
            self.empty_title = sheet_title(EMPTY_TITLE, self.taken)
        return set(self.taken)

    def period(self, period: str, units: list[tuple[str, str]], levels: list[str]) -> PeriodSheet:
        """A period's sheet under its short label (the full one in its title row)."""
        return PeriodSheet(self.cells, self.titles[period], period, units, levels, self.exported)

    def lists(self, rows: dict[str, Iterable[dict[str, Any]]], elsewhere: Iterable[str] = ()) -> None:
        """The list sheets in their order; `rows` by sheet name; the lists named in `elsewhere`
        only get their place (their sheets come with `close`)."""
        if self.empty_title:
            sheet = self.book.sheet(self.empty_title, [60])
            top = title_rows(self.cells, sheet, "TỔNG HỢP SỐ LIỆU", ["Chưa có số liệu nào."], self.exported)
            print_setup(sheet, top, "TỔNG HỢP SỐ LIỆU")
        away = set(elsewhere)
        for name, writer in LIST_SHEETS:
            if name in away:
                self.slots[name] = len(self.book.sheets)
            else:
                writer(self.cells, name, self.taken, rows[name], self.exported)

    def close(self, parts: list[Part] | None = None) -> Path:
        """Save the book, with the `parts`' sheets in the places `lists` kept for them."""
        if parts:
            self.book.take(parts, self.slots)
        return self.book.close()


def list_part(
    spool: Path, rows: dict[str, Iterable[dict[str, Any]]], taken: set[str], exported: date
) -> Part:
    """The list sheets of `rows` (in the book's order), written into `spool` by a book of their
    own, for the workbook's `close` to take in; `taken` the names they must not use. Every list
    part registers the list sheets' looks first and in one order, so that parts written apart
    number their styles alike and none has to be renumbered when they are taken in."""
    book = Book(spool / "part.xlsx", spool)
    cells = Cells(book)
    list_sheets.register_looks(cells)
    for name, writer in LIST_SHEETS:
        if name in rows:
            writer(cells, name, taken, rows[name], exported)
    return book.part()
