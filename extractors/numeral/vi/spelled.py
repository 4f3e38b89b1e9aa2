"""Spelled numbers ("hai mươi hộ") and vague amounts ("hàng trăm lượt") before a counted noun."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.count.vi.rules import noun_after
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import grammar, parse_spelled
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
        if any(vs <= m.start() < ve for vs, ve in vague_spans) or word_guards()[0].search(
            text, max(0, m.start() - 8), m.start()
        ):
            continue
        value = parse_spelled(m.group())
        if value is None or value == 0:
            continue
        words = m.group().lower().split()
        if len(words) == 1 and words[0] in lone_skipped():
            continue
        if cur := currency_after(text, m.end()):
            s.drafts.append(Draft(m.start(), cur[1], "money", value, cur[0], "money.spelled", 0.7))
            continue
        noun = noun_after(text, m.end(), allow_unknown=False)
        if not noun or "\n" in text[m.end() : noun.start] or text[noun.start].isupper():
            continue
        if words == [one_word()] and (
            word_guards()[1].search(text, max(0, m.start() - 12), m.start())
            or noun.unit.split()[0] in one_not_a_count()
        ):
            continue
        s.drafts.append(Draft(
            m.start(), noun.end, "count", value, noun.unit, "count.spelled_number", 0.7,
            noun_start=noun.start,
        ))
