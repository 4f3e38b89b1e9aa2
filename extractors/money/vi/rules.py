"""Money: an amount followed by a currency word, or a bare amount the sentence makes money."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.data import alternation, load_yaml


@dataclass(frozen=True, slots=True)
class MoneyLexicon:
    currency_re: re.Pattern[str]
    codes: dict[str, str]
    cue_re: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> MoneyLexicon:
    """money/vi/lexicon.yaml, compiled once."""
    lex = load_yaml("money", "lexicon.yaml")
    codes = dict(lex["currency"])
    not_after = alternation(lex["not_currency_after"])
    currency_re = re.compile(
        rf"[ \t]?(?P<cur>{alternation(list(codes))})(?![\w])(?!\s+(?:{not_after})(?![\w]))"
    )
    cue_re = re.compile(rf"(?i)(?<![\w])(?:{alternation(lex['bare_money_cues'])})(?![\w])")
    return MoneyLexicon(currency_re, codes, cue_re)


def currency_after(text: str, pos: int) -> tuple[str, int] | None:
    """(currency code, end) when a currency word follows the amount ending at pos."""
    lex = lexicon()
    m = lex.currency_re.match(text, pos)
    if not m:
        return None
    return lex.codes[m.group("cur")], m.end()


def money_shaped(token: str) -> bool:
    """A bare amount written like money: at least two thousands groups ("361.432.000")."""
    return bool(re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", token))


def sentence_speaks_of_money(sentence: str) -> bool:
    """Whether the sentence holds a money cue word ("Quỹ", "số tiền", "ủng hộ" …)."""
    return lexicon().cue_re.search(sentence) is not None
