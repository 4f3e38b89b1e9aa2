"""A period sheet: indicators as rows, reporting units as columns, totals per level, a notes column."""

from __future__ import annotations

from datetime import date

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.consolidate import ADDITIVE_KINDS
from pipeline.workbook.cells import (
    CONFLICT_FILL,
    HEADER_FONT,
    UNREVIEWED_FILL,
    fit_row_heights,
    header_row,
    is_missing,
    number_cell,
    text_cell,
)
from pipeline.workbook.printing import print_setup, title_rows
from pipeline.workbook.words import mark, word

ROW_KEYS = ["indicator_code", "indicator_name", "modality", "kind", "unit", "per"]
MODALITY_ORDER = {"actual": 0, "estimate": 1, "target": 2, "change": 3}
LEADING = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Tính chất", "Đơn vị tính"]
NOTES_TITLE = "Ghi chú (ô Σ: cộng từ các số liệu)"


def scope_line(units: pd.DataFrame) -> str:
    """ "Phạm vi: 12 đơn vị báo cáo (1 cấp huyện, 11 cấp xã)"."""
    counts = units.groupby("level", dropna=False).size()
    parts = [f"{n} cấp {level}" if level else f"{n} không rõ cấp" for level, n in counts.items()]
    return f"Phạm vi: {len(units)} đơn vị báo cáo ({', '.join(parts)})"


def legend_line() -> str:
    return (
        f"Ký hiệu sau số: {mark('several')} = ô cộng/chọn từ nhiều số liệu (xem cột Ghi chú); "
        f"{mark('unreviewed')} = có số liệu chưa được cán bộ duyệt (nền vàng); "
        f"{mark('conflict')} = hai báo cáo ghi khác nhau (nền cam, xem trang «Mâu thuẫn»). "
        "Thực hiện, kế hoạch, ước tính nằm ở các dòng riêng."
    )


def period_sheet(
    sheet: Worksheet,
    period: str,
    lines: pd.DataFrame,
    totals: pd.DataFrame,
    conflicted: set[tuple[str, ...]],
    exported: date,
) -> None:
    """Write one period; every unreviewed number is marked, every several-figure cell says so."""
    units = lines[["level", "reporting_unit"]].drop_duplicates().sort_values(["level", "reporting_unit"])
    levels = sorted(totals["level"].unique()) if not totals.empty else []
    title = f"TỔNG HỢP SỐ LIỆU – {period}"
    titles = [
        *LEADING,
        *units["reporting_unit"],
        *[f"Tổng cộng cấp {level}" if level else "Tổng cộng" for level in levels],
        NOTES_TITLE,
    ]
    code_width = min(max([len(str(c)) for c in lines["indicator_code"]] + [11]) + 1, 24)
    widths = [code_width, 34, 11, 11] + [17] * (len(titles) - 5) + [44]
    top = title_rows(sheet, title, [scope_line(units), legend_line()], exported, widths)
    header_row(sheet, top, titles)
    unit_column = {u: len(LEADING) + 1 + i for i, u in enumerate(units["reporting_unit"])}
    total_column = {level: len(LEADING) + 1 + len(unit_column) + i for i, level in enumerate(levels)}
    notes_column = len(titles)
    lines = lines.assign(_order=lines["modality"].map(MODALITY_ORDER)).sort_values(
        ["indicator_code", "_order", "unit"]
    )
    row = top + 1
    for keys, group in lines.groupby(ROW_KEYS, sort=False, dropna=False):
        code, name, modality, kind, unit, per = keys
        text_cell(sheet, row, 1, code)
        text_cell(sheet, row, 2, name, wrap=True)
        text_cell(sheet, row, 3, word("modality", modality), wrap=True)
        text_cell(sheet, row, 4, unit + (f"/{per}" if per else ""), wrap=True)
        notes = []
        for line in group.itertuples():
            conflict = (period, line.reporting_unit, code, kind, unit, per, modality) in conflicted
            note = unit_cell(sheet, row, unit_column[line.reporting_unit], line, conflict)
            if note:
                notes.append(f"{line.reporting_unit}: {note}")
        if kind in ADDITIVE_KINDS:
            mine = totals[
                (totals["indicator_code"] == code)
                & (totals["modality"] == modality)
                & (totals["unit"] == unit)
                & (totals["per"] == per)
                & (totals["kind"] == kind)
            ]
            for total in mine.itertuples():
                number_cell(sheet, row, total_column[total.level], total.value).font = HEADER_FONT
        if notes:
            text_cell(sheet, row, notes_column, "\n".join(notes), wrap=True)
        row += 1
    fit_row_heights(sheet, top)
    sheet.freeze_panes = sheet.cell(row=top + 1, column=len(LEADING) + 1)
    print_setup(sheet, top, title)


def unit_cell(sheet: Worksheet, row: int, column: int, line: object, conflict: bool) -> str:
    """One unit's number with its marks; returns what the notes column says about it."""
    several = int(line.figures) > 1 or bool(line.note)
    signs = "".join(
        sign
        for sign, on in (
            (mark("several"), several),
            (mark("unreviewed"), bool(line.unreviewed)),
            (mark("conflict"), conflict),
        )
        if on
    )
    if line.approx in ("exact", "", None) or is_missing(line.approx):
        cell = number_cell(sheet, row, column, line.value, suffix=signs)
    else:  # "> 1.500", "10–15", "~ 200": the cell says the number is not exact
        cell = text_cell(sheet, row, column, f"{line.shown} {signs}".strip())
        cell.alignment = Alignment(horizontal="right", vertical="top")
    details = []
    if line.unreviewed:
        cell.fill = UNREVIEWED_FILL
        details.append(f"Chưa duyệt {line.unreviewed}/{line.figures} số liệu")
    if conflict:
        cell.fill = CONFLICT_FILL
        details.append("Có mâu thuẫn: xem trang «Mâu thuẫn»")
    note = "" if is_missing(line.note) else str(line.note)
    if several and not note:
        note = f"{int(line.figures)} số liệu"
    if note:
        details.append(note)
    if details:
        cell.comment = Comment("\n".join(details), "tonghop")
    return "; ".join(filter(None, [note, "mâu thuẫn" if conflict else ""]))

