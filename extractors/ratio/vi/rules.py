"""Ratios "a of b": `04/7 xã`, `95/95 đơn`, `(15/19)` after a count; never a date."""

from __future__ import annotations

import re
from decimal import Decimal

from extractors.count.vi.rules import noun_after
from extractors.numeral.vi.rules import NUMBER, parse_digits
from extractors.scan import Draft, Scan, same_block

SLASH = re.compile(rf"[ \t]?/[ \t]?(?P<b>{NUMBER})(?![\d/])")


def slash_after(text: str, pos: int) -> re.Match[str] | None:
    """The "/b" part right after a numerator ending at pos."""
    return SLASH.match(text, pos)


def could_be_date(a: Decimal, b: Decimal) -> bool:
    """Whether a/b reads as day/month ("3/3", "04/7")."""
    return a == int(a) and b == int(b) and 1 <= a <= 31 and 1 <= b <= 12


def plausible(a: Decimal, b: Decimal) -> bool:
    """A count against another: a ≥ 0, b > 0; a may exceed b ("971/876 hộ": achieved over planned)."""
    return a >= 0 and b > 0


def read_ratio(s: Scan, a_start: int, a: Decimal, slash: re.Match[str]) -> None:
    """`04/7 xã` with its noun; bare `(15/19)` only when it cannot be a date and a count precedes."""
    text = s.text
    b = parse_digits(slash.group("b"))
    if s.blocked.hit(*slash.span("b")) or not plausible(a, b):
        return
    noun = noun_after(text, slash.end())
    if noun and not same_block(s.document, a_start, noun.start):
        noun = None
    if noun and not noun.known and could_be_date(a, b):
        return  # "dịp 2/9 hằng năm": a date before an ordinary word
    if noun and not s.blocked.hit(noun.start, noun.end):
        s.drafts.append(Draft(
            a_start, noun.end, "ratio", a, noun.unit, "ratio.of_noun", 0.9 if noun.known else 0.75,
            denominator=b, noun_start=noun.start,
        ))
        return
    if could_be_date(a, b):
        return
    sent_start, _ = s.sentence(a_start)
    before = [d for d in s.drafts if d.kind in ("count", "ratio") and sent_start <= d.start < a_start]
    if before:
        s.drafts.append(Draft(
            a_start, slash.end(), "ratio", a, before[-1].unit, "ratio.bare_after_count", 0.7, denominator=b,
        ))
