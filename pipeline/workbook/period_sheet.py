"""A period sheet: indicators as rows, reporting units as columns, totals per level, a notes column.

Written a row at a time (`PeriodSheet.row`). Every unreviewed number is marked (? and yellow),
every several-figure cell says so (Σ, and the notes column lists what it adds), every conflict
too (≠ and orange); what the cell comments used to hold is in the notes column, which prints.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import product
from typing import Any

from pipeline.line_keys import ADDITIVE_KINDS
from pipeline.workbook.cells import CONFLICT_FILL, UNREVIEWED_FILL, Cell, Cells, fitted_height, is_missing
from pipeline.workbook.printing import print_setup, title_rows
from pipeline.workbook.words import mark, word

LEADING = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Tính chất", "Đơn vị tính"]
NOTES_TITLE = "Ghi chú (ô Σ: cộng từ các số liệu)"
NOTES_LIMIT = 4000  # characters of a notes cell (a spreadsheet cell holds 32,767; a page far fewer)
UNIT_WIDTH, NOTES_WIDTH = 17, 44


def scope_line(units: list[tuple[str, str]]) -> str:
    """ "Phạm vi: 12 đơn vị báo cáo (1 cấp huyện, 11 cấp xã)"."""
    counts: dict[str, int] = {}
    for level, _unit in units:
        counts[level] = counts.get(level, 0) + 1
    parts = [f"{n} cấp {level}" if level else f"{n} không rõ cấp" for level, n in sorted(counts.items())]
    return f"Phạm vi: {len(units)} đơn vị báo cáo ({', '.join(parts)})"


def legend_line() -> str:
    return (
        f"Ký hiệu sau số: {mark('several')} = ô cộng/chọn từ nhiều số liệu (xem cột Ghi chú); "
        f"{mark('unreviewed')} = có số liệu chưa được cán bộ duyệt (nền vàng; cột Ghi chú nói bao nhiêu "
        f"khi chỉ một phần chưa duyệt); {mark('conflict')} = hai báo cáo ghi khác nhau (nền cam, xem trang "
        "«Mâu thuẫn»). Thực hiện, kế hoạch, ước tính nằm ở các dòng riêng."
    )


class PeriodSheet:
    """One period's sheet: title rows and header on creation, then one row per `row` call."""

    def __init__(
        self,
        cells: Cells,
        name: str,
        period: str,
        units: list[tuple[str, str]],
        levels: list[str],
        exported: date,
    ) -> None:
        self.cells, self.period = cells, period
        titles = [
            *LEADING,
            *(unit for _level, unit in units),
            *(f"Tổng cộng cấp {level}" if level else "Tổng cộng" for level in levels),
            NOTES_TITLE,
        ]
        self.widths = [12.0, 34, 11, 11] + [UNIT_WIDTH] * (len(titles) - 5) + [NOTES_WIDTH]
        self.sheet = cells.book.sheet(name, self.widths)
        title = f"TỔNG HỢP SỐ LIỆU – {period}"
        top = title_rows(cells, self.sheet, title, [scope_line(units), legend_line()], exported)
        header = cells.header(titles)
        cells.book.row(
            self.sheet, header, fitted_height([(t, w) for t, w in zip(titles, self.widths, strict=True)])
        )
        self.unit_column = {unit: len(LEADING) + i for i, (_level, unit) in enumerate(units)}
        self.total_column = {level: len(LEADING) + len(units) + i for i, level in enumerate(levels)}
        self.notes_column = len(titles) - 1
        marks = (mark("several"), mark("unreviewed"), mark("conflict"))  # read once, not per cell
        self.signs = {  # the marks after a number, by (several figures, unreviewed, conflict)
            on: "".join(sign for sign, shown in zip(marks, on, strict=True) if shown)
            for on in product((False, True), repeat=3)
        }
        print_setup(self.sheet, top, title, first_column=len(LEADING) + 1)

    def row(
        self,
        keys: tuple[Any, ...],
        lines: list[dict[str, Any]],
        totals: dict[str, tuple[Decimal, int]],
        conflicted: set[tuple[Any, ...]],
    ) -> None:
        """One sheet row: a line's number in each unit's column, the totals, the notes."""
        code, name, modality, kind, unit, per = keys
        cells = self.cells
        self.widths[0] = max(self.widths[0], min(len(str(code)) + 1, 24))  # written when the book closes
        row: list[Cell | None] = [None] * (self.notes_column + 1)
        shown_unit = unit + (f"/{per}" if per else "")
        row[0] = cells.text(code)
        row[1] = cells.text(name, wrap=True)
        row[2] = cells.text(word("modality", modality), wrap=True)
        row[3] = cells.text(shown_unit, wrap=True)
        notes = []
        for line in lines:
            conflict = (
                bool(line["conflict"])
                or (self.period, line["reporting_unit"], line["level"], code, kind, unit, per, modality)
                in conflicted
            )
            row[self.unit_column[line["reporting_unit"]]], note = self.unit_cell(line, conflict)
            if note:
                notes.append(f"{line['reporting_unit']}: {note}")
        if kind in ADDITIVE_KINDS:
            for level, (value, _units) in totals.items():
                row[self.total_column[level]] = cells.number(value, bold=True)
        text = shortened(notes)
        if text:
            row[self.notes_column] = cells.text(text, wrap=True)
        height = fitted_height(
            [
                (str(name), self.widths[1]),
                (row[2][0], self.widths[2]),
                (shown_unit, self.widths[3]),
                (text, self.widths[-1]),
            ]
        )
        cells.book.row(self.sheet, row, height)

    def unit_cell(self, line: dict[str, Any], conflict: bool) -> tuple[Cell, str]:
        """One unit's number with its marks, and what the notes column says about it."""
        figures, note = int(line["figures"]), line["note"]
        several = figures > 1 or bool(note)
        if type(note) is not str:
            note = "" if is_missing(note) else str(note)
        unreviewed = int(line["unreviewed"] or 0)
        signs = self.signs[several, unreviewed > 0, conflict]
        fill = CONFLICT_FILL if conflict else UNREVIEWED_FILL if unreviewed else ""
        approx = line["approx"]
        if approx in ("exact", "", None) or is_missing(approx):
            cell = self.cells.number(line["value"], suffix=signs, fill=fill)
        else:  # "> 1.500", "10–15", "~ 200": the cell says the number is not exact
            cell = self.cells.text(f"{line['shown']} {signs}".strip(), fill=fill, right=True)
        if not (several or unreviewed or conflict):  # most cells: one reviewed figure, nothing to say
            return cell, ""
        if several and not note:
            note = f"{figures} số liệu"
        details = [note]
        if 0 < unreviewed < figures:  # all unreviewed: the ? and the yellow say it
            details.append(f"chưa duyệt {unreviewed}/{figures} số liệu")
        if conflict:
            details.append("mâu thuẫn")
        return cell, "; ".join(filter(None, details))


def shortened(notes: list[str]) -> str:
    """The notes cell: every note while they fit NOTES_LIMIT, then how many more and where they are."""
    text, kept = "", 0
    for note in notes:
        longer = f"{text}\n{note}" if text else note
        if len(longer) > NOTES_LIMIT:
            break
        text, kept = longer, kept + 1
    if kept < len(notes):
        text += f"\n… và {len(notes) - kept} ghi chú nữa: xem consolidated.csv (cột note)"
    return text
