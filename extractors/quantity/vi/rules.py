"""Quantities: an amount followed by a physical unit ("8,2 tấn", "3.510kg", "149.364,5 ha")."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.data import alternation, load_yaml


@lru_cache(maxsize=1)
def units() -> tuple[re.Pattern[str], dict[str, str]]:
    """The unit regex and the written-form → stored-unit map of quantity/vi/lexicon.yaml."""
    table = dict(load_yaml("quantity", "lexicon.yaml")["units"])
    return re.compile(rf"[ \t]?(?P<u>{alternation(list(table))})(?![\w²³])"), table


def unit_after(text: str, pos: int) -> tuple[str, int] | None:
    """(unit, end) when a physical unit follows the amount ending at pos."""
    regex, table = units()
    m = regex.match(text, pos)
    if not m:
        return None
    return table[m.group("u")], m.end()
