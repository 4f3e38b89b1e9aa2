"""Indicators are built from verbatim pieces of the report, never from re-spaced or invented words.

The one word allowed that the report may not hold is the rate word of context/vi/indicator.yaml
("tỷ lệ" + what a share is of: "18.988 hộ gia đình văn hóa, đạt 85%").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors import extract_figures
from extractors.context.vi.indicator import rules
from pipeline.evaluate import load_document

REPO = Path(__file__).resolve().parents[1]
REPORTS = sorted((REPO / "samples").glob("*.txt")) + sorted((REPO / "tests" / "heldout").glob("*.txt"))


def occurs(piece: str, text: str) -> bool:
    """Whether piece stands in text with no letter or digit glued to either side."""
    return re.search(rf"(?<![\w]){re.escape(piece)}(?![\w])", text) is not None


def verbatim_pieces(phrase: str, text: str) -> int | None:
    """How many verbatim spans of text holding a letter, joined by spaces, make up phrase (else None)."""
    words = phrase.split(" ")
    rate = rules().rate_word.split(" ")
    if words[: len(rate)] == rate and phrase not in text:
        words = words[len(rate) :]
    pieces, i = 0, 0
    while i < len(words):
        j = len(words)
        while j > i and not occurs(" ".join(words[i:j]), text):
            j -= 1
        if j == i or not any(ch.isalpha() for ch in " ".join(words[i:j])):
            return None  # a word the report lacks, or a stray mark standing alone (`Quỹ " Vì người nghèo`)
        pieces, i = pieces + 1, j
    return pieces


@pytest.mark.parametrize("report", REPORTS, ids=[p.name for p in REPORTS])
def test_indicator_is_made_of_verbatim_pieces(report: Path) -> None:
    document = load_document(report)
    text = " ".join(document.text.split())  # a wrapped line end reads as one space
    figures = [f for f in extract_figures(document) if f.table_cell is None]  # cells read their headers
    for f in figures:
        pieces = verbatim_pieces(f.indicator, text) if f.indicator else 0
        assert pieces is not None and pieces <= 3, (f.quote, f.indicator, pieces)


def test_indicator_of_most_figures_is_not_empty() -> None:
    figures = [f for report in REPORTS for f in extract_figures(load_document(report))]
    assert len(figures) > 300
    empty = [f.quote for f in figures if not f.indicator.strip()]
    assert len(empty) <= len(figures) // 20, empty
