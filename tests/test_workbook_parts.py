"""Sheets written by another book (another process) and taken into the workbook: every cell keeps
its value and its look whatever numbers the two books gave their styles, the lists stay in their
places, and the export's workbook is byte for byte the same written by one process or by several."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.export import export_all
from pipeline.export_lists import WRITTEN_APART
from pipeline.safe_cells import needs_quote
from pipeline.workbook import package, xlsx
from pipeline.workbook.cells import DECIMAL_FORMAT, Cells
from pipeline.workbook.xlsx import Book


def looks(path: Path) -> dict[str, list[tuple]]:
    """Each sheet's cells as (ref, value, number format, bold, fill, wrap, quote prefix)."""
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [
            (c.coordinate, c.value, c.number_format, c.font.b, c.fill.fgColor.rgb, c.alignment.wrap_text,
             c.quotePrefix)
            for row in sheet.iter_rows() for c in row if c.value is not None or c.has_style
        ]
        for sheet in book.worksheets
    }


def texts(cells: Cells, n: int) -> list:
    return [cells.text(f"dòng {n}", wrap=True), cells.text("=SUM(A1)"), cells.text(" cách ")]


def numbers(cells: Cells, n: int) -> list:
    return [cells.number(n, suffix="?", fill="FFF2CC"), cells.number(n + 0.5), cells.number(10**20)]


def write_rows(cells: Cells, sheet: xlsx.Sheet, rows: int, first_look: bool) -> None:
    """Rows of texts and numbers in several looks; `first_look` changes which look is asked for
    first, so two books number their styles differently."""
    for n in range(rows):
        if first_look ^ (n % 2 == 0):
            cells.book.row(sheet, [*numbers(cells, n), *texts(cells, n)])
        else:
            cells.book.row(sheet, [*texts(cells, n), *numbers(cells, n)])


@pytest.mark.parametrize("copy_chunk", [xlsx.COPY_CHUNK, 64])
def test_sheets_taken_from_another_book_keep_their_values_and_looks(tmp_path, monkeypatch, copy_chunk):
    monkeypatch.setattr(xlsx, "COPY_CHUNK", copy_chunk)  # 64: rows cut across many reads
    spool = tmp_path / "spool"
    spool.mkdir()
    other = Book(tmp_path / "other.xlsx", spool)
    write_rows(Cells(other), other.sheet("B", [10] * 6, "B"), 40, first_look=False)
    write_rows(Cells(other), other.sheet("D", [10] * 6, "D"), 3, first_look=True)
    part = other.part()

    merged = Book(tmp_path / "merged.xlsx")
    cells = Cells(merged)
    write_rows(cells, merged.sheet("A", [10] * 6), 30, first_look=True)
    at = {"B": len(merged.sheets)}
    write_rows(cells, merged.sheet("C", [10] * 6), 5, first_look=False)
    at["D"] = len(merged.sheets)
    merged.take([part], at)
    assert merged.sheets[0].restyle is not None  # the two books numbered their looks differently
    merged.close()

    alone = Book(tmp_path / "alone.xlsx")
    cells = Cells(alone)
    for title, rows, first in (("A", 30, True), ("B", 40, False), ("C", 5, False), ("D", 3, True)):
        write_rows(cells, alone.sheet(title, [10] * 6), rows, first_look=first)
    alone.close()

    assert list(looks(merged.path)) == ["A", "B", "C", "D"]
    assert looks(merged.path) == looks(alone.path)
    assert zipfile.ZipFile(merged.path).testzip() is None


def test_the_exports_workbook_is_the_same_from_one_process_or_several(sqlite_store, seed, tmp_path):
    for name in ("000", "001", "002", "003", "004"):
        sqlite_store.load(*seed(name))
    one = export_all(sqlite_store, tmp_path / "one", jobs=1)
    several = export_all(sqlite_store, tmp_path / "several", jobs=2)
    first, second = zipfile.ZipFile(one["consolidated.xlsx"]), zipfile.ZipFile(several["consolidated.xlsx"])
    assert first.namelist() == second.namelist()
    for name in first.namelist():
        assert first.read(name) == second.read(name), name
    titles = [s.title for s in openpyxl.load_workbook(several["consolidated.xlsx"]).worksheets]
    assert titles[-6:] == ["Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn", "Kế hoạch - Thực hiện",
                           "Chưa báo cáo", "Chưa phân loại"]
    assert date.today().strftime("%d/%m/%Y") in first.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("wide_from", [package.MARK, 100])
def test_the_package_reads_back_member_for_member(tmp_path, monkeypatch, wide_from):
    """Members deflated here and elsewhere read back whole by zipfile; with the ZIP64 threshold
    lowered (100 bytes) every size and offset past it goes through the ZIP64 records."""
    monkeypatch.setattr(package, "WIDE_FROM", wide_from)
    spool = tmp_path / "spool"
    spool.mkdir()
    texts = {f"xl/part{i}.xml": ("<row>dòng " + str(i) * (50 * i) + "</row>") * (i + 1) for i in range(6)}
    path = tmp_path / "p.zip"
    box = package.Package(path)
    for name, text in texts.items():
        if name.endswith(("0.xml", "2.xml")):
            box.add_text(name, text, spool)
        else:  # deflated "elsewhere", in pieces
            pieces = [text.encode()[i:i + 37] for i in range(0, len(text.encode()), 37)]
            box.add(name, package.deflate(pieces, spool / f"{len(name)}-{name[-5]}.deflated"))
    box.close()
    with zipfile.ZipFile(path) as read:
        assert read.testzip() is None
        assert {name: read.read(name).decode() for name in read.namelist()} == texts
        members = read.infolist()
        assert max(m.file_size for m in members) >= 100 and max(m.header_offset for m in members) >= 100


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_empty_store_exports_one_summary_sheet_then_the_lists(sqlite_store, tmp_path, jobs):
    paths = export_all(sqlite_store, tmp_path, jobs=jobs)
    book = openpyxl.load_workbook(paths["consolidated.xlsx"])
    assert [s.title for s in book.worksheets] == ["Tổng hợp", "Nguồn", "Mâu thuẫn", "Chi tiết theo địa bàn",
                                                  "Kế hoạch - Thực hiện", "Chưa báo cáo", "Chưa phân loại"]
    assert book.worksheets[0]["A2"].value == "Chưa có số liệu nào."


def test_list_parts_number_their_looks_alike_so_none_is_renumbered(sqlite_store, seed, tmp_path, monkeypatch):
    """The two list parts are written apart (the unclassified figures in a process of their own);
    both register the list looks first, so with awkward values (formula-like text, numbers past
    the bound, empty units) neither part's sheets have to be renumbered when they are taken in."""
    from test_export_fast import awkward_store

    def renumbered(member, numbers):
        raise AssertionError(f"a list part was renumbered: {numbers}")

    monkeypatch.setattr(xlsx, "restyled_member", renumbered)
    paths = export_all(awkward_store(sqlite_store, seed), tmp_path / "out", jobs=2)
    book = openpyxl.load_workbook(paths["consolidated.xlsx"])
    listed = [c for name in WRITTEN_APART for row in book[name].iter_rows(min_row=5) for c in row]
    formula_like = [c for c in listed if isinstance(c.value, str) and needs_quote(c.value)]
    assert formula_like and all(c.quotePrefix for c in formula_like)  # text, never a formula
    assert {c.number_format for c in listed if isinstance(c.value, float)} == {DECIMAL_FORMAT}


def test_a_part_numbered_otherwise_is_renumbered_when_taken(tmp_path):
    """Two parts whose books met their looks in another order: the second part's sheets are
    renumbered (inflated, restyled, deflated again) and every cell keeps its look."""
    parts = []
    for number, first in enumerate((True, False)):
        spool = tmp_path / f"spool{number}"
        spool.mkdir()
        other = Book(tmp_path / f"other{number}.xlsx", spool)
        write_rows(Cells(other), other.sheet("BD"[number], [10] * 6, "BD"[number]), 20, first_look=first)
        parts.append(other.part())
    merged = Book(tmp_path / "merged.xlsx")
    cells = Cells(merged)
    write_rows(cells, merged.sheet("A", [10] * 6), 4, first_look=False)
    merged.take(parts, {"B": 1, "D": 1})
    assert parts[1].sheets[0][1].deflated.path.endswith(".restyled")
    assert parts[0].sheets[0][1].deflated.path.endswith(".deflated")  # the first part is never renumbered
    merged.close()

    alone = Book(tmp_path / "alone.xlsx")
    cells = Cells(alone)
    for title, rows, first in (("A", 4, False), ("B", 20, True), ("D", 20, False)):
        write_rows(cells, alone.sheet(title, [10] * 6), rows, first_look=first)
    alone.close()
    assert list(looks(merged.path)) == ["A", "B", "D"]
    assert looks(merged.path) == looks(alone.path)
