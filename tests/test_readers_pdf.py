"""The .pdf reader: the LibreOffice PDFs of the seeds read like their .docx, and PDFs that cannot
be read (scans, undecodable fonts, passwords) are flagged or refused, never read as empty."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from pipeline.document import FLAG_NEEDS_OCR, FLAG_UNMAPPABLE, Block, Document
from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.ocr import ocr_available

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEEDS = sorted(p.stem for p in SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))


@cache
def read(name: str) -> Document:
    return read_document(SAMPLES / name)


def shape(document: Document, block: Block) -> tuple:
    """What must agree between formats: kind, text and section (whitespace aside), cell, note."""
    cell = block.cell
    return (
        block.kind, " ".join(document.text[block.start : block.end].split()),
        tuple(" ".join(s.split()) for s in block.section), block.numbering, block.level,
        (cell.table, cell.row, cell.col, cell.row_header, cell.col_header, cell.unit) if cell else None,
        block.footnote_marker,
    )


@pytest.mark.parametrize("stem", SEEDS, ids=lambda s: s[:3])
def test_pdf_reads_like_the_docx_it_was_made_from(stem: str) -> None:
    """Paragraphs rejoined across wrapped lines and pages, cells, footnotes: block for block."""
    pdf, word = read(f"{stem}.pdf"), read(f"{stem}.docx")
    assert [shape(pdf, b) for b in pdf.blocks] == [shape(word, b) for b in word.blocks]
    assert pdf.format == "pdf" and pdf.flags == []


@pytest.mark.parametrize("stem", SEEDS, ids=lambda s: s[:3])
def test_pages_are_numbered_and_in_order(stem: str) -> None:
    pdf = read(f"{stem}.pdf")
    pages = [b.page for b in pdf.blocks if b.kind != "footnote"]
    assert all(isinstance(p, int) for p in pages)
    assert pages == sorted(pages) and pages[0] == 1
    assert pages[-1] <= pdf.page_count
    assert pdf.page_count > 1


def test_running_header_and_page_numbers_stay_out_of_the_body() -> None:
    pdf = read("000_064a08cc418c8552.pdf")
    title = "Chương trình phối hợp và thống nhất hành động năm 2021"
    assert pdf.headers_footers == [title]
    # the title line and the sentences quoting it, not the running header of 19 pages
    assert pdf.text.count(title) == read("000_064a08cc418c8552.docx").text.count(title) < 5
    assert not re.search(r"^Trang \d+$", pdf.text, re.MULTILINE)


def test_footnote_references_are_taken_out_of_the_text_where_they_stand() -> None:
    pdf, word = read("002_bb16b2840fea809a.pdf"), read("002_bb16b2840fea809a.docx")
    notes = [b for b in pdf.blocks if b.kind == "footnote"]
    assert [n.footnote_marker for n in notes] == ["1", "2", "3"]
    before = [pdf.text[n.footnote_ref - 12 : n.footnote_ref] for n in notes]
    word_notes = [n for n in word.blocks if n.kind == "footnote"]
    assert before == [word.text[n.footnote_ref - 12 : n.footnote_ref] for n in word_notes]
    assert "Xay1" not in pdf.text and "Xản Xay và" in pdf.text
    assert notes[0].page == pdf.block_at(notes[0].footnote_ref).page


def test_appendix_table_on_its_landscape_page() -> None:
    pdf = read("000_064a08cc418c8552.pdf")
    cells = [b for b in pdf.blocks if b.kind == "table_cell"]
    assert {b.page for b in cells} == {pdf.page_count}
    total = next(b for b in cells if b.cell.col_header == "Tổng cộng" and b.cell.unit == "đồng")
    assert pdf.text[total.start : total.end] == "458.358.000"


def test_scanned_pdf_without_tesseract_is_refused_saying_how_to_enable_ocr() -> None:
    """A machine without Tesseract: PATH that holds no `tesseract`, in a fresh interpreter."""
    code = (
        "from pipeline.readers import read_document\n"
        "from pipeline.errors import DocumentRejected\n"
        "try:\n    read_document('samples/scanned_report.pdf')\n"
        "except DocumentRejected as e:\n    print(e.message('en'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=SAMPLES.parent, env={**os.environ, "PATH": "/nonexistent"})
    assert "scanned_report.pdf: [E009_NEEDS_OCR]" in run.stdout, run.stdout + run.stderr
    assert "tesseract-ocr-vie" in run.stdout


# --- small PDFs written byte by byte --------------------------------------------------------------

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
# A composite font with no ToUnicode map: its glyph codes cannot be turned back into letters.
CID_FONT = (b"<< /Type /Font /Subtype /Type0 /BaseFont /VNTimes /Encoding /Identity-H "
            b"/DescendantFonts [7 0 R] >>")
CID_DESCENDANT = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /VNTimes "
                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>")
GREY_IMAGE = b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray " \
             b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _pdf(pages: list[bytes], trailer: bytes = b"", extra: list[bytes] | None = None) -> bytes:
    """A PDF whose pages have the given content streams, with fonts F1 (text), F2 (CID), image Im1.
    Objects: 1 catalog, 2 pages, 3 Helvetica, 4 CID font, 5 image, 6 spare, 7 CID descendant, 8+ pages."""
    extra = extra or [b"<< >>"]
    first_page = 8
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages),
        HELVETICA, CID_FONT, GREY_IMAGE, extra[0], CID_DESCENDANT,
    ]
    for i, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources "
            b"<< /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im1 5 0 R >> >> >>" % (first_page + 2 * i + 1)
        )
        objects.append(_stream(content))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return out


TEXT_PAGE = b"BT /F1 12 Tf 72 760 Td (Tong so ho dan xa Ea Po: 2.763 ho.) Tj ET"
IMAGE_PAGE = b"q 400 0 0 500 90 200 cm /Im1 Do Q"
CID_PAGE = b"BT /F2 12 Tf 72 760 Td <0024004500460047004800490050> Tj ET"


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_text_page_with_a_scanned_page_is_read_and_flagged(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, "mixed.pdf", _pdf([TEXT_PAGE, IMAGE_PAGE])))
    assert document.text == "Tong so ho dan xa Ea Po: 2.763 ho.\n"
    assert document.flags == [FLAG_NEEDS_OCR] and document.page_count == 2


def test_only_image_pages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentRejected) as caught:
        read_document(_write(tmp_path, "scan.pdf", _pdf([IMAGE_PAGE, IMAGE_PAGE])))
    # a picture with no writing: OCR finds no text, or without Tesseract the scan cannot be read
    assert caught.value.code == ("E012_NO_TEXT" if ocr_available() else "E009_NEEDS_OCR")


def test_undecodable_cid_text_is_refused_or_flagged(tmp_path: Path) -> None:
    with pytest.raises(DocumentRejected) as caught:
        read_document(_write(tmp_path, "cid.pdf", _pdf([CID_PAGE])))
    assert caught.value.code == "E010_UNMAPPABLE_TEXT"
    partly = read_document(_write(tmp_path, "partly.pdf", _pdf([TEXT_PAGE, CID_PAGE])))
    assert partly.flags == [FLAG_UNMAPPABLE]
    assert "cid:" not in partly.text and "2.763" in partly.text


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    encrypt = (b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"4f" * 32 + b"> /U <" + b"55" * 32 + b"> >>")
    raw = _pdf([TEXT_PAGE], trailer=b"/Encrypt 6 0 R /ID [<0123456789abcdef> <0123456789abcdef>]",
               extra=[encrypt])
    with pytest.raises(DocumentRejected) as caught:
        read_document(_write(tmp_path, "locked.pdf", raw))
    assert caught.value.code == "E004_ENCRYPTED"


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    raw = (SAMPLES / "004_386d69b07cae7cb5.pdf").read_bytes()
    with pytest.raises(DocumentRejected) as caught:
        read_document(_write(tmp_path, "cut.pdf", raw[: len(raw) // 3]))
    assert caught.value.code == "E005_CORRUPT"
