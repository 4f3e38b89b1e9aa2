"""Excel 97-2003 appendices (.xls): read by xlrd as table cells with their row and column headers.

The real file is written by LibreOffice (Debian libreoffice-calc-nogui, installed by
.ci/services.sh) from a workbook built here: title merged across, headers, a unit in a header,
a percent format, a date. Without LibreOffice that test skips; the record-by-record workbook of
the bad-input corpus and the hostile cases run everywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from badinput.make_corpus import APPENDIX_ROWS, huge_xls, office_convert, xls_workbook

from extractors import extract_figures
from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.sheets import MAX_CELLS
from pipeline.readers.word97 import office


def appendix_xlsx() -> bytes:
    """A commune appendix as an officer types it in Excel."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu 02"
    sheet.append(["Kết quả thực hiện các chỉ tiêu năm 2024"])
    sheet.merge_cells("A1:E1")
    sheet.append(["STT", "Chỉ tiêu", "ĐVT", "Thực hiện", "Tỷ lệ so kế hoạch"])
    sheet.append([1, "Quỹ Vì người nghèo vận động được", "đồng", 361432000, 1.085])
    sheet.append([2, "Nhà Đại đoàn kết xây mới", "căn", 25, 0.5])
    sheet.append([3, "Ngày tổng kết", "", dt.date(2024, 12, 18), None])
    for row in (3, 4):
        sheet.cell(row, 5).number_format = "0.0%"
    sheet.cell(5, 4).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells_of(path: Path) -> set[tuple[str, str, str, str]]:
    document = read_document(path)
    return {(b.cell.row_header, b.cell.col_header, b.cell.unit, document.text[b.start : b.end])
            for b in document.blocks if b.cell}


def test_a_libreoffice_xls_reads_like_its_xlsx(tmp_path: Path) -> None:
    if not office():
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice (.ci/services.sh installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    xlsx = tmp_path / "phu-luc.xlsx"
    xlsx.write_bytes(appendix_xlsx())
    converted = office_convert(xlsx.read_bytes(), "phu-luc.xlsx", "xls")
    assert converted and converted.startswith(b"\xd0\xcf\x11\xe0"), "LibreOffice wrote an Excel 97 file"
    xls = tmp_path / "phu-luc.xls"
    xls.write_bytes(converted)
    document = read_document(xls)
    assert document.format == "xls" and document.text.startswith("Biểu 02\nKết quả thực hiện")
    cells = cells_of(xls)
    assert cells == cells_of(xlsx), "the same table whichever format Excel saved"
    assert ("Quỹ Vì người nghèo vận động được", "Thực hiện", "đồng", "361.432.000") in cells
    assert ("Quỹ Vì người nghèo vận động được", "Tỷ lệ so kế hoạch", "đồng", "108,5%") in cells
    assert ("Ngày tổng kết", "Thực hiện", "", "18/12/2024") in cells
    assert {361_432_000, 25} <= {f.value for f in extract_figures(document)}


def test_a_workbook_written_record_by_record_is_read(tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.xls"
    path.write_bytes(xls_workbook("Phụ lục 1", APPENDIX_ROWS, merges=((0, 0, 0, 3),)))
    document = read_document(path)
    assert document.text.startswith("Phụ lục 1\nKết quả vận động Quỹ Vì người nghèo năm 2024\n")
    assert ("Xã Nam Dong", "Số tiền vận động (đồng)", "đồng", "128.500.000") in cells_of(path)


def test_a_huge_sheet_is_refused_from_its_record_headers(tmp_path: Path) -> None:
    path = tmp_path / "bang-lon.xls"
    path.write_bytes(huge_xls())
    with pytest.raises(DocumentRejected) as caught:
        read_document(path)
    assert caught.value.code == "E006_TOO_LARGE" and f"{MAX_CELLS:,} cells" in caught.value.message("en")


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9])
def test_a_truncated_xls_is_corrupt(tmp_path: Path, keep: float) -> None:
    raw = xls_workbook("Phụ lục 1", APPENDIX_ROWS)
    path = tmp_path / "cat-ngang.xls"
    path.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(DocumentRejected) as caught:
        read_document(path)
    assert caught.value.code == "E005_CORRUPT" and "cat-ngang.xls" in caught.value.message()
