"""The workbook read back with openpyxl: Vietnamese cells, one meaning per header, sheet names that
fit, periods in time order, print set-up, readable widths, visible marks on several-figure and
unreviewed cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.export import export_all
from pipeline.workbook.names import period_order

STORED_WORDS = {"loaded", "superseded", "rejected", "money", "count", "percent", "quantity", "actual",
                "target", "estimate", "change", "exact", "over", "documents_disagree",
                "total_differs_from_parts", "True", "False"}
LIST_SHEETS = ["Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn", "Kế hoạch - Thực hiện", "Chưa báo cáo",
               "Chưa phân loại"]


@pytest.fixture
def book(sqlite_store, seed, tmp_path: Path) -> openpyxl.Workbook:
    for prefix in ("000", "001", "002", "003", "004"):
        sqlite_store.load(*seed(prefix))
    return openpyxl.load_workbook(export_all(sqlite_store, tmp_path)["consolidated.xlsx"])


def header_row(sheet) -> int:
    """The header row is the one repeated on every printed page."""
    return int(sheet.print_title_rows.split(":")[0].lstrip("$"))


def test_no_stored_english_word_reaches_a_cell_and_no_header_says_two_things(book):
    for sheet in book.worksheets:
        values = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
        assert not values & STORED_WORDS, (sheet.title, values & STORED_WORDS)
        headers = [c.value for c in sheet[header_row(sheet)] if c.value]
        assert len(headers) == len(set(headers)), sheet.title
        assert "Số liệu" not in headers, f"{sheet.title}: «Số liệu» names four things; say which"


def test_sheet_names_fit_and_periods_come_in_time_order_with_the_full_label_in_the_title(book):
    periods = book.sheetnames[: -len(LIST_SHEETS)]
    assert book.sheetnames[-len(LIST_SHEETS):] == LIST_SHEETS and len(periods) >= 3
    assert all(len(name) <= 31 for name in book.sheetnames)
    labels = [book[name]["A1"].value.split(" – ", 1)[1] for name in periods]
    assert labels == sorted(labels, key=period_order)
    assert any(len(label) > 31 for label in labels), "the seeds hold a programme period with a long label"
    for name, label in zip(periods, labels, strict=True):
        assert name == label or (len(label) > 31 and name in label), (name, label)


def test_each_sheet_prints_landscape_one_page_wide_with_its_header_repeated_and_dated(book):
    today = f"{date.today():%d/%m/%Y}"
    for sheet in book.worksheets:
        top = header_row(sheet)
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        titles = [sheet.cell(row=r, column=1).value for r in range(1, top)]
        assert titles[0].isupper() or titles[0].startswith("TỔNG HỢP"), titles[0]
        assert f"Ngày xuất: {today}" in titles
        assert sheet.freeze_panes.endswith(str(top + 1))
    first = book.worksheets[0]
    assert any(str(v).startswith("Phạm vi:") for v in (first.cell(row=r, column=1).value for r in (2, 3)))


def test_wide_text_columns_are_wide_and_wrapped(book):
    period = book.worksheets[0]
    top = header_row(period)
    assert period.column_dimensions["B"].width >= 30
    assert period.cell(row=top + 1, column=2).alignment.wrap_text
    unclassified = book["Chưa phân loại"]
    headers = [c.value for c in unclassified[header_row(unclassified)]]
    column = openpyxl.utils.get_column_letter(headers.index("Câu trong báo cáo") + 1)
    assert unclassified.column_dimensions[column].width >= 50


def test_a_cell_built_from_several_figures_says_so_in_print_and_unreviewed_cells_are_marked(book):
    several = unreviewed = 0
    for sheet in book.worksheets[: -len(LIST_SHEETS)]:
        top = header_row(sheet)
        headers = [c.value for c in sheet[top]]
        notes = headers.index("Ghi chú (ô Σ: cộng từ các số liệu)")
        units = [i for i, h in enumerate(headers) if i >= 4 and not h.startswith("Tổng cộng") and i < notes]
        for row in sheet.iter_rows(min_row=top + 1):
            for i in units:
                cell = row[i]
                if cell.value is None:
                    continue
                shown = cell.number_format if cell.data_type == "n" else cell.value
                if cell.fill.fgColor.rgb.endswith("FFF2CC"):
                    unreviewed += 1
                    assert "?" in shown, "an unreviewed number carries the printed mark"
                if "Σ" in shown:
                    several += 1
                    assert headers[i] in (row[notes].value or ""), "the notes column lists the figures"
    assert several and unreviewed, "the seeds hold summed lines and nothing is reviewed yet"


def test_column_letters_are_the_formats_own_to_its_last_column():
    from openpyxl.utils import get_column_letter

    from pipeline.workbook.xlsx import LETTERS, MAX_COLUMNS

    assert len(LETTERS) == MAX_COLUMNS
    assert [get_column_letter(number) for number in range(1, MAX_COLUMNS + 1)] == LETTERS
    assert (LETTERS[0], LETTERS[25], LETTERS[26], LETTERS[-1]) == ("A", "Z", "AA", "XFD")
