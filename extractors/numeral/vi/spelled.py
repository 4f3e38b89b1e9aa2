"""Spelled numbers ("hai mươi hộ") and vague amounts ("hàng trăm lượt") before a counted noun."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.count.vi.rules import noun_after
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import grammar, parse_spelled
from extractors.percent.vi.rules import percent_after
from extractors.scan import Draft, Scan


@lru_cache(maxsize=1)
def word_guards() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(after a digit or an ordinal marker, after a word that makes "một" an article), from the lexicon."""
    lex = load_yaml("numeral", "lexicon.yaml")
    ordinal = re.compile(rf"(?i)(?:\d|(?<![\w])(?:{alternation(lex['ordinal_markers'])}))\s*$")
    article = re.compile(rf"(?i)(?<![\w])(?:{alternation(lex['one_is_an_article_after'])})\s+$")
    return ordinal, article


@lru_cache(maxsize=1)
def lone_skipped() -> frozenset[str]:
    """Spelled numbers never read alone ("năm" is "year" far more often than "five")."""
    return frozenset(load_yaml("numeral", "lexicon.yaml")["lone_words_skipped"])


@lru_cache(maxsize=1)
def one_not_a_count() -> frozenset[str]:
    """Nouns before which a lone spelled "one" is an article ("một số", "một lần"), not a count."""
    return frozenset(load_yaml("numeral", "lexicon.yaml")["one_not_a_count_before"])


@lru_cache(maxsize=1)
def one_word() -> str:
    """The spelled "one" ("một"), which often means "a"."""
    return str(load_yaml("numeral", "lexicon.yaml")["one_word"])


def read_words(s: Scan) -> None:
    """Spelled numbers ("hai mươi hộ") and vague amounts ("hàng trăm lượt") before a counted noun."""
    text = s.text
    g = grammar()
    vague_spans = []
    for m in g.vague_re.finditer(text):
        noun = noun_after(text, m.end(), allow_unknown=False)
        if noun:
            vague_spans.append(m.span())
            s.drafts.append(Draft(
                m.start(), noun.end, "count", g.vague[m.group().lower()], noun.unit,
                "count.vague_amount", 0.4, approx="about", noun_start=noun.start,
            ))
    for m in g.spelled_re.finditer(text):
        if any(vs <= m.start() < ve for vs, ve in vague_spans):
            continue
        for start, end in _readable_parts(text, m.start(), m.end()):
            read_spelled(s, start, end)


def _readable_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span itself when it reads as one number, else its comma-separated parts ("hai triệu, ba triệu")."""
    if "," not in text[start:end] or parse_spelled(text[start:end]) is not None:
        return [(start, end)]
    parts, pos = [], start
    for piece in text[start:end].split(","):
        lead = len(piece) - len(piece.lstrip())
        parts.append((pos + lead, pos + len(piece.rstrip())))
        pos += len(piece) + 1
    return parts


def read_spelled(s: Scan, start: int, end: int) -> None:
    """One spelled number: money before a currency, percent before "phần trăm", else a count before a noun."""
    text = s.text
    if word_guards()[0].search(text, max(0, start - 8), start):
        return
    written = text[start:end]
    value = parse_spelled(written)
    if value is None or value == 0:
        return
    words = written.lower().split()
    if all(w in grammar().word_scales for w in words):
        return  # "(triệu đồng)": a scale word alone names a unit, it states no amount
    if (pend := percent_after(text, end)) is not None:
        s.drafts.append(Draft(start, pend, "percent", value, "%", "percent.spelled", 0.7))
        return
    if len(words) == 1 and words[0] in lone_skipped():
        return
    if cur := currency_after(text, end):
        s.drafts.append(Draft(start, cur.end, "money", value * cur.factor, cur.code, "money.spelled", 0.7))
        return
    noun = noun_after(text, end, allow_unknown=False)
    if not noun or "\n" in text[end : noun.start] or text[noun.start].isupper():
        return
    if words == [one_word()] and (
        word_guards()[1].search(text, max(0, start - 12), start)
        or noun.unit.split()[0] in one_not_a_count()
    ):
        return
    s.drafts.append(Draft(
        start, noun.end, "count", value, noun.unit, "count.spelled_number", 0.7, noun_start=noun.start,
    ))
