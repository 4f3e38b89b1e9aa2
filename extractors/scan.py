"""One document being read: its text, sentence bounds, non-figure spans and the figure drafts so far."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.context.vi.zones import Zones
from extractors.nonfigure.vi.rules import Blocked
from pipeline.document import Document
from pipeline.prefix_scan import quick

MAX_SENTENCE_CHARS = 2000  # the longest sentence of the seeds and held-out texts is 1,198 characters
SENTENCE_END = quick(re.compile(r"\n|[.!?…](?=\s+[^\s\w]|\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ]|\s*$)"))


@dataclass(slots=True)
class Draft:
    """A figure before context is added: span, kind, value and the rule that found it."""

    start: int
    end: int
    kind: str
    value: Decimal
    unit: str
    rule: str
    confidence: float
    denominator: Decimal | None = None
    per: str = ""
    approx: str = "exact"
    upper: Decimal | None = None
    noun_start: int | None = None  # where the counted noun begins (counts and ratios)
    indicator: str = ""  # set when the reading itself knows it (a flattened table's row label)


@dataclass(slots=True)
class Scan:
    """One document being read: its text, sentence bounds and non-figure spans."""

    document: Document
    text: str
    blocked: Blocked  # never a figure
    weak: Blocked  # not a figure unless a unit or counted noun follows (a bare "2020")
    sentence_starts: list[int]
    zones: Zones
    drafts: list[Draft] = field(default_factory=list)

    def sentence(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding offset."""
        i = bisect.bisect_right(self.sentence_starts, offset) - 1
        start = self.sentence_starts[i]
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return start, end


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences begin (line breaks and full stops before a capital or a bullet);
    a "sentence" longer than MAX_SENTENCE_CHARS is cut at its last space before the limit, so the
    rules that look back to a sentence's start cost linear time on any text."""
    starts = [0]
    for m in SENTENCE_END.finditer(text):
        starts.append(m.end())
    starts.append(len(text))
    bounded = []
    for start, end in itertools.pairwise(starts):
        bounded.append(start)
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            start = cut + 1 if cut >= 0 else start + MAX_SENTENCE_CHARS
            bounded.append(start)
    return sorted(set(bounded) - {len(text)} | {0})


def same_block(document: Document, a: int, b: int) -> bool:
    """Whether two offsets sit in the same block (a table cell's number never reads the next cell)."""
    if not document.blocks:
        return True
    first, second = document.block_at(a), document.block_at(b)
    if first is second:
        return True
    # a hard-wrapped paragraph line may split "639\nlao động"; cells, headings and footnotes may not
    prose = ("paragraph", "list_item")
    return first is not None and second is not None and first.kind in prose and second.kind in prose
