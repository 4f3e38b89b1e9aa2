"""Mapping a figure to its consolidated line: a score per indicator, and "not sure" rather than wrong.

Each indicator that accepts the figure's kind and counted noun is scored by where its phrases sit
(closer to the number = stronger), with a bonus for its qualifiers ("xây mới") and head noun, and
is ruled out by its exclusions ("sửa chữa", "cận nghèo"). The best line is taken only when it
beats the runner-up by MARGIN; otherwise the figure stays unclassified and is shown for review.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from extractors.tables import column_role
from pipeline.document import Document
from pipeline.figure import Figure
from pipeline.normalise.catalogue import Catalogue, Indicator, load_catalogue
from pipeline.normalise.roles import figure_role
from pipeline.normalise.text import fold

# How much a phrase found in each place says about the figure (closer to the number = stronger).
SCORE_IN_INDICATOR = 1.0  # in the extractor's `indicator` words
SCORE_IN_UNIT = 0.9  # in the counted noun itself ("05 nhà Đại đoàn kết")
SCORE_BEFORE = 0.75  # in the words just before the number, same clause
SCORE_AFTER = 0.6  # in the words just after the number
SCORE_IN_SENTENCE = 0.4  # somewhere else in the sentence
SCORE_PREVIOUS = 0.36  # in the sentence before ("… Quỹ “Vì người nghèo” … Đến 25/12 thu được 252.307.000")
MIN_SCORE = 0.35  # below this a figure stays unmapped
MARGIN = 0.04  # the best line must beat the runner-up by this much, or the figure stays unclassified
SPECIFIC_BONUS = 0.002  # per character of the phrase found: the longer, the more specific
SPECIFIC_CAP = 0.04
QUALIFIER_BONUS = 0.1  # one of the line's required qualifiers is near the number
HEAD_NOUN_BONUS = 0.08  # the counted noun is one of the line's own head nouns of two or more words
LEARNED_BONUS = 0.15  # a phrase an officer taught on the review page
WIDE_PLACE = SCORE_IN_SENTENCE  # for percents, ratios and rates only the close places count
POSITION_DECAY = 0.1  # a phrase at the far end of its place scores this much less
BEFORE_CHARS, AFTER_CHARS, PREVIOUS_CHARS = 90, 45, 240


class Mapping(NamedTuple):
    """A figure's line (code, "" when unsure), the score shown to the officer, its role, the runners."""

    code: str
    score: float
    role: str = ""
    candidates: str = ""  # "CODE 0.75; OTHER 0.74" when the figure was too close to call


def figure_context(document: Document, figure: Figure) -> tuple[str, str, str, str]:
    """(words just before, words just after, the sentence, the sentence before it in the same paragraph)."""
    text = document.text
    if figure.sentence_start is not None and figure.sentence_end is not None:
        line_start, line_end = figure.sentence_start, figure.sentence_end
    else:
        line_start = text.rfind("\n", 0, figure.char_start) + 1
        line_end = text.find("\n", figure.char_end)
        line_end = len(text) if line_end < 0 else line_end
    before = text[max(line_start, figure.char_start - BEFORE_CHARS) : figure.char_start]
    # A clause ends at ";" or "(": the words of the previous list item are not this figure's.
    before = re.split(r"[;(]", before)[-1]
    after = text[figure.char_end : min(line_end, figure.char_end + AFTER_CHARS)]
    after = re.split(r"[;)]", after)[0]
    paragraph_start = text.rfind("\n", 0, line_start) + 1 if line_start else 0
    previous = text[max(paragraph_start, line_start - PREVIOUS_CHARS) : line_start]
    cell = table_context(document, figure)
    if cell:  # a table cell: its row and column headers are the words before it
        before = cell
    return before, after, text[line_start:line_end], previous


def table_context(document: Document, figure: Figure) -> str:
    """ "row header · column header" of the table cell a figure fills, or "" outside tables."""
    if not document.blocks:
        return ""
    block = document.block_at(figure.char_start)
    if block is None or block.cell is None:
        return ""
    return f"{block.cell.row_header} {block.cell.unit}".strip()


def last_position(text: str, words: tuple[str, ...]) -> int:
    """Where the last of `words` (as whole words) ends in `text`, or -1: the nearest qualifier wins.

    A word not in the text at all is passed over before any regex runs (most are: this runs for
    every figure and every line of the catalogue)."""
    best = -1
    for word in words:
        if word not in text:
            continue
        for found in whole_word(word).finditer(text):
            best = max(best, found.end())
    return best


@functools.cache
def whole_word(word: str) -> re.Pattern[str]:
    """`word` as a whole word, compiled once (the catalogue's words outnumber re's own cache)."""
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


class Hit(NamedTuple):
    """Why a line scored: its score, the phrase found and the strength of the place it was found in."""

    score: float
    phrase: str
    place: float


def place_weight(text: str, phrase: str, score: float) -> float:
    """The place's strength, a little less the farther the phrase is from the number.

    In the extractor's indicator words the first words are the figure's own; in the words
    before the number the last are the nearest.
    """
    if score == SCORE_IN_INDICATOR:
        return score - POSITION_DECAY * text.find(phrase) / len(text)
    if score == SCORE_BEFORE:
        return score - POSITION_DECAY * (len(text) - text.rfind(phrase) - len(phrase)) / len(text)
    return score


def phrase_score(indicator: Indicator, places: list[tuple[str, float]]) -> Hit | None:
    """The best place any of the indicator's phrases is found in, plus its specificity; None when none.

    A phrase an officer taught adds LEARNED_BONUS on top: the officer's word outranks the YAML's.
    """
    best: Hit | None = None
    for phrase in (*indicator.phrases, *indicator.learned):
        for text, score in places:
            if text and phrase in text:
                place = place_weight(text, phrase, score)
                total = place + min(SPECIFIC_CAP, SPECIFIC_BONUS * len(phrase))
                if best is None or total > best.score:
                    best = Hit(total, phrase, place)
                break
    if best is not None and any(phrase in text for phrase in indicator.learned for text, _ in places if text):
        best = best._replace(score=best.score + LEARNED_BONUS)
    return best


def score_indicator(
    indicator: Indicator, figure: Figure, places: list[tuple[str, float]], close: str
) -> Hit | None:
    """How well one line fits a figure; None when its kind, noun or qualifiers rule it out."""
    if not indicator.accepts(figure):
        return None
    required, excluded = last_position(close, indicator.require), last_position(close, indicator.exclude)
    if excluded >= 0 and excluded >= required:
        return None  # the nearest qualifier says another line ("sửa chữa"; "xây dựng, sửa chữa" = both)
    if indicator.require and required < 0:
        return None
    qualified = required >= 0
    if figure.kind not in ("money", "count", "quantity"):
        places = [(text, score) for text, score in places if score > WIDE_PLACE]
    hit = phrase_score(indicator, places)
    if hit is None:
        return None
    score = hit.score
    unit = fold(figure.unit)
    if any(" " in u and (unit == u or unit.startswith(u + " ")) for u in indicator.units):
        score += HEAD_NOUN_BONUS
    return hit._replace(score=round(score + (QUALIFIER_BONUS if qualified else 0.0), 3))


def clear_winner(best: Hit, runner: Hit) -> bool:
    """The best line wins by MARGIN, or its phrase contains the runner-up's found in no better place
    ("cử tri tham dự" over "tham dự")."""
    if best.score - runner.score >= MARGIN:
        return True
    return (
        runner.phrase in best.phrase and len(best.phrase) > len(runner.phrase) and best.place >= runner.place
    )


def match(
    catalogue: Catalogue, figure: Figure, before: str, after: str, sentence: str, previous: str = ""
) -> Mapping:
    """The line a figure belongs to with its score, or an empty code when no line wins clearly."""
    before, after = fold(before), fold(after)
    places = [
        (fold(figure.indicator), SCORE_IN_INDICATOR),
        (fold(figure.unit), SCORE_IN_UNIT),
        (before, SCORE_BEFORE),
        (after, SCORE_AFTER),
        (fold(sentence), SCORE_IN_SENTENCE),
        (fold(previous), SCORE_PREVIOUS),
    ]
    # the words right before the number come last: the nearest qualifier is the one that counts
    close = " | ".join((fold(figure.indicator), fold(figure.unit), before))
    role = figure_role(figure, before, after)
    lines = catalogue.of_kind(figure.kind)
    hits = sorted(
        ((hit, i.code) for i in lines if (hit := score_indicator(i, figure, places, close))),
        key=lambda pair: pair[0].score,
        reverse=True,
    )
    if not hits or hits[0][0].score < MIN_SCORE:
        return Mapping("", 0.0, role)
    (best, best_code), runners = hits[0], hits[1:]
    if runners and not clear_winner(best, runners[0][0]):
        shown = "; ".join(f"{code} {hit.score:.2f}" for hit, code in hits[:3])
        return Mapping("", round(best.score - runners[0][0].score, 3), role, shown)
    return Mapping(best_code, min(1.0, best.score), role)


def map_figures(
    document: Document, figures: list[Figure], catalogue: Catalogue | None = None
) -> list[Mapping]:
    """A Mapping for each figure, in order; an empty code for figures no line claims clearly."""
    catalogue = catalogue or load_catalogue()
    mapped = [
        Mapping("", 0.0, "of_plan")
        if of_plan(document, f)
        else match(catalogue, f, *figure_context(document, f))
        for f in figures
    ]
    return inherit_from_totals(figures, mapped, catalogue)


def of_plan(document: Document, figure: Figure) -> bool:
    """A number under "Tỷ lệ %" / "So sánh" of an appendix table: a percent of plan, no line's value."""
    if figure.table_cell is None or not document.blocks:
        return False
    block = document.block_at(figure.char_start)
    return (
        block is not None
        and block.cell is not None
        and column_role(block.cell.col_header) == "percent_of_plan"
    )


def inherit_from_totals(figures: list[Figure], mapped: list[Mapping], catalogue: Catalogue) -> list[Mapping]:
    """A part ("xã Nam Dong 214.383.000đ" inside a total's list) belongs to its total's indicator,
    unless its own words say otherwise: then total and parts can be checked against each other."""
    indicators = catalogue.by_code()
    result = list(mapped)
    for i, figure in enumerate(figures):
        total = figure.part_of
        if total is None or not 0 <= total < len(figures) or total == i:
            continue
        code, score = mapped[total].code, mapped[total].score
        if code and result[i].score < SCORE_BEFORE and indicators[code].accepts(figure):
            result[i] = Mapping(code, round(score * 0.9, 3), result[i].role)
    return result
