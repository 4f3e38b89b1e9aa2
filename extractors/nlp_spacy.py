"""tonghop's extractor as a spaCy component, so a spaCy user gets tonghop's figures on any Doc.

    from extractors.nlp_spacy import figure_pipeline
    doc = figure_pipeline()("Trao 120 suất quà, trị giá 60.000.000 đồng.")
    [(s.text, s.label_, s._.value, s._.unit) for s in doc.spans["figures"]]

`figure_pipeline()` is a blank Vietnamese `Language` (pyvi tokenizer) with the `tonghop_figures`
component; `add_to(nlp)` adds the component to a pipeline of your own. Each figure is a span
labelled with its kind in `doc.spans["figures"]`; its attributes are span extensions
(`span._.value`, `._.unit`, `._.approx`, `._.modality`, `._.indicator`, `._.subject` …), and
`doc._.figures` holds the full `pipeline.figure.Figure` records. tonghop's own pipeline does not
go through spaCy: this module is the bridge for those who build on spaCy.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

COMPONENT = "tonghop_figures"
SPAN_KEY = "figures"
ATTRIBUTES = (
    "value", "unit", "denominator", "per", "approx", "upper", "modality", "indicator", "subject",
    "rule", "confidence",
)


def _register() -> None:
    """Declare the extensions and the component factory once per process."""
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    for name in ATTRIBUTES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension(SPAN_KEY):
        Doc.set_extension(SPAN_KEY, default=None)
    if COMPONENT not in Language.factories:
        Language.component(COMPONENT, func=mark_figures)


def mark_figures(doc: Any) -> Any:
    """Run tonghop's extractor on the Doc's text; one labelled span per figure, attributes as extensions."""
    from extractors import extract_figures
    from pipeline.document import Document, canonical_text

    text = canonical_text(doc.text)
    if text != doc.text:  # offsets must point into the Doc: read the text exactly as given
        text = doc.text
    figures = extract_figures(Document(text=text, blocks=[], path="spacy", format="txt", sha256=""))
    spans = []
    kept = []
    for figure in figures:
        span = doc.char_span(figure.char_start, figure.char_end, label=figure.kind, alignment_mode="expand")
        if span is None:
            continue
        for name in ATTRIBUTES:
            span._.set(name, getattr(figure, name))
        spans.append(span)
        kept.append(figure)
    doc.spans[SPAN_KEY] = spans
    doc._.set(SPAN_KEY, kept)
    return doc


def add_to(nlp: Any) -> Any:
    """Add the tonghop_figures component to an existing spaCy pipeline (last)."""
    _register()
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)
    return nlp


@lru_cache(maxsize=1)
def figure_pipeline() -> Any:
    """A blank spaCy `vi` Language (pyvi tokenizer) whose one component marks tonghop's figures."""
    import spacy

    return add_to(spacy.blank("vi"))
