"""Beside a figure read by OCR, the review page shows the piece of the scan it was read from.

A seed page is rendered, made to look like a photo (turned, noise, a red seal) and read by the
real Tesseract; the review app then cuts the lines of each figure out of the photo again, and
Tesseract reads that piece a second time: the figure's digits must be in it. The last test does
the same in a real headless Chromium, as an officer would.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import REPO, SAMPLES, ingest_into
from fastapi.testclient import TestClient
from PIL import Image

from pipeline.guarded_extract import OCR_MARK
from pipeline.readers.ocr import ocr_available, prepared
from pipeline.review import create_app
from pipeline.store import open_store

if not ocr_available():
    if os.environ.get("CI"):
        pytest.fail("CI must have tesseract-ocr and tesseract-ocr-vie (.ci/services.sh installs them)")
    pytest.skip("Tesseract with its Vietnamese model is not installed", allow_module_level=True)

SEED = next(SAMPLES.glob("002_*.pdf"))  # its first page holds seven figures of three digits or more
PHOTO = "anh-chup-trang-1.png"
SCANNED_PDF = SAMPLES / "scanned_report.pdf"  # a PDF page without a text layer


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def read_again(png: bytes) -> str:
    """What Tesseract reads on a crop (one block of text), cleaned as the reader cleans a page
    (the seal's red ink taken out)."""
    import pytesseract

    cleaned, _ = prepared(Image.open(io.BytesIO(png)))
    return pytesseract.image_to_string(cleaned, lang="vie", config="--psm 6")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, int]]:
    """A store holding a photographed seed page (read by OCR) and the seed's .txt; the folder of
    the submitted files; document ids by file name."""
    from pipeline.evaluate_ocr import scanned as as_scan

    folder = tmp_path_factory.mktemp("nop")
    page = pdfium.PdfDocument(str(SEED))[0].render(scale=200 / 72).to_pil()
    as_scan(page, 200, seed=3, stamp=True).save(folder / PHOTO)  # type: ignore[attr-defined]
    text = SEED.with_suffix(".txt")
    shutil.copy(text, folder / text.name)
    shutil.copy(SCANNED_PDF, folder / SCANNED_PDF.name)
    url = f"sqlite:///{tmp_path_factory.mktemp('kho') / 'review.db'}"
    results = ingest_into(url, [folder / PHOTO, folder / text.name, folder / SCANNED_PDF.name])
    assert [r.status for r in results] == ["loaded"] * 3, results
    return url, folder, {Path(r.path).name: r.document_id for r in results}


def client_for(url: str, sources: list[Path]) -> TestClient:
    return TestClient(create_app(url, sources=sources), base_url="http://127.0.0.1")


def ocr_figures(url: str, document_id: int) -> list[dict]:
    store = open_store(url)
    try:
        return [f for f in store.figures(document_id=document_id) if OCR_MARK in f["rule"]]
    finally:
        store.close()


def test_the_crop_of_each_figure_holds_its_digits(scanned) -> None:
    url, folder, ids = scanned
    figures = [f for f in ocr_figures(url, ids[PHOTO]) if len(digits(f["quote"])) >= 3]
    assert len(figures) >= 5
    client = client_for(url, [folder])
    page_height = Image.open(folder / PHOTO).height
    missed = []
    for figure in figures:
        response = client.get(f"/documents/{ids[PHOTO]}/figures/{figure['figure_id']}/scan.png")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        crop = Image.open(io.BytesIO(response.content))
        assert crop.height < page_height / 5, "a few lines, not the page"
        if digits(figure["quote"]) not in digits(read_again(response.content)):
            missed.append(figure["quote"])
    print(f"{len(figures) - len(missed)}/{len(figures)} crops read again with their figure's digits")
    assert not missed, missed


def test_a_scanned_pdf_page_is_rendered_again_for_the_crop(scanned) -> None:
    url, folder, ids = scanned
    document_id = ids[SCANNED_PDF.name]
    [figure] = [f for f in ocr_figures(url, document_id) if f["quote"] == "150 cán bộ"]
    address = f"/documents/{document_id}/figures/{figure['figure_id']}/scan.png"
    response = client_for(url, [folder]).get(address)
    assert response.status_code == 200
    read = read_again(response.content)
    assert "150" in read and "cán bộ" in read


def test_the_card_shows_the_scan_beside_the_text_and_only_for_ocr_figures(scanned) -> None:
    url, folder, ids = scanned
    client = client_for(url, [folder])
    page = client.get(f"/documents/{ids[PHOTO]}").text
    assert page.count('<figure class="scan"') == len(ocr_figures(url, ids[PHOTO]))
    assert f"/documents/{ids[PHOTO]}/figures/" in page and "Ảnh gốc, trang 1" in page
    text_page = client.get(f"/documents/{ids[SEED.with_suffix('.txt').name]}").text
    assert "li class=\"figure" in text_page and '<figure class="scan"' not in text_page


def test_when_the_submitted_file_is_gone_the_card_says_so(scanned, tmp_path: Path) -> None:
    url, _, ids = scanned
    elsewhere = tmp_path / "khac"
    elsewhere.mkdir()
    (elsewhere / PHOTO).write_bytes(b"\x89PNG not the same file")  # same name, other content
    client = client_for(url, [elsewhere])
    page = client.get(f"/documents/{ids[PHOTO]}").text
    assert "Không tìm thấy tệp gốc «" + PHOTO + "»" in page and "<img src=\"/documents/" not in page
    figure = ocr_figures(url, ids[PHOTO])[0]
    response = client.get(f"/documents/{ids[PHOTO]}/figures/{figure['figure_id']}/scan.png")
    assert response.status_code == 404 and "Không tìm thấy tệp gốc" in response.text


@pytest.mark.browser
def test_an_officer_sees_the_scan_beside_the_ocr_text_in_chromium(scanned, browser, live_server) -> None:
    url, folder, ids = scanned
    with live_server(create_app(url, sources=[folder])) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server.url}/documents/{ids[PHOTO]}")
        page.wait_for_selector("li.figure.current")
        card = page.locator("li.figure", has=page.locator("figure.scan img")).nth(1)
        card.locator(".line1").click()
        image = card.locator("figure.scan img")
        image.wait_for(state="visible")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        shown, text = image.bounding_box(), page.locator("article.doc-text").bounding_box()
        assert shown and text and shown["x"] >= text["x"] + text["width"], "the scan sits beside the text"
        assert card.locator(".sentence").is_visible()
        quote = card.locator(".sentence strong").inner_text()
        (REPO / "output").mkdir(exist_ok=True)
        page.screenshot(path=str(REPO / "output" / "review_scan.png"))
        png = context.request.get(server.url + image.get_attribute("src")).body()
        context.close()
    assert digits(quote) and digits(quote) in digits(read_again(png))
    assert errors == []
