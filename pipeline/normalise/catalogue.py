"""The indicator catalogue: which consolidated line (indicator code) a figure belongs to, with a score.

The catalogue is `indicators.yaml`, which an officer edits; this module only reads it and scores
phrases found around a figure. A figure nothing matches stays visible with an empty code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.document import Document
from pipeline.figure import Figure

CATALOGUE_PATH = Path(__file__).with_name("indicators.yaml")
KINDS = ("money", "count", "percent", "ratio", "quantity", "rate")

# How much a phrase found in each place says about the figure (closer to the number = stronger).
SCORE_IN_INDICATOR = 1.0  # in the extractor's `indicator` words
SCORE_IN_UNIT = 0.9  # in the counted noun itself ("05 nhà Đại đoàn kết")
SCORE_BEFORE = 0.75  # in the words just before the number, same clause
SCORE_AFTER = 0.6  # in the words just after the number
SCORE_IN_SENTENCE = 0.4  # somewhere else in the sentence
SCORE_PREVIOUS = 0.36  # in the sentence before ("… Quỹ “Vì người nghèo” … Đến 25/12 thu được 252.307.000")
MIN_SCORE = 0.35  # below this a figure stays unmapped
BEFORE_CHARS, AFTER_CHARS, PREVIOUS_CHARS = 90, 45, 240
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def fold(text: str) -> str:
    """NFC, lower case, straight quotes, single spaces: phrases match however the report typed them."""
    text = unicodedata.normalize("NFC", text).translate(QUOTES).lower()
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Indicator:
    """One consolidated line: code, Vietnamese name, kind(s), unit and the phrases that announce it."""

    code: str
    name: str
    kinds: tuple[str, ...]
    unit: str
    phrases: tuple[str, ...]
    units: tuple[str, ...] = ()  # counted nouns accepted (count/ratio); empty = any
    group: str = ""
    part_of_total: str = ""  # code of a wider indicator this one is a breakdown of (informational)

    def accepts(self, figure: Figure) -> bool:
        """Kind and counted noun agree, so "05 hộ" never lands on a money line."""
        if figure.kind not in self.kinds:
            return False
        if self.units and figure.kind in ("count", "ratio", "quantity"):
            unit = fold(figure.unit)
            return any(unit == u or unit.startswith(u + " ") for u in self.units)
        return True


@dataclass(slots=True)
class Catalogue:
    indicators: list[Indicator] = field(default_factory=list)

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def match(
        self, figure: Figure, before: str, after: str, sentence: str, previous: str = ""
    ) -> tuple[str, float]:
        """The best-scoring indicator for a figure given the text around it, or ("", 0.0)."""
        places = (
            (fold(figure.indicator), SCORE_IN_INDICATOR),
            (fold(figure.unit), SCORE_IN_UNIT),
            (fold(before), SCORE_BEFORE),
            (fold(after), SCORE_AFTER),
            (fold(sentence), SCORE_IN_SENTENCE),
            (fold(previous), SCORE_PREVIOUS),
        )
        best_code, best_score, best_len = "", 0.0, 0
        for indicator in self.indicators:
            if not indicator.accepts(figure):
                continue
            for phrase in indicator.phrases:
                for text, score in places:
                    if score < best_score or not text or phrase not in text:
                        continue
                    # Equal scores: the longer (more specific) phrase wins.
                    if score > best_score or len(phrase) > best_len:
                        best_code, best_score, best_len = indicator.code, score, len(phrase)
                    break
        return (best_code, best_score) if best_score >= MIN_SCORE else ("", 0.0)


def parse_catalogue(data: dict[str, Any], source: str = "indicators.yaml") -> Catalogue:
    """Validate the officer-edited YAML and say exactly which entry is wrong when it is."""
    entries = data.get("indicators") or []
    seen: set[str] = set()
    indicators = []
    for number, entry in enumerate(entries, 1):
        where = f"{source}: indicator #{number} ({entry.get('code', '?')})"
        for key in ("code", "name", "kind", "phrases"):
            if not entry.get(key):
                raise ValueError(f"{where}: missing '{key}'")
        kinds = tuple(entry["kind"]) if isinstance(entry["kind"], list) else (entry["kind"],)
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"{where}: kind {bad[0]!r} is not one of {', '.join(KINDS)}")
        if entry["code"] in seen:
            raise ValueError(f"{where}: code used twice")
        seen.add(entry["code"])
        indicators.append(
            Indicator(
                code=entry["code"],
                name=entry["name"],
                kinds=kinds,
                unit=str(entry.get("unit", "")),
                phrases=tuple(fold(p) for p in entry["phrases"]),
                units=tuple(fold(u) for u in entry.get("units", []) or []),
                group=entry.get("group", ""),
                part_of_total=entry.get("part_of_total", ""),
            )
        )
    return Catalogue(indicators)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Catalogue:
    with open(path, encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle) or {}, Path(path).name)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue from `path` (default: the packaged indicators.yaml), re-read when the file changes."""
    target = Path(path or CATALOGUE_PATH)
    return _load_cached(str(target), target.stat().st_mtime)


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
    return before, after, text[line_start:line_end], previous


def map_figures(
    document: Document, figures: list[Figure], catalogue: Catalogue | None = None
) -> list[tuple[str, float]]:
    """(indicator code, score) for each figure, in order; ("", 0.0) for figures left unmapped."""
    catalogue = catalogue or load_catalogue()
    mapped = [catalogue.match(f, *figure_context(document, f)) for f in figures]
    return inherit_from_totals(figures, mapped, catalogue)


def inherit_from_totals(
    figures: list[Figure], mapped: list[tuple[str, float]], catalogue: Catalogue
) -> list[tuple[str, float]]:
    """A part ("xã Nam Dong 214.383.000đ" inside a total's list) belongs to its total's indicator,
    unless its own words say otherwise: then total and parts can be checked against each other."""
    indicators = catalogue.by_code()
    result = list(mapped)
    for i, figure in enumerate(figures):
        total = figure.part_of
        if total is None or not 0 <= total < len(figures) or total == i:
            continue
        code, score = mapped[total]
        if code and result[i][1] < SCORE_BEFORE and indicators[code].accepts(figure):
            result[i] = (code, round(score * 0.9, 3))
    return result
