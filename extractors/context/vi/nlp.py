"""Optional NLP refinements: underthesea word segmentation and a spaCy pipeline marking figures.

The regex path never needs these. `TONGHOP_NLP=1` turns on underthesea for the one thing the
lexicon cannot know: where an unlisted compound noun ends ("35 xe đạp", not "35 xe"). It runs
only on the few characters after such a number, so the hot path stays fast.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

WINDOW = 40  # characters after the number handed to the word segmenter


def nlp_enabled() -> bool:
    """Whether TONGHOP_NLP asks for the underthesea refinements."""
    return os.environ.get("TONGHOP_NLP", "").strip().lower() in ("1", "true", "yes", "on")


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """underthesea.word_tokenize, imported on first use (it takes a second to load)."""
    from underthesea import word_tokenize

    return word_tokenize


@lru_cache(maxsize=4096)
def first_word(text: str) -> str:
    """The first word of text as underthesea segments it ("xe đạp cho học sinh" → "xe đạp")."""
    words = _segmenter()(text)
    return words[0] if words else ""


def compound_noun_end(text: str, start: int, end: int) -> int:
    """End of the compound noun starting at `start` whose first syllable ends at `end`."""
    word = first_word(text[start : start + WINDOW].split("\n", 1)[0])
    if len(word) > end - start and text.startswith(word, start):
        return start + len(word)
    return end


@lru_cache(maxsize=1)
def figure_pipeline() -> Any:
    """A spaCy `vi` pipeline (pyvi tokenizer) whose `tonghop_figures` component fills doc.spans["figures"]."""
    import spacy
    from spacy.language import Language

    if "tonghop_figures" not in Language.factories:

        @Language.component("tonghop_figures")
        def tonghop_figures(doc: Any) -> Any:
            """Mark every figure extract_figures finds as a span labelled with its kind."""
            from extractors import extract_figures
            from pipeline.document import Document

            document = Document(text=doc.text, blocks=[], path="spacy", format="txt", sha256="")
            figures = extract_figures(document)
            spans = [doc.char_span(f.char_start, f.char_end, label=f.kind, alignment_mode="expand")
                     for f in figures]
            doc.spans["figures"] = [s for s in spans if s is not None]
            return doc

    nlp = spacy.blank("vi")
    nlp.add_pipe("tonghop_figures")
    return nlp
