"""Non-figure rules: spans of the text where digits name, date or number something."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.data import alternation, load_yaml


@lru_cache(maxsize=1)
def compiled_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(rule name, regex) for every entry of nonfigure/vi/patterns.yaml."""
    data = load_yaml("nonfigure", "patterns.yaml")
    labels = alternation(data["labels"])
    return tuple(
        (p["name"], re.compile(p["regex"].replace("{LABEL}", labels))) for p in data["patterns"]
    )


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


DIGIT_RUNS = re.compile(r"\d+(?:[\s.,/:–-]{1,3}\d+)*")
WINDOW = 48  # characters of context a non-figure rule may need on each side of the digits


def digit_windows(text: str) -> list[tuple[int, int]]:
    """Merged windows around every run of digits: no non-figure rule can match elsewhere."""
    windows: list[tuple[int, int]] = []
    for m in DIGIT_RUNS.finditer(text):
        start, end = max(0, m.start() - WINDOW), min(len(text), m.end() + WINDOW)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def blocked_spans(text: str) -> Blocked:
    """Every span that a non-figure rule claims, merged into disjoint sorted spans."""
    spans = []
    windows = digit_windows(text)
    for name, regex in compiled_patterns():
        for start, end in windows:
            spans.extend(
                (m.start(), m.end(), name) for m in regex.finditer(text, start, end) if m.end() > m.start()
            )
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
