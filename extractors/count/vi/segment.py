"""Where a counted noun ends: underthesea's word segmentation of the few words after a number.

The noun list (count/vi/nouns.tsv) knows the common nouns; for any other, the segmenter says
whether "đại" goes on as "đại biểu" or "xe" as "xe đạp". It runs on the default path, only on
the four words after a number whose noun is not listed, and remembers each window it has seen
(reports repeat their nouns). `TONGHOP_NLP=0` turns it off (first syllable only).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache

WINDOW_WORDS = 4  # syllables after the number handed to the segmenter


def nlp_enabled() -> bool:
    """Whether the segmenter runs (default yes; TONGHOP_NLP=0/false/no/off turns it off)."""
    return os.environ.get("TONGHOP_NLP", "").strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=1)
def _tagger() -> Callable[[list[list[str]]], list[str]]:
    """underthesea's word-segmentation CRF, fed syllables already split (skips its regex tokenizer)."""
    import underthesea.pipeline.word_tokenize as segmentation
    from underthesea import word_tokenize

    word_tokenize("khởi động")  # loads the model on first use
    model = getattr(segmentation, "word_tokenize_model", None)
    if model is not None:
        return model.predict

    def through_tokenizer(features: list[list[str]]) -> list[str]:
        tags: list[str] = []
        for word in word_tokenize(" ".join(f[0] for f in features)):
            tags += ["B-W"] + ["I-W"] * (len(word.split()) - 1)
        return tags

    return through_tokenizer


@lru_cache(maxsize=65536)
def first_word_syllables(syllables: tuple[str, ...]) -> int:
    """How many of the syllables form the first word ("đại biểu tham dự" → 2)."""
    tags = _tagger()([[s] for s in syllables])
    n = 1
    while n < len(tags) and tags[n] == "I-W":
        n += 1
    return n


def first_word_length(syllables: Sequence[str]) -> int:
    """first_word_syllables of up to WINDOW_WORDS syllables, 1 when the segmenter is off."""
    if len(syllables) < 2 or not nlp_enabled():
        return 1
    return first_word_syllables(tuple(syllables[:WINDOW_WORDS]))


def load() -> None:
    """Load the segmenter now (about a second of CPU once per process), e.g. before forking workers."""
    if nlp_enabled():
        _tagger()
