"""Ranges written with the unit on both ends: "từ 1.000 đồng đến 2.000 đồng", "giữa 10 hộ và 15 hộ"."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.data import alternation, load_yaml
from extractors.scan import Draft, Scan


@lru_cache(maxsize=1)
def _joiners() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a range word between two figures, "và" between them, "giữa" before the first, a change verb
    before the first: "tăng từ 10% đến 15%" goes from one level to another, it is no range)."""
    lex = load_yaml("numeral", "lexicon.yaml")
    words = [w for w in lex["range_words"] if w != "và"]
    verbs = alternation(load_yaml("context", "cues.yaml")["modality"]["change_verbs"])
    openers = alternation(lex["range_openers"])
    return (
        re.compile(rf"\s*(?:{alternation(words)})\s*$"),
        re.compile(r"\s+và\s+$"),
        re.compile(rf"(?i)(?<![\w]){re.escape(lex['range_between'])}\s+$"),
        re.compile(rf"(?i)(?<![\w])(?:{verbs})\s+(?:(?:{openers})\s+)?$"),
    )


def join_ranges(s: Scan) -> None:
    """Two figures of one kind and unit joined by a range word become one range figure
    (otherwise consolidation would add the lower and the upper end together)."""
    range_word, and_word, between, change = _joiners()
    out: list[Draft] = []
    for d in s.drafts:
        prev = out[-1] if out else None
        moved = prev is not None and change.search(s.text, max(0, prev.start - 20), prev.start)
        if prev is not None and _joinable(prev, d) and not moved:
            gap = s.text[prev.end : d.start]
            opened = between.search(s.text, max(0, prev.start - 8), prev.start)
            if range_word.fullmatch(gap) or (and_word.fullmatch(gap) and opened):
                prev.end, prev.upper, prev.approx = d.end, d.value, "range"
                prev.noun_start = d.noun_start if d.noun_start is not None else prev.noun_start
                prev.rule = f"{prev.rule}+range"
                continue
        out.append(d)
    s.drafts[:] = out


def _joinable(a: Draft, b: Draft) -> bool:
    """Same kind, same unit, neither already a range, the second larger."""
    return (
        a.kind == b.kind and a.unit == b.unit and a.per == b.per and a.approx == b.approx == "exact"
        and a.kind in ("money", "count", "quantity", "percent", "rate") and b.value > a.value
    )
