"""The workbook printed through LibreOffice (headless): each sheet on few landscape pages, every
page the full width of the table (its last column's header repeated on each page)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pypdfium2
import pytest

from pipeline.export import export_all

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) not installed")


def to_pdf(workbook: Path, folder: Path) -> Path:
    """soffice --headless --convert-to pdf, with its own profile so parallel runs never share one."""
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(workbook)],
        check=True, capture_output=True, timeout=300,
    )
    return folder / (workbook.stem + ".pdf")


def test_each_sheet_prints_on_few_landscape_pages_fitting_the_width(sqlite_store, seed, tmp_path, measured):
    for prefix in ("000", "001", "002", "003", "004"):
        sqlite_store.load(*seed(prefix))
    workbook = export_all(sqlite_store, tmp_path / "out")["consolidated.xlsx"]
    book = openpyxl.load_workbook(workbook)
    titles, last_headers = {}, {}
    for sheet in book.worksheets:
        top = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        titles[sheet.title] = sheet["A1"].value
        last_headers[sheet.title] = [c.value for c in sheet[top] if c.value][-1]
    pdf = pypdfium2.PdfDocument(to_pdf(workbook, tmp_path))
    pages_of: Counter[str] = Counter()
    for page in pdf:
        width, height = page.get_size()
        assert width > height, "landscape"
        text = page.get_textpage().get_text_range()
        sheet = next(name for name, title in titles.items() if text.startswith(title))
        pages_of[sheet] += 1
        words = " ".join(text.split())
        assert " ".join(last_headers[sheet].split()) in words, f"{sheet}: a page without its last column"
    measured(f"pages per sheet: {dict(pages_of)}")
    assert set(pages_of) == set(book.sheetnames), "every sheet prints"
    periods = book.sheetnames[:-6]
    assert all(pages_of[name] <= 5 for name in periods), pages_of
    assert sum(pages_of.values()) <= 3 * len(book.sheetnames), pages_of
