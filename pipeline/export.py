"""Exports an officer hands in: figures.csv, consolidated.csv (long form) and consolidated.xlsx.

CSVs are UTF-8 with a BOM (Excel then shows Vietnamese correctly) and numbers are plain decimal
text with '.' as the decimal mark and no grouping, whatever the machine's locale. In the workbook
numbers are real numbers formatted `#,##0`, which Excel shows as 1.234.567 in a Vietnamese locale.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.consolidate import ADDITIVE_KINDS, Consolidation, consolidate
from pipeline.figure import FIGURE_FIELDS, decimal_text
from pipeline.safe_cells import OUT_OF_BOUNDS, csv_safe, neutralise_workbook, within_bounds
from pipeline.store.api import Store

CSV_ENCODING = "utf-8-sig"  # the BOM tells Excel the file is UTF-8
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
UNREVIEWED_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: not yet checked by an officer
CONFLICT_FILL = PatternFill("solid", fgColor="F8CBAD")
HEADER_FONT = Font(bold=True)
MODALITY_VI = {
    "actual": "Thực hiện",
    "target": "Kế hoạch / chỉ tiêu",
    "estimate": "Ước tính",
    "change": "Tăng/giảm",
}
FIGURE_CSV_EXTRA = (
    "figure_id",
    "document_id",
    "issuer",
    "level",
    "period",
    "period_role",
    "sentence",
    "indicator_code",
    "indicator_name",
    "indicator_score",
    "review_status",
    "counted",
    "why_not_counted",
    "same_as",
    "role",
    "page",
)
CONSOLIDATED_CSV_FIELDS = (
    "row_type",
    "period",
    "reporting_unit",
    "level",
    "indicator_code",
    "indicator_name",
    "kind",
    "unit",
    "per",
    "modality",
    "value",
    "approx",
    "upper",
    "shown",
    "combine",
    "figures",
    "unreviewed",
    "documents",
    "note",
)


def plain(value: Any) -> Any:
    """CSV cell text: decimals without exponent or grouping, missing values empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():  # a page number pandas turned into 3.0
        return str(int(value))
    return value


def write_csv(path: Path, fields: tuple[str, ...] | list[str], rows: list[dict[str, Any]]) -> Path:
    """A CSV Excel opens correctly: UTF-8 with BOM, CRLF, every field quoted only when needed."""
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: plain(csv_safe(row.get(k))) for k in fields})
    return path


def figure_rows(result: Consolidation, names: dict[str, str]) -> list[dict[str, Any]]:
    """figures.csv rows: FIGURES.md fields, then the source file, section, sentence and mapping."""
    frame = result.figures
    if frame.empty:
        return []
    records = frame.to_dict("records")
    for record in records:
        record["indicator_name"] = names.get(record["indicator_code"], "")
        record["value"] = Decimal(record["value"])
    return records


def consolidated_rows(result: Consolidation, names: dict[str, str]) -> list[dict[str, Any]]:
    """consolidated.csv rows: one per line and unit, then the totals across units of each level."""
    rows = [{"row_type": "unit", **r} for r in result.consolidated.to_dict("records")]
    for total in result.totals.to_dict("records"):
        rows.append(
            {
                "row_type": "total",
                **total,
                "reporting_unit": f"Tổng cộng {total['level']} ({total['units']} đơn vị)".replace("  ", " "),
                "indicator_name": names.get(total["indicator_code"], total["indicator_code"]),
            }
        )
    return rows


def export_all(
    store: Store, out: Path | str, *, reviewed_only: bool = False, as_of: date | None = None
) -> dict[str, Path]:
    """Consolidate the store and write the three files into `out`; returns their paths by name.
    `as_of` shows old units as the units they had become by that date (pipeline/successors.py)."""
    return write_exports(consolidate(store, reviewed_only=reviewed_only, as_of=as_of), out)


def write_exports(result: Consolidation, out: Path | str) -> dict[str, Path]:
    """The three files of a consolidation already made (a caller that also shows its conflicts)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    from pipeline.normalise import load_catalogue

    names = {i.code: i.name for i in load_catalogue().indicators}
    if not result.consolidated.empty:  # lines officers created on the review page carry their own name
        lines = result.consolidated
        names.update(zip(lines["indicator_code"], lines["indicator_name"], strict=True))
    return {
        "figures.csv": write_csv(
            out / "figures.csv", (*FIGURE_FIELDS, *FIGURE_CSV_EXTRA), figure_rows(result, names)
        ),
        "consolidated.csv": write_csv(
            out / "consolidated.csv", CONSOLIDATED_CSV_FIELDS, consolidated_rows(result, names)
        ),
        "consolidated.xlsx": write_workbook(out / "consolidated.xlsx", result),
    }


# --- the workbook -------------------------------------------------------------------------------


def number_cell(sheet: Worksheet, row: int, column: int, value: Decimal | None) -> None:
    """A real number (never text) with thousands grouping; decimals keep their digits."""
    if value is None:
        return
    if not within_bounds(value):  # a stored value past the bound must not break the whole export
        sheet.cell(row=row, column=column, value=OUT_OF_BOUNDS)
        return
    value = Decimal(value)
    cell = sheet.cell(row=row, column=column, value=int(value) if value == value.to_integral() else value)
    cell.number_format = INTEGER_FORMAT if value == value.to_integral() else DECIMAL_FORMAT


def header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, 1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name of at most 31 characters."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text).strip("' ")[:31] or "Kỳ"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def period_sheet(
    sheet: Worksheet,
    period: str,
    lines: pd.DataFrame,
    totals: pd.DataFrame,
    marks: bool,
    conflicted: set[tuple[str, ...]],
) -> None:
    """Indicators as rows, reporting units as columns, then a total column per level."""
    units = lines[["level", "reporting_unit"]].drop_duplicates().sort_values(["level", "reporting_unit"])
    levels = sorted(totals["level"].unique()) if not totals.empty else []
    titles = [
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Số liệu",
        "Đơn vị tính",
        *units["reporting_unit"],
        *[f"Tổng cộng cấp {level}" if level else "Tổng cộng" for level in levels],
    ]
    header(sheet, 1, titles)
    unit_column = {u: 5 + i for i, u in enumerate(units["reporting_unit"])}
    total_column = {level: 5 + len(unit_column) + i for i, level in enumerate(levels)}
    row_keys = ["indicator_code", "indicator_name", "modality", "kind", "unit", "per"]
    order = {"actual": 0, "estimate": 1, "target": 2, "change": 3}
    lines = lines.assign(_order=lines["modality"].map(order)).sort_values(
        ["indicator_code", "_order", "unit"]
    )
    row = 2
    for keys, group in lines.groupby(row_keys, sort=False, dropna=False):
        code, name, modality, kind, unit, per = keys
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=name)
        sheet.cell(row=row, column=3, value=MODALITY_VI.get(modality, modality))
        sheet.cell(row=row, column=4, value=unit + (f"/{per}" if per else ""))
        for line in group.itertuples():
            column = unit_column[line.reporting_unit]
            if line.approx in ("exact", "", None) or pd.isna(line.approx):
                number_cell(sheet, row, column, line.value)
            else:  # "> 1.500", "10–15", "~ 200": the cell says the number is not exact
                sheet.cell(row=row, column=column, value=line.shown).alignment = Alignment(horizontal="right")
            cell = sheet.cell(row=row, column=column)
            notes = []
            if marks and line.unreviewed:
                cell.fill = UNREVIEWED_FILL
                notes.append(f"Chưa duyệt {line.unreviewed}/{line.figures} số liệu")
            if (period, line.reporting_unit, code, kind, unit, per, modality) in conflicted:
                cell.fill = CONFLICT_FILL
                notes.append("Có mâu thuẫn: xem trang «Mâu thuẫn»")
            if line.note:
                notes.append(line.note)
            if notes:
                cell.comment = Comment("\n".join(notes), "tonghop")
        if kind in ADDITIVE_KINDS:
            mine = totals[
                (totals["indicator_code"] == code)
                & (totals["modality"] == modality)
                & (totals["unit"] == unit)
                & (totals["per"] == per)
                & (totals["kind"] == kind)
            ]
            for total in mine.itertuples():
                number_cell(sheet, row, total_column[total.level], total.value)
                sheet.cell(row=row, column=total_column[total.level]).font = HEADER_FONT
        row += 1
    widths = [22, 48, 16, 16] + [18] * (len(titles) - 4)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "E2"
    legend = f"Kỳ báo cáo: {period}. Thực hiện, kế hoạch, ước tính nằm ở các dòng riêng."
    if marks:
        legend += " Ô tô vàng: có số liệu chưa được cán bộ duyệt."
    sheet.cell(row=1, column=1).comment = Comment(legend, "tonghop")


def table_sheet(
    sheet: Worksheet, titles: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()
) -> None:
    """A plain list sheet: bold header, numbers as numbers in the given columns (0-based)."""
    header(sheet, 1, titles)
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values):
            if c in numeric and value not in (None, ""):
                number_cell(sheet, r, c + 1, Decimal(value))
            else:
                sheet.cell(row=r, column=c + 1, value=plain(value) if not isinstance(value, bool) else value)
    for column in range(1, len(titles) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 24
    sheet.freeze_panes = "A2"


def write_workbook(path: Path, result: Consolidation) -> Path:
    """consolidated.xlsx: a sheet per period, then sources, conflicts, breakdowns, targets, missing units."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    conflicted = {
        (c["period"], c["reporting_unit"], c["indicator_code"], c["kind"], c["unit"], c["per"], c["modality"])
        for c in result.conflicts
    }
    lines = result.consolidated
    for period in sorted(lines["period"].unique()) if not lines.empty else []:
        sheet = book.create_sheet(sheet_title(period, taken))
        period_totals = result.totals[result.totals["period"] == period]
        period_sheet(
            sheet, period, lines[lines["period"] == period], period_totals, result.review_info, conflicted
        )
    if lines.empty:
        book.create_sheet(sheet_title("Tổng hợp", taken)).cell(row=1, column=1, value="Chưa có số liệu nào.")
    sources = result.sources
    table_sheet(
        book.create_sheet(sheet_title("Nguồn", taken)),
        [
            "Mã",
            "Tệp",
            "Định dạng",
            "Trạng thái",
            "Đơn vị ban hành",
            "Cấp",
            "Kỳ báo cáo",
            "Loại văn bản",
            "Số liệu",
            "Chưa duyệt",
            "Mã lỗi",
            "Lý do",
            "Được thay bởi",
            "SHA-256",
            "Mã đơn vị",
            "Thay thế / lý do",
            "Cùng ngày với bản",
        ],
        sources.values.tolist() if not sources.empty else [],
        numeric={8, 9},
    )
    table_sheet(
        book.create_sheet(sheet_title("Mâu thuẫn", taken)),
        [
            "Kỳ",
            "Đơn vị",
            "Mã chỉ tiêu",
            "Loại",
            "Đơn vị tính",
            "Số liệu",
            "Kiểu mâu thuẫn",
            "Chi tiết",
            "Số dùng",
        ],
        [
            [
                c["period"],
                c["reporting_unit"],
                c["indicator_code"] or "(chưa phân loại)",
                c["kind"],
                c["unit"],
                MODALITY_VI.get(c["modality"], c["modality"]),
                conflict_type_vi(c["type"]),
                c["detail"],
                c["used"],
            ]
            for c in result.conflicts
        ],
        numeric={8},
    )
    breakdown = result.breakdowns
    table_sheet(
        book.create_sheet(sheet_title("Chi tiết theo địa bàn", taken)),
        [
            "Kỳ",
            "Đơn vị",
            "Mã chỉ tiêu",
            "Tổng (như báo cáo ghi)",
            "Tổng",
            "Địa bàn / thành phần",
            "Số của phần",
            "Cộng các phần",
            "Khớp",
            "Tệp",
        ],
        [
            [
                b["period"],
                b["reporting_unit"],
                b["indicator_code"],
                b["total_quote"],
                b["total"],
                b["subject"],
                b["part"],
                b["parts_sum"],
                "khớp" if b["matches"] else "KHÔNG khớp",
                b["doc"],
            ]
            for b in breakdown.to_dict("records")
        ],
        numeric={4, 6, 7},
    )
    targets = result.targets_vs_actuals
    table_sheet(
        book.create_sheet(sheet_title("Kế hoạch - Thực hiện", taken)),
        ["Kỳ", "Đơn vị", "Mã chỉ tiêu", "Loại", "Đơn vị tính", "Theo", "Kế hoạch", "Thực hiện", "Đạt (%)"],
        targets.values.tolist() if not targets.empty else [],
        numeric={6, 7, 8},
    )
    table_sheet(
        book.create_sheet(sheet_title("Chưa báo cáo", taken)),
        ["Kỳ", "Đơn vị chưa gửi báo cáo", "Cấp", "Thuộc", "Mã đơn vị"],
        [[m["period"], m["unit"], m["level"], m.get("parent", ""), m.get("unit_code", "")]
         for m in result.not_reported],
    )
    unmapped = (
        result.figures[result.figures["indicator_code"] == ""] if not result.figures.empty else result.figures
    )
    table_sheet(
        book.create_sheet(sheet_title("Chưa phân loại", taken)),
        ["Tệp", "Số liệu", "Loại", "Giá trị", "Đơn vị tính", "Nội dung", "Câu", "Mã số liệu"],
        [
            [
                f["doc"],
                f["quote"],
                f["kind"],
                Decimal(f["value"]),
                f["unit"],
                f["indicator"],
                f["sentence"],
                f["figure_id"],
            ]
            for f in unmapped.to_dict("records")
        ]
        if not unmapped.empty
        else [],
        numeric={3},
    )
    neutralise_workbook(book)  # no cell that starts with = + - @ is ever a live formula
    book.save(path)
    return path


def conflict_type_vi(kind: str) -> str:
    return {
        "documents_disagree": "Hai báo cáo ghi khác nhau",
        "total_differs_from_parts": "Tổng khác cộng các phần",
    }.get(kind, kind)
