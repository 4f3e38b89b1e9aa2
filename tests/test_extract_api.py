"""The public contract of extract_figures on real sample reports (.txt, .docx, .pdf)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from extractors import extract_figures
from pipeline.document import Block, Document, TableCell, canonical_text
from pipeline.readers import read_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = sorted(p.stem for p in SAMPLES.glob("0*.txt"))


@pytest.fixture(scope="module")
def seed_000():
    document = read_document(SAMPLES / "000_064a08cc418c8552.txt")
    return document, extract_figures(document)


def test_figures_are_sorted_and_quote_their_span(seed_000) -> None:
    document, figures = seed_000
    assert figures, "seed 000 holds hundreds of figures"
    assert [f.char_start for f in figures] == sorted(f.char_start for f in figures)
    for f in figures:
        assert document.text[f.char_start : f.char_end] == f.quote
        assert f.sentence_start <= f.char_start < f.char_end <= f.sentence_end
        assert 0.0 <= f.confidence <= 1.0 and f.rule
        assert f.doc == "000_064a08cc418c8552.txt"


def test_part_of_points_at_an_earlier_total_of_the_same_kind(seed_000) -> None:
    _, figures = seed_000
    parts = [f for f in figures if f.part_of is not None]
    assert len(parts) >= 5
    for f in parts:
        total = figures[f.part_of]
        assert total.kind == f.kind and total.char_start < f.char_start


def test_parenthesised_commune_list_names_its_total_and_places(seed_000) -> None:
    _, figures = seed_000
    by_quote = {f.quote: i for i, f in enumerate(figures)}
    nam_dong = figures[by_quote["214.383.000đ"]]
    assert nam_dong.part_of == by_quote["458.358.000đ"]
    assert nam_dong.subject == "xã Nam Dong"


def test_section_comes_from_the_reader_blocks(seed_000) -> None:
    document, figures = seed_000
    for f in figures[:20]:
        block = document.block_at(f.char_start)
        assert f.section == " > ".join(block.section)
    assert any(f.section.startswith("Phần thứ nhất") for f in figures)


def test_works_without_blocks() -> None:
    text = canonical_text((SAMPLES / "004_386d69b07cae7cb5.txt").read_text(encoding="utf-8"))
    figures = extract_figures(Document(text=text, blocks=[], path="/tmp/x/004.txt", format="txt", sha256=""))
    assert [f.quote for f in figures] == ["3 công trình", "150 cán bộ", "184 cá nhân",
                                          "3 chương trình phối hợp", "14 tổ chức tôn giáo"]
    assert all(f.section == "" and f.doc == "004.txt" for f in figures)


@pytest.mark.parametrize("stem", SEEDS)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_docx_and_pdf_give_the_same_figures_as_txt(stem: str, fmt: str) -> None:
    txt = Counter(f.value for f in extract_figures(read_document(SAMPLES / f"{stem}.txt")))
    other_doc = read_document(SAMPLES / f"{stem}.{fmt}")
    other = Counter(f.value for f in extract_figures(other_doc) if f.table_cell is None)
    total = max(sum(txt.values()), sum(other.values()))
    same = sum((txt & other).values())
    assert total == 0 or same / total >= 0.98, (stem, fmt, txt - other, other - txt)


def test_appendix_table_cells_take_row_and_column_meaning() -> None:
    document = read_document(SAMPLES / "000_064a08cc418c8552.docx")
    figures = extract_figures(document)
    cells = [f for f in figures if f.table_cell is not None]
    assert cells
    nam_dong = next(f for f in cells if f.value == Decimal("214383000"))
    assert (nam_dong.kind, nam_dong.unit, nam_dong.subject) == ("money", "VND", "Xã Nam Dong")
    assert "Miền Trung" in nam_dong.indicator
    total = figures[nam_dong.part_of]
    assert total.value == Decimal("458358000") and total.table_cell[:2] == nam_dong.table_cell[:2]
    assert not any(f.quote.endswith(("STT", "Tổng")) for f in figures)


def test_table_cell_units_and_scales_from_headers() -> None:
    rows = [("Số hộ được hỗ trợ", "Xã A", "", "12"), ("Kinh phí (triệu đồng)", "Xã A", "", "150"),
            ("Tỷ lệ", "Xã A", "%", "96,5"), ("Gạo cứu trợ", "Xã A", "tấn", "2,5")]
    text, blocks, pos = "", [], 0
    for r, (row_header, col_header, unit, cell) in enumerate(rows):
        blocks.append(Block("table_cell", pos, pos + len(cell), ("Phụ lục",),
                            cell=TableCell(0, r + 1, 2, row_header, col_header, unit)))
        text += cell + "\n"
        pos = len(text)
    figures = extract_figures(Document(text=text, blocks=blocks, path="t.docx", format="docx", sha256=""))
    got = [(f.kind, f.value, f.unit, f.indicator, f.subject, f.section) for f in figures]
    assert got == [
        ("count", Decimal(12), "hộ được hỗ trợ", "Số hộ được hỗ trợ", "Xã A", "Phụ lục"),
        ("money", Decimal(150000000), "VND", "Kinh phí (triệu đồng)", "Xã A", "Phụ lục"),
        ("percent", Decimal("96.5"), "%", "Tỷ lệ", "Xã A", "Phụ lục"),
        ("quantity", Decimal("2.5"), "tấn", "Gạo cứu trợ", "Xã A", "Phụ lục"),
    ]


def test_junk_text_never_breaks_the_contract() -> None:
    """Random mixes of digits, scale words, separators and cue words: spans stay exact, nothing raises."""
    import random

    pieces = ["1.500", "04/7", "10 – 15", " tỷ ", " triệu ", "đồng", "đ", "%", " hộ", " suất quà", "/",
              "mỗi hộ ", "hàng trăm ", "hai mươi ", "Trong đó: ", "(", ")", ";", "\n- ", "ngày ", "năm 2020",
              "Phấn đấu ", "ước ", "giảm ", "so với ", "I. NHIỆM VỤ\n", "¹", "12345678901234567890", "0,0",
              ".5", ",", "rưỡi", "linh năm", "thôn, làng, ", "“", "tỷ tỷ tỷ tỷ ", "1,2,3", "0905.123.456"]
    rng = random.Random(20261122)
    seen = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        figures = extract_figures(Document(text=text, blocks=[], path="junk.txt", format="txt", sha256=""))
        seen += len(figures)
        for f in figures:
            assert text[f.char_start : f.char_end] == f.quote
            assert f.part_of is None or 0 <= f.part_of < len(figures)
            assert f.upper is None or f.upper > f.value
            f.to_record()
    assert seen > 100  # the junk does hold figures, so the loop checked something
