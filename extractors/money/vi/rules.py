"""Money: an amount followed by a currency word, or a bare amount the sentence makes money."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from extractors.data import alternation, load_yaml
from pipeline.prefix_scan import quick


@dataclass(frozen=True, slots=True)
class MoneyLexicon:
    currency_re: re.Pattern[str]
    codes: dict[str, tuple[str, Decimal]]  # written form → (code, factor)
    before_re: re.Pattern[str]
    before_codes: dict[str, str]
    cue_re: re.Pattern[str]


class Currency(NamedTuple):
    """A currency word after an amount: its code, where it ends, and the scale it carries ("trđ")."""

    code: str
    end: int
    factor: Decimal


@lru_cache(maxsize=1)
def lexicon() -> MoneyLexicon:
    """money/vi/lexicon.yaml, compiled once."""
    lex = load_yaml("money", "lexicon.yaml")
    codes = {k: (v, Decimal(1)) for k, v in lex["currency"].items()}
    codes |= {k: (v[1], Decimal(v[0])) for k, v in lex["scaled_currency"].items()}
    not_after = alternation(lex["not_currency_after"])
    currency_re = re.compile(
        rf"[ \t]?(?P<cur>{alternation(list(codes))})(?![\w])(?!\s+(?:{not_after})(?![\w]))"
    )
    before = dict(lex["currency_before"])
    before_re = re.compile(rf"(?<![\w$])(?P<cur>{alternation(list(before))})[ \t]?$")
    cue_re = quick(re.compile(rf"(?i)(?<![\w])(?:{alternation(lex['bare_money_cues'])})(?![\w])"))
    return MoneyLexicon(currency_re, codes, before_re, before, cue_re)


def currency_after(text: str, pos: int) -> Currency | None:
    """The currency word following the amount ending at pos, if any."""
    lex = lexicon()
    m = lex.currency_re.match(text, pos)
    if not m:
        return None
    code, factor = lex.codes[m.group("cur")]
    return Currency(code, m.end(), factor)


def currency_before(text: str, start: int) -> tuple[str, int] | None:
    """(code, where the sign starts) for "USD 1.200", "$1.200": a currency written before the amount."""
    lex = lexicon()
    m = lex.before_re.search(text, max(0, start - 5), start)
    return (lex.before_codes[m.group("cur")], m.start()) if m else None


def money_shaped(token: str) -> bool:
    """A bare amount written like money: at least two thousands groups ("361.432.000")."""
    return bool(re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", token))


def sentence_speaks_of_money(sentence: str) -> bool:
    """Whether the sentence holds a money cue word ("Quỹ", "số tiền", "ủng hộ" …)."""
    return lexicon().cue_re.search(sentence) is not None
