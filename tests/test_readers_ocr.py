"""Scans and photos read by Tesseract's Vietnamese model (Debian tesseract-ocr + tesseract-ocr-vie).

CI installs both (.ci/services.sh), so there these tests always run; on a machine without them
they are skipped, and test_readers_pdf checks the E009 that says how to enable OCR.
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors import extract_figures
from pipeline.document import FLAG_OCR
from pipeline.guarded_extract import OCR_MARK, extract_in_child
from pipeline.readers import read_document
from pipeline.readers.ocr import ocr_available
from pipeline.sandbox import read_in_child

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = SAMPLES / "004_386d69b07cae7cb5"

if not ocr_available():
    if os.environ.get("CI"):
        pytest.fail("CI must have tesseract-ocr and tesseract-ocr-vie (.ci/services.sh installs them)")
    pytest.skip("Tesseract with its Vietnamese model is not installed", allow_module_level=True)


def first_page_values() -> set[Decimal]:
    """The figure values of the seed's first page, from its text layer."""
    alone = pdfium.PdfDocument.new()
    alone.import_pages(pdfium.PdfDocument(str(SEED.with_suffix(".pdf"))), [0])
    out = io.BytesIO()
    alone.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's first page as a photo would arrive: a 200 dpi PNG, slightly turned, with a red seal."""
    from pipeline.evaluate_ocr import scanned

    page = pdfium.PdfDocument(str(SEED.with_suffix(".pdf")))[0].render(scale=200 / 72).to_pil()
    path = tmp_path_factory.mktemp("ocr") / "anh-chup.png"
    scanned(page, 200, seed=3, stamp=True).save(path)  # type: ignore[attr-defined]
    return path


def test_the_scanned_sample_is_read_by_ocr_with_word_confidence() -> None:
    document = read_document(SAMPLES / "scanned_report.pdf")
    assert FLAG_OCR in document.flags and document.page_count == 1
    assert "Mặt trận Tổ quốc" in document.text
    assert all(b.ocr_confidence is not None and 0 < b.ocr_confidence <= 100 for b in document.blocks)


def test_a_photographed_page_gives_the_figures_of_its_text_layer(photo: Path, tmp_path: Path) -> None:
    page = tmp_path / "trang1.pdf"
    page.write_bytes(first_page_values())
    expected = {f.value for f in extract_figures(read_document(page))}
    document = read_in_child(photo)
    figures = extract_in_child(document)
    assert document.format == "image" and FLAG_OCR in document.flags
    assert expected and expected <= {f.value for f in figures}


def test_figures_read_from_an_image_carry_its_confidence_and_the_mark(photo: Path) -> None:
    document = read_in_child(photo)
    figures = extract_in_child(document)
    assert figures
    for figure in figures:
        block = document.block_at(figure.char_start)
        assert block is not None and block.ocr_confidence is not None
        assert figure.confidence <= block.ocr_confidence / 100
        assert figure.rule.endswith(OCR_MARK)
