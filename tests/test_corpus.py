"""One test over every corpus file: each example must give exactly its figures, negatives none."""

from __future__ import annotations

import pytest

from extractors import extract_figures
from extractors.corpus import load_examples, same_value
from pipeline.document import Document, canonical_text

EXAMPLES = load_examples()


def figures_of(text: str):
    document = Document(text=canonical_text(text), blocks=[], path="corpus.txt", format="txt", sha256="")
    return extract_figures(document)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example(example) -> None:
    got = figures_of(example.text)
    assert [f.quote for f in got] == [e.quote for e in example.figures], [f.to_record() for f in got]
    for figure, expected in zip(got, example.figures, strict=True):
        for key, want in expected.attrs.items():
            have = getattr(figure, key)
            if key in ("value", "upper", "denominator"):
                assert same_value(want, have), (key, want, have)
            else:
                assert str(have) == want, (figure.quote, key, want, have)


def test_corpus_is_big_enough() -> None:
    positives = sum(1 for e in EXAMPLES if e.figures)
    negatives = sum(1 for e in EXAMPLES if not e.figures)
    assert positives >= 300 and negatives >= 100, (positives, negatives)
