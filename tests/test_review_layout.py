"""The document view loses no text, marks every figure once, and shows tables as tables and pages as pages."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, ingest_into
from fastapi.testclient import TestClient

from pipeline.review import create_app
from pipeline.review.layout import PageItem, TableItem, TextItem, lay_out
from pipeline.store import open_store

REPORTS = ["000_064a08cc418c8552.txt", "000_064a08cc418c8552.pdf", "002_bb16b2840fea809a.docx"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    """A .txt, a .pdf (tables, pages) and a .docx report ingested by the real pipeline, each into its
    own store (the pdf is a re-submission of the txt and would supersede it): name → (url, id)."""
    folder = tmp_path_factory.mktemp("layout")
    ids = {}
    for name in REPORTS:
        url = f"sqlite:///{folder / (name + '.db')}"
        (result,) = ingest_into(url, [SAMPLES / name])
        ids[name] = (url, result.document_id)
    return ids


def stored(url: str, document_id: int) -> tuple[dict, list[dict]]:
    store = open_store(url)
    try:
        return store.document(document_id), store.figures(document_id=document_id)
    finally:
        store.close()


def text_items(items):
    for item in items:
        if isinstance(item, TableItem):
            yield from (cell for row in item.rows for cell in row if cell is not None)
        elif isinstance(item, TextItem):
            yield item


@pytest.mark.parametrize("name", REPORTS)
def test_every_character_and_every_figure_is_on_the_page(loaded, name):
    document, figures = stored(*loaded[name])
    assert figures
    items = lay_out(document["text"], document["blocks"], figures)
    shown = "".join(p.text for item in text_items(items) for p in item.pieces)
    assert "".join(shown.split()) == "".join(document["text"].split()), "no text is dropped or repeated"
    marked = {p.figure["figure_id"] for item in text_items(items) for p in item.pieces if p.figure}
    overlapping, reach = set(), 0  # a figure inside another one's span cannot get its own mark
    for f in sorted(figures, key=lambda f: (f["char_start"], -f["char_end"])):
        if f["char_start"] < reach:
            overlapping.add(f["figure_id"])
        reach = max(reach, f["char_end"])
    assert marked == {f["figure_id"] for f in figures} - overlapping
    for item in text_items(items):
        for piece in item.pieces:
            if piece.figure:
                assert piece.text in piece.figure["quote"]


def test_a_pdf_report_shows_its_appendix_table_and_its_pages(loaded):
    url, document_id = loaded["000_064a08cc418c8552.pdf"]
    document, figures = stored(url, document_id)
    items = lay_out(document["text"], document["blocks"], figures)
    tables = [i for i in items if isinstance(i, TableItem)]
    assert tables and all(len({len(r) for r in t.rows}) == 1 for t in tables), "square grids"
    pages = [i.page for i in items if isinstance(i, PageItem)]
    assert pages == sorted(pages) and len(pages) == document["page_count"]
    in_tables = [p for t in tables for row in t.rows for c in row if c for p in c.pieces if p.figure]
    assert in_tables, "figures in table cells are marked in the table"
    html = TestClient(create_app(url), base_url="http://127.0.0.1").get(f"/documents/{document_id}").text
    assert '<table class="doc-table">' in html
    assert "Trang 2" in html
    assert "· trang " in html, "each figure names its page"


def test_a_document_without_blocks_still_shows_its_text():
    text = "Dòng một có 15 hộ.\n\nDòng hai <b>đậm</b>."
    figure = {"figure_id": "x", "char_start": 12, "char_end": 17, "kind": "count"}
    items = lay_out(text, [], [figure])
    lines = ["".join(p.text for p in i.pieces) for i in items]
    assert lines == ["Dòng một có 15 hộ.", "Dòng hai <b>đậm</b>."]
    assert items[0].pieces[1].text == "15 hộ" and items[0].pieces[1].figure is figure
