"""The committed samples are what build_samples.py promises, and `tonghop read` shows them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pdfplumber
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.readers.ocr import ocr_available

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
STEMS = sorted(p.stem for p in SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))


def test_every_seed_has_its_docx_and_pdf_twin() -> None:
    assert len(STEMS) == 5
    for stem in STEMS:
        assert zipfile.is_zipfile(SAMPLES / f"{stem}.docx")
        assert (SAMPLES / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")


def test_samples_stay_small() -> None:
    built = [p for p in SAMPLES.iterdir() if p.suffix in (".docx", ".pdf")]
    assert len(built) == 12
    assert sum(p.stat().st_size for p in built) < 3_000_000


def test_docx_samples_use_heading_styles_and_word_numbering() -> None:
    document = docx.Document(str(SAMPLES / "000_064a08cc418c8552.docx"))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) > 20
    assert all(run.bold for p in headings for run in p.runs if run.text.strip())
    numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered) > 100
    assert len(document.tables) == 2


def test_pdf_samples_were_made_by_libreoffice_from_the_docx() -> None:
    with pdfplumber.open(SAMPLES / "001_5efdf61d82cdb014.pdf") as pdf:
        assert "LibreOffice" in pdf.metadata.get("Producer", "")
        assert pdf.pages[0].chars


def test_scanned_sample_has_pixels_but_no_text_layer() -> None:
    with pdfplumber.open(SAMPLES / "scanned_report.pdf") as pdf:
        assert len(pdf.pages) == 1
        assert pdf.pages[0].images and not pdf.pages[0].chars


runner = CliRunner()


def test_read_command_prints_blocks_and_metadata() -> None:
    result = runner.invoke(app, ["read", str(SAMPLES / "000_064a08cc418c8552.docx")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "cơ quan ban hành: Ủy ban MTTQ Việt Nam huyện Cư Jút · cấp: huyện · tỉnh: Đắk Nông" in out
    assert "kỳ: năm 2020 (kết quả) · 2020-01-01 … 2020-12-31 · mục: Phần thứ nhất" in out
    assert "đơn vị báo cáo: Ủy ban MTTQ Việt Nam huyện Cư Jút · mã: old:H662/MTTQ" in out
    assert "[heading " in out and "số '1.1.'" in out
    assert "[table_cell " in out and "bảng 1 hàng 2 cột 8" in out
    assert "\nPhần thứ nhất\n" in out
    blocks = [line for line in out.splitlines() if line.startswith("[")]
    shown = [line.split("mục: ", 1)[1] for line in blocks if "mục: " in line]
    assert len(shown) == len(set(shown)) < len(blocks) / 2, "a section path is printed once, where it starts"


def test_read_command_json_is_the_document_model() -> None:
    result = runner.invoke(app, ["read", "--json", str(SAMPLES / "002_bb16b2840fea809a.pdf")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["format"] == "pdf" and record["page_count"] == 9
    notes = [b for b in record["blocks"] if b["kind"] == "footnote"]
    assert [n["footnote_marker"] for n in notes] == ["1", "2", "3"]
    assert record["metadata"]["doc_type"] == "báo cáo sơ kết"


def test_read_command_explains_a_refusal(tmp_path: Path) -> None:
    animation = tmp_path / "hoat-hinh.docx"
    animation.write_bytes(b"GIF89a" + bytes(64))  # a GIF renamed .docx
    result = runner.invoke(app, ["read", str(animation)])
    assert result.exit_code == 2
    assert "hoat-hinh.docx: [E002_UNKNOWN_FORMAT]" in result.output


def test_read_command_reads_the_scanned_sample_or_says_how_to_enable_ocr() -> None:
    result = runner.invoke(app, ["read", str(SAMPLES / "scanned_report.pdf")])
    if ocr_available():
        assert result.exit_code == 0, result.output
        assert "Mặt trận Tổ quốc" in result.output
    else:
        assert result.exit_code == 2 and "E009_NEEDS_OCR" in result.output
        assert "tesseract-ocr-vie" in result.output
