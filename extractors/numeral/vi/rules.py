"""Vietnamese number grammar: digit groups, scale words, spelled numbers, ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from extractors.data import alternation, load_yaml
from pipeline.prefix_scan import quick

DIGITS = r"\d+(?:[.,]\d+)*"  # any digit run with separators: what non-figure rules look at
SPACES = "[ \u00a0\u202f]"  # a space, a no-break space or a narrow no-break space between thousands
# A well-formed number: English thousands commas only where unambiguous ("1,000,000", "1,500.25"),
# thousands dots with an optional decimal comma ("149.364,5"), thousands groups split by a (no-break)
# space ("1 500"), a decimal comma ("16,7"), an English decimal point ("1.5"), or plain digits;
# never "1,2,3" or "1.500,0,5" (such a run is not read at all rather than read as a smaller number).
NUMBER = (
    r"(?:\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?(?![,\d])"
    r"|\d{1,3}(?:,\d{3})+\.\d{1,2}(?![.,]?\d)"
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    rf"|(?<!\d{SPACES})\d{{1,3}}(?:{SPACES}\d{{3}})+(?:,\d+)?(?!{SPACES}?\d)"
    r"|\d+,\d+|\d+\.\d+|\d+)(?![.,]?\d)"
)
GROUP_SPACES = re.compile(SPACES)


def parse_digits(token: str) -> Decimal:
    """`1.500` → 1500, `149.364,5` → 149364.5, `16,7` → 16.7, `1.5` → 1.5 (English decimal), `05` → 5,
    `1 500` → 1500, `1,000,000` → 1000000, `1,500.25` → 1500.25."""
    token = GROUP_SPACES.sub("", token)
    if "," in token and "." in token:
        if token.rfind(".") > token.rfind(","):  # "1,500.25": English, commas group thousands
            return Decimal(token.replace(",", ""))
        return Decimal(token.replace(".", "").replace(",", "."))
    if "," in token:
        groups = token.split(",")
        if len(groups) > 2 and all(len(g) == 3 for g in groups[1:]):  # "1,000,000"
            return Decimal("".join(groups))
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

    scales: dict[str, Decimal]  # spelled and digit scale words together
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
    decimal: frozenset[str]
    between: str  # "giữa": makes "A và B" a range
    word_scales: frozenset[str]  # scale words that may end a group of a spelled number before a comma


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The number grammar, compiled once."""
    lex = load_yaml("numeral", "lexicon.yaml")
    word_scales = {k: Decimal(v) for k, v in lex["scale"].items()}
    scales = {**word_scales, **{k: Decimal(v) for k, v in lex["digit_scale"].items()}}
    # a scale word ends before a letter-free boundary: "1tr5" has its scale; "120 tr.đ": "tr.đ" is one word
    scale_re = rf"(?:{alternation(list(scales))})(?![^\W\d_])(?!\.\w)"
    scale_seq = rf"{scale_re}(?:\s+{scale_re})*"
    ranges = alternation(lex["range_words"])
    half = alternation(lex["half"])
    decimal = alternation(lex["decimal_words"])
    number = rf"{NUMBER}(?:\s+(?:{decimal})\s+\d+(?![\d.,]))?"
    # "1 tỷ 200 triệu", then a last group without a scale ("1 nghìn 500") or "rưỡi" ("3 triệu rưỡi")
    # a three-digit last group always ("1 nghìn 500 suất"); a shorter one only before a currency word
    # or the clause's end ("1 triệu 2 đồng"): "2 triệu 15 hộ" is two figures, not 2 150 000 hộ
    money = alternation(list(load_yaml("money", "lexicon.yaml")["currency"]))
    tail = (
        rf"(?:\s+(?:{half})(?![\w])"
        rf"|\s+\d{{3}}(?![\d/%\w]|[.,]\d|\s*(?:{scale_re}|%))"
        rf"|\s+\d{{1,2}}(?=[ \t]?(?:{money})(?![\w])|[ \t]*(?:[;.)]|,\s|$))"
        rf"|(?<=[^\W\d_])\d{{1,3}}(?![\d/%\w]|[.,]\d))?"  # glued: "1tr5" = 1 500 000
    )
    amount = rf"{number}(?:\s*{scale_seq}(?:\s+{number}\s*{scale_seq})*{tail})?"
    number_re = quick(re.compile(
        rf"(?<![\w.,/])(?P<a>{amount})"
        rf"(?:\s*(?P<rsep>{ranges})\s*(?P<b>{amount}))?"
    ))
    words = [*lex["units"], *lex["ten"], *lex["tens"], *lex["hundred"], *lex["zero_tens"], *lex["half"]]
    word_re = alternation(words + list(word_scales) + lex["decimal_words"])
    first_re = alternation([*words, *word_scales, *(w.capitalize() for w in [*words, *word_scales])])
    after_scale = "|".join(f"(?<={re.escape(w)})" for w in word_scales)
    # "Mười ba tỷ, năm trăm linh ba triệu đồng": a comma may follow a scale word inside one amount
    gap = rf"(?:\s+|(?:{after_scale}),\s*)"
    spelled_re = quick(re.compile(rf"(?<![\w])(?:{first_re})(?:{gap}(?:{word_re}))*(?![\w])"))
    vague = {k: Decimal(v) for k, v in lex["vague"].items()}
    vague_words = alternation([*vague, *(v.capitalize() for v in vague)])
    vague_re = quick(re.compile(rf"(?<![\w])(?:{vague_words})(?![\w])"))
    return Grammar(
        scales=scales, units=dict(lex["units"]), scale_re=scale_re, number_re=number_re,
        spelled_re=spelled_re, vague=vague, vague_re=vague_re, range_re=ranges,
        ten=frozenset(lex["ten"]), tens=frozenset(lex["tens"]), hundred=frozenset(lex["hundred"]),
        zero_tens=frozenset(lex["zero_tens"]), half=frozenset(lex["half"]),
        decimal=frozenset(lex["decimal_words"]), between=str(lex["range_between"]),
        word_scales=frozenset(word_scales),
    )


@lru_cache(maxsize=1)
def _amount_parts() -> re.Pattern[str]:
    """One group of a digit amount: a number (spoken decimal allowed), its scale words, a "rưỡi"."""
    g = grammar()
    decimal = alternation(sorted(g.decimal))
    half = alternation(sorted(g.half))
    return re.compile(
        rf"(?P<n>{NUMBER})(?:\s+(?:{decimal})\s+(?P<d>\d+))?(?P<s>(?:\s*{g.scale_re})*)(?P<h>\s+(?:{half}))?"
    )


def parse_amount(text: str) -> Decimal:
    """A digit amount with scale words: `145,14 tỷ` → 145140000000, `1 tỷ 200 triệu` → 1200000000,
    `1 nghìn 500` → 1500 and `1 triệu 2` → 1200000 (a last group without a scale fills the one
    below), `3 triệu rưỡi` → 3500000, `2 phẩy 5 tỷ` → 2500000000."""
    g = grammar()
    total = Decimal(0)
    last_scale = Decimal(1)
    for m in _amount_parts().finditer(text):
        value = parse_digits(m.group("n"))
        if m.group("d"):
            value = parse_digits(f"{m.group('n')},{m.group('d')}")
        words = _scale_word().findall(m.group("s"))
        if not words and last_scale > 1 and total:
            total += value * last_scale / Decimal(10) ** len(m.group("n"))  # "1 nghìn 500", "1 triệu 2"
            continue
        scale = Decimal(1)
        for word in words:
            scale *= g.scales[word]
        total += value * scale
        if m.group("h"):
            total += scale / 2
        last_scale = scale
    return total


@lru_cache(maxsize=1)
def _negative_word_re() -> re.Pattern[str]:
    """"âm " right before a number (numeral/vi/lexicon.yaml negative_words)."""
    words = alternation(load_yaml("numeral", "lexicon.yaml")["negative_words"])
    return re.compile(rf"(?i)(?<![\w])(?:{words})\s+$")


def negative_before(text: str, start: int) -> int | None:
    """Where the minus of the number at start begins ("âm 2%", "(-2,5%)", "đạt -3%"), else None.

    A "-" opening a line is a bullet, one after a number or a word glued to it joins a range or a name."""
    if m := _negative_word_re().search(text, max(0, start - 6), start):
        return m.start()
    if start == 0 or text[start - 1] not in "-−":  # hyphen-minus or the minus sign
        return None
    before = text[: start - 1]
    line = before[before.rfind("\n") + 1 :]
    if not line.strip() or line[-1] not in " \t(:":
        return None
    if line.rstrip()[-1:].isdigit() or line.rstrip()[-1:] in "-–—":
        return None  # "20 -15": a range written loosely, not a minus
    return start - 1


def has_scale(text: str) -> bool:
    """Whether an amount carries a scale word ("10 triệu")."""
    return _scale_word().search(text) is not None


@lru_cache(maxsize=1)
def _scale_word() -> re.Pattern[str]:
    """A scale word ("triệu", "tỷ", "k"), compiled once: every amount asks several times."""
    return re.compile(grammar().scale_re)


def parse_spelled(text: str) -> Decimal | None:
    """`hai mươi mốt` → 21, `một trăm linh năm` → 105, `mười lăm` → 15, `hai triệu rưỡi` → 2500000,
    `mười ba tỷ, năm trăm linh ba triệu` → 13503000000, `hai phẩy năm` → 2.5; None when the words
    do not make one number ("một hai", "hai triệu, ba triệu")."""
    g = grammar()
    if "," in text:
        return _parse_comma_groups(text)
    words = text.lower().split()
    if any(w in g.decimal for w in words):
        return _parse_spoken_decimal(words)
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
        elif w in g.word_scales:
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


def _parse_comma_groups(text: str) -> Decimal | None:
    """Groups split by commas after scale words, each below the one before ("… tỷ, … triệu")."""
    g = grammar()
    total = Decimal(0)
    previous_scale: Decimal | None = None
    for part in text.split(","):
        words = part.lower().split()
        value = parse_spelled(part)
        if value is None or not words:
            return None
        scale = g.scales.get(words[-1], Decimal(1))
        if previous_scale is not None and scale >= previous_scale:
            return None  # "hai triệu, ba triệu": a list of two amounts, not one
        total += value
        previous_scale = scale
    return total


def _parse_spoken_decimal(words: list[str]) -> Decimal | None:
    """`hai phẩy năm` → 2.5, `ba phẩy hai lăm triệu` → 3250000: decimal digits, then a scale."""
    g = grammar()
    at = next(i for i, w in enumerate(words) if w in g.decimal)
    whole = parse_spelled(" ".join(words[:at]))
    rest = words[at + 1 :]
    scale = Decimal(1)
    while rest and rest[-1] in g.word_scales:
        scale *= g.scales[rest.pop()]
    if whole is None or not rest or any(w not in g.units for w in rest):
        return None
    return (whole + Decimal("0." + "".join(str(g.units[w]) for w in rest))) * scale
