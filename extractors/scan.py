"""One document being read: its text, sentence bounds, non-figure spans and the figure drafts so far."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.context.vi.zones import Zones
from extractors.nonfigure.vi.rules import Blocked
from pipeline.document import Document

SENTENCE_END = re.compile(r"\n|[.!?…](?=\s+[^\s\w]|\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ]|\s*$)")


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
    """Offsets where sentences begin (line breaks and full stops before a capital or a bullet)."""
    starts = [0]
    for m in SENTENCE_END.finditer(text):
        starts.append(m.end())
    return sorted(set(starts))


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
