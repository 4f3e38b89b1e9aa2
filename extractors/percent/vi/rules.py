"""Percent: an amount followed by "%" or "phần trăm"."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.data import alternation, load_yaml


@lru_cache(maxsize=1)
def sign_re() -> re.Pattern[str]:
    """The percent signs of percent/vi/lexicon.yaml as one regex."""
    return re.compile(rf"[ \t]?(?:{alternation(load_yaml('percent', 'lexicon.yaml')['signs'])})")


def percent_after(text: str, pos: int) -> int | None:
    """End of the percent sign following the amount ending at pos."""
    m = sign_re().match(text, pos)
    return m.end() if m else None


@lru_cache(maxsize=1)
def table_header_units() -> frozenset[str]:
    """Units in a table header that make its cells percentages ("%", "tỷ lệ (%)")."""
    return frozenset(u.lower() for u in load_yaml("percent", "lexicon.yaml")["table_header_units"])
