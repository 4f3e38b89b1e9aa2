"""The optional NLP layer: underthesea for unlisted compound nouns, spaCy spans for figures."""

from __future__ import annotations

import pytest

from extractors import extract_figures
from pipeline.document import Document

TEXT = "Trao 35 xe đạp cho học sinh nghèo và 120 suất quà, trị giá 60.000.000 đồng."


def figures(text: str):
    return extract_figures(Document(text=text, blocks=[], path="nlp.txt", format="txt", sha256=""))


def test_regex_path_reads_the_first_syllable_of_an_unlisted_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGHOP_NLP", raising=False)
    assert [f.quote for f in figures(TEXT)] == ["35 xe", "120 suất quà", "60.000.000 đồng"]


def test_underthesea_completes_an_unlisted_compound_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("underthesea")
    monkeypatch.setenv("TONGHOP_NLP", "1")
    got = figures(TEXT)
    assert (got[0].quote, got[0].unit) == ("35 xe đạp", "xe đạp")
    assert [f.quote for f in got][1:] == ["120 suất quà", "60.000.000 đồng"]


def test_spacy_component_marks_figure_spans() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("pyvi")
    from extractors.context.vi.nlp import figure_pipeline

    doc = figure_pipeline()(TEXT)
    spans = doc.spans["figures"]
    # pyvi joins "xe_đạp" into one token, so the span expands to the whole word
    assert [(s.text, s.label_) for s in spans] == [
        ("35 xe đạp", "count"), ("120 suất quà", "count"), ("60.000.000 đồng", "money"),
    ]
