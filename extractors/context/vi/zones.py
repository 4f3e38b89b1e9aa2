"""Where a document is a plan: its title, plan parts and sections, and "Theo Kế hoạch, …" sentences.

A figure in a plan zone is a target unless its sentence reports a result (context/vi/rules.modality).
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.context.vi.rules import BULLET_LINE, cues, plan_cues
from extractors.data import alternation, load_yaml
from pipeline.prefix_scan import quick

SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
FOOTNOTE_LINE = re.compile(rf"(?m)^[ \t]*([{SUPERSCRIPT}]+)[^\n]*")


@dataclass(slots=True)
class Zones:
    """Parts of a document and whether each is a programme (plan) rather than results."""

    starts: list[int]
    programme: list[bool]
    footnotes: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, reference offset)
    governed: list[tuple[int, int]] = field(default_factory=list)  # "Theo Kế hoạch, …" and its list

    def is_programme(self, offset: int) -> bool:
        """Whether offset lies in a plan part; a footnote belongs where its marker is referenced."""
        # the footnote lines are disjoint and in text order: only the last starting at or before
        # offset may hold it
        f = bisect.bisect_right(self.footnotes, (offset, sys.maxsize, sys.maxsize)) - 1
        if f >= 0 and offset < self.footnotes[f][1]:
            offset = self.footnotes[f][2]
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and self.programme[i]

    def is_governed(self, offset: int) -> bool:
        """Whether offset lies in a sentence opened by "Theo Kế hoạch" or in the list it opens."""
        return any(start <= offset < end for start, end in self.governed)


@lru_cache(maxsize=1)
def top_heading_re() -> re.Pattern[str]:
    """A Roman-numbered line ("II.") or a part line ("Phần thứ hai"), words from cues.yaml."""
    c = load_yaml("context", "cues.yaml")
    part, ordinal = alternation(c["part_heading_words"]), re.escape(c["ordinal_marker"])
    return re.compile(rf"[IVX]+\s*[.\-/)]|(?i:{part})\s+(?:{ordinal}\s+)?\w+\s*(?:[:.\-–]|$)")


def _is_top_heading(line: str) -> bool:
    """An all-capitals line or a Roman-numbered line: a top-level heading."""
    s = line.strip(" \t*")
    return bool(top_heading_re().match(s)) or (len(s) >= 6 and s.isupper())


SUB_HEADING = re.compile(r"[ \t]*(?:(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*[.)]|(?P<letter>[a-zđ])\))\s*\S")
OPENS_SENTENCE = re.compile(r"(?:^|\n)[ \t\-+•*]*$|[.!?;]\s+$")  # what may stand before an opener
TITLE_LINES = 15  # a plan's title ("KẾ HOẠCH …") stands in the first lines


def _sub_level(m: re.Match[str]) -> int:
    """"2." → 1, "2.1." → 2, "a)" → 3: how deep a numbered sub-heading sits."""
    return m.group("num").count(".") + 1 if m.group("num") else 3


@lru_cache(maxsize=64)
def reference_re(marker: str) -> re.Pattern[str]:
    """Where a footnote marker ("¹") is referenced: not inside a longer run of superscript digits;
    searched only at the marker's own character (prefix_scan), not at every character of the report."""
    return quick(re.compile(rf"(?<![{SUPERSCRIPT}]){marker}(?![{SUPERSCRIPT}])"))


def programme_zones(text: str) -> Zones:
    """Where the plan parts of a report begin and end: a plan document ("KẾ HOẠCH …"), a plan part
    ("I. ĐỊNH HƯỚNG …", "Phần thứ hai …"), a plan section ("2. Các chỉ tiêu chủ yếu")."""
    c, p = cues(), plan_cues()
    starts: list[int] = []
    flags: list[bool] = []
    plan_document = False
    top_flag = False
    section_level: int | None = None  # level of the open plan section, if any
    pos = 0
    for n, line in enumerate(text.split("\n")):
        stripped = line.strip(" \t*")
        if n < TITLE_LINES and not starts and p.title_re.match(stripped):
            plan_document = True
        if n == 0 and len(line) < 200 and p.headline_re.search(line):
            plan_document = top_flag = True  # "Tỉnh giao chỉ tiêu kế hoạch …": a headline announcing targets
            starts.append(pos)
            flags.append(True)
        if len(line) < 200 and _is_top_heading(line):
            if c.results_re.search(line):
                top_flag = False
            else:
                top_flag = bool(c.programme_re.search(line)) or plan_document
            starts.append(pos)
            flags.append(top_flag)
            section_level = None
        elif len(line) < 120 and (sub := SUB_HEADING.match(line)):
            level = _sub_level(sub)
            if section_level is not None and level <= section_level:
                starts.append(pos)
                flags.append(top_flag)
                section_level = None
            if p.section_re.search(line) and not c.results_re.search(line):
                starts.append(pos)
                flags.append(True)
                section_level = level
        pos += len(line) + 1
    footnotes = []
    for m in FOOTNOTE_LINE.finditer(text):
        marker = m.group(1)
        ref = reference_re(marker).search(text)
        if ref and ref.start() != m.start(1):
            footnotes.append((m.start(), m.end(), ref.start()))
    return Zones(starts, flags, footnotes, governed_spans(text))


def governed_spans(text: str) -> list[tuple[int, int]]:
    """"Theo Kế hoạch, …" to the next heading: a paragraph opening on it sets out the plan, and the
    paragraphs after it ("Trong đó, …") detail the same plan (a sentence reporting a result is still
    actual, context/vi/rules.modality)."""
    spans = []
    for m in plan_cues().opener_re.finditer(text):
        if not OPENS_SENTENCE.search(text, max(0, m.start() - 8), m.start()):
            continue  # "… được giao theo kế hoạch": not at a sentence start
        line_start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if text[line_start : m.start()].strip(" \t-+•*"):  # inside a paragraph: that paragraph and its list
            if text[m.end() : end].rstrip().endswith(":"):
                while end < len(text) and BULLET_LINE.match(text, end + 1):
                    nxt = text.find("\n", end + 1)
                    end = len(text) if nxt < 0 else nxt
            spans.append((m.start(), end))
            continue
        while end < len(text):
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            line = text[end + 1 : nxt]
            if line.strip() and (_is_top_heading(line) or SUB_HEADING.match(line)):
                break
            end = nxt
        spans.append((m.start(), end))
    return spans
