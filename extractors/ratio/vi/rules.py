"""Ratios "a of b": `04/7 xã`, `95/95 đơn`, `(15/19)` after a count; never a date."""

from __future__ import annotations

import re
from decimal import Decimal

from extractors.numeral.vi.rules import NUMBER

SLASH = re.compile(rf"[ \t]?/[ \t]?(?P<b>{NUMBER})(?![\d/])")


def slash_after(text: str, pos: int) -> re.Match[str] | None:
    """The "/b" part right after a numerator ending at pos."""
    return SLASH.match(text, pos)


def could_be_date(a: Decimal, b: Decimal) -> bool:
    """Whether a/b reads as day/month ("3/3", "04/7")."""
    return a == int(a) and b == int(b) and 1 <= a <= 31 and 1 <= b <= 12


def plausible(a: Decimal, b: Decimal) -> bool:
    """A share of a whole: 0 ≤ a ≤ b, b > 0."""
    return 0 <= a <= b and b > 0
