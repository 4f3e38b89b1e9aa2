"""NLP layer: underthesea ends unlisted counted nouns (on by default); spaCy spans for figures."""

from __future__ import annotations

import pytest

from extractors import extract_figures
from pipeline.document import Document

TEXT = "Trao 35 máy tính cho học sinh nghèo và 120 suất quà, trị giá 60.000.000 đồng."


def figures(text: str):
    return extract_figures(Document(text=text, blocks=[], path="nlp.txt", format="txt", sha256=""))


def test_segmenter_off_keeps_the_first_syllable_of_an_unlisted_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGHOP_NLP", "0")
    assert [f.quote for f in figures(TEXT)] == ["35 máy", "120 suất quà", "60.000.000 đồng"]


def test_the_segmenter_runs_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("underthesea")
    monkeypatch.delenv("TONGHOP_NLP", raising=False)
    assert [(f.quote, f.unit) for f in figures("Tặng 164 bệnh nhân và 12 máy tính.")] == [
        ("164 bệnh nhân", "bệnh nhân"), ("12 máy tính", "máy tính"),
    ]


def test_underthesea_completes_an_unlisted_compound_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("underthesea")
    monkeypatch.setenv("TONGHOP_NLP", "1")
    got = figures(TEXT)
    assert (got[0].quote, got[0].unit) == ("35 máy tính", "máy tính")
    assert [f.quote for f in got][1:] == ["120 suất quà", "60.000.000 đồng"]


def test_spacy_component_marks_figure_spans() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("pyvi")
    from extractors.nlp_spacy import figure_pipeline

    doc = figure_pipeline()(TEXT)
    spans = doc.spans["figures"]
    # pyvi joins "máy_tính" into one token, so the span expands to the whole word
    assert [(s.text, s.label_) for s in spans] == [
        ("35 máy tính", "count"), ("120 suất quà", "count"), ("60.000.000 đồng", "money"),
    ]


def test_spacy_spans_carry_the_figure_attributes() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("pyvi")
    from extractors.nlp_spacy import figure_pipeline

    doc = figure_pipeline()(
        "Phấn đấu vận động hơn 2 tỷ đồng cho Quỹ \"Vì người nghèo\". Tỷ lệ hộ dùng nước sạch ước đạt 85%."
    )
    money, percent = doc.spans["figures"]
    assert (money.label_, money._.value, money._.unit, money._.approx, money._.modality) == (
        "money", 2000000000, "VND", "over", "target",
    )
    assert (percent.label_, percent._.value, percent._.modality) == ("percent", 85, "estimate")
    assert [f.quote for f in doc._.figures] == ["2 tỷ đồng", "85%"]


def test_the_component_joins_a_users_own_pipeline() -> None:
    spacy = pytest.importorskip("spacy")
    from extractors.nlp_spacy import add_to

    nlp = add_to(spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}}))
    assert nlp.pipe_names == ["tonghop_figures"]
    doc = nlp("Tặng 120 suất quà cho 02 HTX trong huyện")
    assert [(s.text, s.label_, s._.unit) for s in doc.spans["figures"]] == [
        ("120 suất quà", "count", "suất quà"), ("02 HTX", "count", "htx"),
    ]
