"""Vietnamese number grammar: digit groups, scale words, spelled numbers, ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from extractors.data import alternation, load_yaml

DIGITS = r"\d+(?:[.,]\d+)*"  # any digit run with separators: what non-figure rules look at
# A well-formed number: thousands groups with an optional decimal comma ("149.364,5"), a decimal
# comma ("16,7"), an English decimal point ("1.5"), or plain digits; never "1,2,3" or "1.500,0,5".
NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)(?![.,]?\d)"


def parse_digits(token: str) -> Decimal:
    """`1.500` → 1500, `149.364,5` → 149364.5, `16,7` → 16.7, `1.5` → 1.5 (English decimal), `05` → 5."""
    if "," in token and "." in token:
        return Decimal(token.replace(".", "").replace(",", "."))
    if "," in token:
        head, _, tail = token.rpartition(",")
        return Decimal(head.replace(",", "") + "." + tail)
    if "." in token:
        groups = token.split(".")
        if all(len(g) == 3 for g in groups[1:]):
            return Decimal("".join(groups))
        return Decimal(groups[0] + "." + "".join(groups[1:]))
    return Decimal(token)


@dataclass(frozen=True, slots=True)
class Grammar:
    """Compiled number grammar built from numeral/vi/lexicon.yaml."""

    scales: dict[str, Decimal]
    units: dict[str, int]
    scale_re: str
    number_re: re.Pattern[str]
    spelled_re: re.Pattern[str]
    vague: dict[str, Decimal]
    vague_re: re.Pattern[str]
    range_re: str
    ten: frozenset[str]
    tens: frozenset[str]
    hundred: frozenset[str]
    zero_tens: frozenset[str]
    half: frozenset[str]


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The number grammar, compiled once."""
    lex = load_yaml("numeral", "lexicon.yaml")
    scales = {k: Decimal(v) for k, v in lex["scale"].items()}
    scale_re = rf"(?:{alternation(list(scales))})(?![\w])"
    scale_seq = rf"{scale_re}(?:\s+{scale_re})*"
    ranges = alternation(lex["range_words"])
    amount = rf"{NUMBER}(?:\s*{scale_seq}(?:\s+{NUMBER}\s*{scale_seq})*)?"
    number_re = re.compile(
        rf"(?<![\w.,/])(?P<a>{amount})"
        rf"(?:\s*(?P<rsep>{ranges})\s*(?P<b>{amount}))?"
    )
    words = [*lex["units"], *lex["ten"], *lex["tens"], *lex["hundred"], *lex["zero_tens"], *lex["half"]]
    word_re = alternation(words + list(scales))
    first_re = alternation([*words, *scales, *(w.capitalize() for w in [*words, *scales])])
    spelled_re = re.compile(rf"(?<![\w])(?:{first_re})(?:\s+(?:{word_re}))*(?![\w])")
    vague = {k: Decimal(v) for k, v in lex["vague"].items()}
    vague_re = re.compile(rf"(?<![\w])(?:{alternation([*vague, *(v.capitalize() for v in vague)])})(?![\w])")
    return Grammar(
        scales=scales, units=dict(lex["units"]), scale_re=scale_re, number_re=number_re,
        spelled_re=spelled_re, vague=vague, vague_re=vague_re, range_re=ranges,
        ten=frozenset(lex["ten"]), tens=frozenset(lex["tens"]), hundred=frozenset(lex["hundred"]),
        zero_tens=frozenset(lex["zero_tens"]), half=frozenset(lex["half"]),
    )


def parse_amount(text: str) -> Decimal:
    """A digit amount with scale words: `145,14 tỷ` → 145140000000, `1 tỷ 200 triệu` → 1200000000."""
    g = grammar()
    total = Decimal(0)
    for m in re.finditer(rf"(?P<n>{NUMBER})(?P<s>(?:\s*{g.scale_re})*)", text):
        value = parse_digits(m.group("n"))
        for word in re.findall(g.scale_re, m.group("s")):
            value *= g.scales[word]
        total += value
    return total


def has_scale(text: str) -> bool:
    """Whether an amount carries a scale word ("10 triệu")."""
    return re.search(grammar().scale_re, text) is not None


def parse_spelled(text: str) -> Decimal | None:
    """`hai mươi mốt` → 21, `một trăm linh năm` → 105, `mười lăm` → 15, `hai triệu rưỡi` → 2500000."""
    g = grammar()
    words = text.lower().split()
    total = Decimal(0)  # completed millions/billions/thousands
    group = Decimal(0)  # the part below the current scale
    last_scale = Decimal(1)
    digit: int | None = None
    seen = False
    for i, w in enumerate(words):
        if w in g.units:
            if digit is not None:
                return None  # two digits in a row is not a number ("một hai")
            digit = g.units[w]
            seen = True
        elif w in g.ten:
            group += 10
            seen = True
        elif w in g.tens:
            if digit is None:
                return None
            group += digit * 10
            digit = None
        elif w in g.hundred:
            group += (digit if digit is not None else 1) * 100
            digit = None
            seen = True
        elif w in g.zero_tens:
            if i == 0:
                return None
        elif w in g.half:
            if i == 0:
                return None
            if last_scale == 1:
                return group + (digit or 0) + Decimal("0.5")
            return total + (group + (digit or 0)) * last_scale + last_scale / 2
        elif w in g.scales:
            scale = g.scales[w]
            part = group + (digit or 0)
            if part == 0:
                part = Decimal(1)
            if scale > last_scale and total:
                total = (total + part) * scale
            else:
                total += part * scale
            group, digit, last_scale = Decimal(0), None, scale
            seen = True
        else:
            return None
    if not seen:
        return None
    return total + group + (digit or 0)
