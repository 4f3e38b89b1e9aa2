"""The list sheets after the period sheets: sources, conflicts, breakdowns, targets, missing
units, unclassified figures. Each column says one thing; stored words get Vietnamese labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from pipeline.consolidate import Consolidation
from pipeline.workbook.cells import fit_row_heights, header_row, is_missing, number_cell, text_cell
from pipeline.workbook.printing import print_setup, title_rows
from pipeline.workbook.words import word


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, width in characters, and whether it holds numbers or wrapped text."""

    title: str
    width: float
    number: bool = False
    wrap: bool = True


def table_sheet(
    sheet: Worksheet, title: str, columns: list[Column], rows: list[list[Any]], exported: date
) -> None:
    """Title rows, a header row repeated on each printed page, then one row per entry."""
    top = title_rows(sheet, title, [f"Số dòng: {len(rows)}"], exported, [c.width for c in columns])
    header_row(sheet, top, [c.title for c in columns])
    for r, values in enumerate(rows, top + 1):
        for c, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            if column.number and not is_missing(value) and value != "":
                number_cell(sheet, r, c, Decimal(str(value)))
            else:
                text_cell(sheet, r, c, value, wrap=column.wrap)
    fit_row_heights(sheet, top)
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    print_setup(sheet, top, title)


def sources(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Mã văn bản", 8, number=True),
        Column("Tệp", 26),
        Column("Định dạng", 8),
        Column("Trạng thái", 11),
        Column("Đơn vị ban hành", 26),
        Column("Mã đơn vị", 12),
        Column("Cấp", 8),
        Column("Kỳ báo cáo", 18),
        Column("Loại văn bản", 12),
        Column("Số số liệu", 8, number=True),
        Column("Số chưa duyệt", 8, number=True),
        Column("Lỗi (mã – lý do)", 24),
        Column("Thay thế / bị thay bởi", 24),
        Column("SHA-256", 18),
    ]
    rows = []
    for s in result.sources.to_dict("records") if not result.sources.empty else []:
        error = " – ".join(str(v) for v in (s["error_code"], s["error"]) if not is_missing(v) and v)
        replaced = [
            f"bị thay bởi văn bản {int(s['superseded_by'])}" if not is_missing(s["superseded_by"]) else "",
            "" if is_missing(s["replace_note"]) else str(s["replace_note"]),
            f"cùng ngày với văn bản {s['ambiguous_with']}" if not is_missing(s["ambiguous_with"]) else "",
        ]
        rows.append(
            [
                s["document_id"],
                s["path"],
                str(s["format"]).upper(),
                word("document_status", s["status"]),
                s["issuer"],
                s["unit_code"],
                s["level"],
                s["period"],
                s["doc_type"],
                s["figures"],
                s["unreviewed"],
                error,
                "; ".join(filter(None, replaced)),
                s["sha256"],
            ]
        )
    table_sheet(sheet, "CÁC TỆP BÁO CÁO ĐÃ NHẬN", columns, rows, exported)


def conflicts(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Kỳ báo cáo", 18),
        Column("Đơn vị báo cáo", 26),
        Column("Mã chỉ tiêu", 16),
        Column("Loại số liệu", 10),
        Column("Đơn vị tính", 10),
        Column("Tính chất", 12),
        Column("Kiểu mâu thuẫn", 16),
        Column("Các số ghi trong báo cáo", 44),
        Column("Số được dùng", 16, number=True),
    ]
    rows = [
        [
            c["period"],
            c["reporting_unit"],
            c["indicator_code"] or "(chưa phân loại)",
            word("kinds", c["kind"]),
            c["unit"],
            word("modality", c["modality"]),
            word("conflict_types", c["type"]),
            c["detail"],
            c["used"],
        ]
        for c in result.conflicts
    ]
    table_sheet(sheet, "MÂU THUẪN CẦN XEM LẠI", columns, rows, exported)


def breakdowns(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Kỳ báo cáo", 16),
        Column("Đơn vị báo cáo", 24),
        Column("Mã chỉ tiêu", 16),
        Column("Tổng (như báo cáo ghi)", 18),
        Column("Tổng", 14, number=True),
        Column("Địa bàn / thành phần", 26),
        Column("Số của phần", 14, number=True),
        Column("Cộng các phần", 14, number=True),
        Column("Khớp với tổng", 10),
        Column("Tệp", 22),
    ]
    frame = result.breakdowns
    rows = [
        [
            b["period"],
            b["reporting_unit"],
            b["indicator_code"],
            b["total_quote"],
            b["total"],
            b["subject"],
            b["part"],
            b["parts_sum"],
            word("matches", bool(b["matches"])),
            b["doc"],
        ]
        for b in (frame.to_dict("records") if not frame.empty else [])
    ]
    table_sheet(sheet, "TỔNG VÀ CÁC PHẦN (THEO ĐỊA BÀN, THÀNH PHẦN)", columns, rows, exported)


def targets(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Kỳ báo cáo", 18),
        Column("Đơn vị báo cáo", 26),
        Column("Mã chỉ tiêu", 18),
        Column("Loại số liệu", 10),
        Column("Đơn vị tính", 10),
        Column("Tính theo", 10),
        Column("Kế hoạch", 16, number=True),
        Column("Thực hiện", 16, number=True),
        Column("Đạt (%)", 9, number=True),
    ]
    frame = result.targets_vs_actuals
    rows = [
        [t["period"], t["reporting_unit"], t["indicator_code"], word("kinds", t["kind"]), t["unit"],
         t["per"], t["target"], t["actual"], t["achieved_percent"]]
        for t in (frame.to_dict("records") if not frame.empty else [])
    ]
    table_sheet(sheet, "KẾ HOẠCH VÀ THỰC HIỆN", columns, rows, exported)


def not_reported(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Kỳ báo cáo", 24),
        Column("Đơn vị chưa gửi báo cáo", 36),
        Column("Cấp", 10),
        Column("Thuộc", 30),
        Column("Mã đơn vị", 14),
    ]
    rows = [
        [m["period"], m["unit"], m["level"], m.get("parent", ""), m.get("unit_code", "")]
        for m in result.not_reported
    ]
    table_sheet(sheet, "ĐƠN VỊ CHƯA BÁO CÁO", columns, rows, exported)


def unclassified(sheet: Worksheet, result: Consolidation, exported: date) -> None:
    columns = [
        Column("Tệp", 22),
        Column("Số như báo cáo ghi", 16),
        Column("Loại số liệu", 10),
        Column("Giá trị", 14, number=True),
        Column("Đơn vị tính", 10),
        Column("Nội dung", 26),
        Column("Câu trong báo cáo", 60),
        Column("Mã số liệu", 14),
    ]
    frame = result.figures
    # a figure an officer rejected is no figure: it waits for no line (as on the overview page)
    if not frame.empty:
        frame = frame[(frame["indicator_code"] == "") & (frame["review_status"] != "rejected")]
    unmapped = frame
    if result.unclassified is not None:  # read from the store's cells: only these were fetched
        unmapped = result.unclassified
    rows = [
        [f["doc"], f["quote"], word("kinds", f["kind"]), f["value"], f["unit"], f["indicator"],
         f["sentence"], f["figure_id"]]
        for f in (unmapped.to_dict("records") if not unmapped.empty else [])
    ]
    table_sheet(sheet, "SỐ LIỆU CHƯA PHÂN LOẠI VÀO CHỈ TIÊU", columns, rows, exported)
