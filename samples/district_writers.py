"""Write a generated Report as the files offices send: .docx (header table or tab stops), .txt, .pdf.

Files are byte-for-byte reproducible: fixed document properties and fixed zip entry times for
.docx; the .pdf is printed from the header-table .docx by LibreOffice (not reproducible, committed).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

from district_report import Report
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def _new_document(issued: date) -> WordDocument:
    """An A4 Word document in Times New Roman 13, with properties that do not depend on today."""
    document = WordDocument()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    stamp = datetime(issued.year, issued.month, issued.day, 8, 0, 0)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "Văn phòng"
    properties.title = ""
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
    return document


def _paragraph(
    container, text: str, *, bold: bool = False, italic: bool = False, align=None, indent: bool = False
):
    paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(3)
    return paragraph


def _two_columns(
    document: WordDocument, left: list[tuple[str, bool, bool]], right: list[tuple[str, bool, bool]]
) -> None:
    """A borderless 1×2 table in 12 pt: each cell a list of (text, bold, italic) centred lines."""
    table = document.add_table(rows=1, cols=2)  # no table style: no borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(6.5), Cm(9.5))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, lines, width in zip(table.rows[0].cells, (left, right), widths, strict=True):
        cell.width = width
        cell.paragraphs[0].text = ""
        first = True
        for text, bold, italic in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(12)
            paragraph.alignment = CENTER
            paragraph.paragraph_format.space_after = Pt(0)


def _body(document: WordDocument, report: Report) -> None:
    _paragraph(document, report.title, bold=True, align=CENTER)
    _paragraph(document, report.summary, bold=True, align=CENTER)
    if report.recipient:
        _paragraph(document, report.recipient, align=CENTER)
    for text in report.paragraphs:
        _paragraph(document, text, align=JUSTIFY, indent=True)


def _header_columns(report: Report) -> tuple[list, list]:
    left = [(text, bold, False) for text, bold in report.header_left]
    right = [
        (report.header_right[0], True, False),
        (report.header_right[1], True, False),
        (report.header_right[2], False, True),
    ]
    return left, right


def write_docx_table(path: Path, report: Report, issued: date) -> None:
    """Header and signature as borderless two-column tables (the most common Word layout)."""
    document = _new_document(issued)
    _two_columns(document, *_header_columns(report))
    _body(document, report)
    left = [(report.closing_left[0], True, True), *((line, False, False) for line in report.closing_left[1:])]
    right = [(line, i < len(report.closing_right) - 2, False) for i, line in enumerate(report.closing_right)]
    _two_columns(document, left, right)
    _save(document, path, issued)


def write_docx_tabs(path: Path, report: Report, issued: date) -> None:
    """Header lines as 'left<TAB>right' paragraphs aligned by tab stops, no table."""
    document = _new_document(issued)
    left = [text for text, _ in report.header_left]
    rows = max(len(left), len(report.header_right))
    for i in range(rows):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(9.5))
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(left[i] if i < len(left) else "")
        run.bold = i < len(report.header_left) and report.header_left[i][1]
        run.font.size = Pt(11)
        if i < len(report.header_right):
            right = paragraph.add_run("\t" + report.header_right[i])
            right.bold, right.italic = i < 2, i == 2
            right.font.size = Pt(11)
    _body(document, report)
    rows = max(len(report.closing_left), len(report.closing_right))
    for i in range(rows):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(10))
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(report.closing_left[i] if i < len(report.closing_left) else "")
        if i < len(report.closing_right):
            paragraph.add_run("\t" + report.closing_right[i]).bold = True
    _save(document, path, issued)


def _save(document: WordDocument, path: Path, issued: date) -> None:
    """Save, then rewrite the zip with fixed entry times so the same report gives the same bytes."""
    document.save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    stamp = (issued.year, issued.month, issued.day, 8, 0, 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in parts:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, blob)


def txt_lines(report: Report, interleaved: bool) -> tuple[list[str], list[str]]:
    """The header lines and the rest, as a plain-text copy of the report gives them."""
    left = [text for text, _ in report.header_left]
    right = report.header_right
    if interleaved:  # column by column, line by line, as a copy from a PDF often comes out
        header = [line for pair in zip(left, right, strict=False) for line in pair]
        header += left[len(right) :] + right[len(left) :]
    else:
        header = [*left, *right]
    rest = ["", report.title, report.summary]
    if report.recipient:
        rest.append(report.recipient)
    rest += ["", *report.paragraphs, "", *report.closing_right, "", *report.closing_left]
    return header, rest


def write_txt(path: Path, report: Report, interleaved: bool, nfd_part: str) -> None:
    """Plain text, CRLF line ends, one part (header or body) in decomposed (NFD) diacritics."""
    header, rest = txt_lines(report, interleaved)
    if nfd_part == "header":
        header = [unicodedata.normalize("NFD", line) for line in header]
    else:
        rest = [unicodedata.normalize("NFD", line) for line in rest]
    path.write_bytes(("\r\n".join([*header, *rest]) + "\r\n").encode("utf-8"))


def print_pdfs(docx_files: list[Path], out: Path) -> None:
    """Print .docx files to .pdf beside them in `out` with LibreOffice (headless, private profile)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit(
            "PDF output needs LibreOffice (apt-get install libreoffice-writer-nogui); or use --no-pdf"
        )
    with tempfile.TemporaryDirectory(prefix="district-batch-lo-") as profile:
        command = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
        subprocess.run(
            [*command, "--outdir", str(out), *map(str, docx_files)],
            check=True,
            capture_output=True,
            timeout=600,
        )
    for source in docx_files:
        if not (out / f"{source.stem}.pdf").exists():
            raise SystemExit(f"LibreOffice did not print {source.name} to PDF")
