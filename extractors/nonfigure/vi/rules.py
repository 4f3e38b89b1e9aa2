"""Non-figure rules: spans of the text where digits name, date or number something."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.data import alternation, load_yaml
from pipeline.prefix_scan import quick, spans_in


@dataclass(frozen=True, slots=True)
class Pattern:
    """One entry of patterns.yaml: its name, regex, and whether a following unit or noun overrides it."""

    name: str
    regex: re.Pattern[str]
    unless_counted: bool


@lru_cache(maxsize=1)
def compiled_patterns() -> tuple[Pattern, ...]:
    """Every entry of nonfigure/vi/patterns.yaml, compiled (to search only where a match can start)."""
    data = load_yaml("nonfigure", "patterns.yaml")
    labels = alternation(data["labels"])
    out = []
    for p in data["patterns"]:
        regex = quick(re.compile(p["regex"].replace("{LABEL}", labels)))
        out.append(Pattern(p["name"], regex, bool(p.get("unless_counted"))))
    return tuple(out)


@dataclass(slots=True)
class Blocked:
    """The non-figure spans of one text, sorted, with an overlap test."""

    starts: list[int]
    ends: list[int]
    rules: list[str]

    def hit(self, start: int, end: int) -> str | None:
        """The rule name of a non-figure span overlapping [start, end), if any."""
        i = bisect.bisect_left(self.ends, start + 1)
        # spans are merged, so ends are sorted too; check the first span ending after start
        if i < len(self.starts) and self.starts[i] < end:
            return self.rules[i]
        return None


WINDOW = 48  # characters of context a non-figure rule may need on each side of the digits
# digits no more than two windows apart: their windows overlap or touch, so they share one window
DIGIT_GROUPS = re.compile(rf"\d(?:\D{{0,{2 * WINDOW}}}\d)*")


def digit_windows(text: str) -> list[tuple[int, int]]:
    """Merged windows around every run of digits: no non-figure rule can match elsewhere."""
    n = len(text)
    return [(max(0, m.start() - WINDOW), min(n, m.end() + WINDOW)) for m in DIGIT_GROUPS.finditer(text)]


@dataclass(slots=True)
class NonFigures:
    """Spans that are never figures (hard) and spans that are not, unless a unit or noun follows (weak)."""

    hard: Blocked
    weak: Blocked


def blocked_spans(text: str) -> NonFigures:
    """Every span that a non-figure rule claims, merged into disjoint sorted spans per strength."""
    found: dict[bool, list[tuple[int, int, str]]] = {False: [], True: []}
    windows = digit_windows(text)
    for pattern in compiled_patterns():
        name = pattern.name
        found[pattern.unless_counted].extend(
            (start, end, name) for start, end in spans_in(pattern.regex, text, windows) if end > start
        )
    return NonFigures(hard=_merged(found[False]), weak=_merged(found[True]))


def _merged(spans: list[tuple[int, int, str]]) -> Blocked:
    """Overlapping spans merged into one, keeping the first rule's name."""
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []
    rules: list[str] = []
    for s, e, name in spans:
        if starts and s < ends[-1]:
            ends[-1] = max(ends[-1], e)
            continue
        starts.append(s)
        ends.append(e)
        rules.append(name)
    return Blocked(starts, ends, rules)
