"""part_of: which total each figure is a part of, so consolidation never adds a total to its parts."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import cache, lru_cache

from extractors.context.vi import rules as context
from extractors.data import alternation, load_yaml
from pipeline.document import Block
from pipeline.figure import Figure


def link_parts(text: str, figures: list[Figure], blocks: list[Block]) -> None:
    """part_of: parenthesised lists after a total, "Trong đó …" breakdowns, a table row's total column."""
    ends = [f.char_end for f in figures]
    named = cache(lambda: named_places(text))
    for i, total in enumerate(figures):
        m = re.compile(r"\s*\(").match(text, total.char_end)
        if not m or context.cues().comparison_bracket_re.match(text, m.end()):
            continue  # "(cùng kỳ năm 2023: …)" compares with another time: no part of this total
        close = text.find(")", m.end(), m.end() + 600)
        if close < 0:
            continue
        labelled: list[tuple[Figure, str]] = []
        for j in range(i + 1, len(figures)):
            f = figures[j]
            if f.char_start >= close:
                break
            if f.part_of is None and can_be_part(f, total):
                f.part_of = i
                label = LIST_LABEL.search(text, m.end() - 1, f.char_start)
                name = label.group("name").strip() if label else ""
                if name:
                    labelled.append((f, name))
        # one place among the labels makes the list a list of places ("xã Nam Dong …; Đak Rông …")
        places = any(is_place_label(name, named) for _, name in labelled)
        for f, name in labelled:
            if not name[:1].isupper():
                continue  # "xã Nam Dong …": the sentence's own subject rule already names it
            if places:
                f.subject = name
            else:
                f.indicator = name  # "(Trâu 1.200 con; Bò 3.500 con)": what the part counts
    for cue_start, cue_end in context.part_cue_spans(text):
        k = bisect.bisect_right(ends, cue_start) - 1
        if k < 0:
            continue
        scope_end = _breakdown_end(text, cue_end)
        # the total stands on the cue's own line ("Đợt 1: 715 hồ sơ, … 722.200.000 đồng. Trong đó:");
        # a cue line with no figure ("…, cụ thể:") opens a breakdown without a stated total
        if "\n" in text[figures[k].char_end : cue_start]:
            continue
        candidates = []  # totals on the cue's line, nearest first
        for t in range(k, max(-1, k - 6), -1):
            if "\n" in text[figures[t].char_end : cue_start]:
                break
            candidates.append(t)
        for j in range(k + 1, len(figures)):
            f = figures[j]
            if f.char_start >= scope_end:
                break
            if f.part_of is None and f.char_start > cue_start:
                f.part_of = breakdown_total(f, figures, candidates)
    _table_totals(figures, blocks)


SUMMABLE_KINDS = ("money", "count", "quantity")  # a percent or a ratio is never a sum of parts


def can_be_part(part: Figure, total: Figure) -> bool:
    """Parts add up to their total: same summable kind, and a unit that names the same thing."""
    return part.kind == total.kind and part.kind in SUMMABLE_KINDS and same_unit_head(part.unit, total.unit)


def same_unit_head(a: str, b: str) -> bool:
    """`hộ` / `hộ nghèo` name the same thing; `lượt` / `vụ` do not."""
    wa, wb = a.lower().split(), b.lower().split()
    return wa[:1] == wb[:1]


def breakdown_total(part: Figure, figures: list[Figure], candidates: list[int]) -> int | None:
    """The total a "trong đó" part belongs to: the nearest with the same unit, else the nearest of
    its kind (counting a part as its own figure too would double-count it in consolidation)."""
    if part.kind not in SUMMABLE_KINDS:
        return None
    same_kind = [t for t in candidates if figures[t].kind == part.kind]
    same_unit = [t for t in same_kind if same_unit_head(part.unit, figures[t].unit)]
    return (same_unit or same_kind or [None])[0]


def _breakdown_end(text: str, cue_end: int) -> int:
    """Where a breakdown opened at cue_end stops: the sentence end, or the end of the bullet list."""
    line_end = text.find("\n", cue_end)
    line_end = len(text) if line_end < 0 else line_end
    if text[cue_end:line_end].strip(" :") == "":
        pos = line_end + 1
        while pos < len(text) and text[pos : pos + 2].lstrip()[:1] in ("-", "+", "•"):
            nxt = text.find("\n", pos)
            pos = len(text) if nxt < 0 else nxt + 1
        return pos
    m = re.compile(r"[.!?](?:\s|$)|\n").search(text, cue_end)
    return m.start() if m else len(text)


NAME = re.compile(r"[A-ZĐÂĂÊÔƠƯ][\w’']*(?:[ -][A-ZĐÂĂÊÔƠƯ][\w’']*)*")


def is_place_label(label: str, named: Callable[[], frozenset[str]]) -> bool:
    """A list label is a subject when it names a place or body: "xã Nam Dong", or "Nam Dong" when the
    document names it after a place word somewhere (`named`: "các xã Nam Dong, Ea Pô"); never "Bò"."""
    if context.cues().subject_re.fullmatch(label):
        return True
    return label[:1].isupper() and label in named()


@lru_cache(maxsize=1)
def _place_names_re() -> re.Pattern[str]:
    """A place word and the names after it, joined by commas or "và" (context/vi/cues.yaml)."""
    c = load_yaml("context", "cues.yaml")
    joiners = alternation(c["subject_name_joiners"])
    return re.compile(
        rf"(?<![\w])(?i:{alternation(c['subject_places'])})\s+(?P<names>{NAME.pattern}(?:(?:{joiners}){NAME.pattern})*)"
    )


def named_places(text: str) -> frozenset[str]:
    """Every capitalised name the document introduces after a place word."""
    found = _place_names_re().finditer(text)
    return frozenset(n.group() for m in found for n in NAME.finditer(m.group("names")))


LIST_LABEL = re.compile(r"(?:^|[;(])\s*(?P<name>[^;()\d]{2,60}?)\s*$")


def _table_totals(figures: list[Figure], blocks: list[Block]) -> None:
    """In a table row, cells under a "Tổng"/"Cộng" column are the total of the row's other cells."""
    if not blocks:
        return
    by_row: dict[tuple[int, int], list[int]] = {}
    for i, f in enumerate(figures):
        if f.table_cell:
            by_row.setdefault(f.table_cell[:2], []).append(i)
    headers = {(b.cell.table, b.cell.col): b.cell.col_header for b in blocks if b.cell}
    for (table, _row), idx in by_row.items():
        total_re = context.cues().table_total_re
        totals = [i for i in idx if total_re.search(headers.get((table, figures[i].table_cell[2]), ""))]
        if len(totals) != 1:
            continue
        for i in idx:
            if i != totals[0] and figures[i].kind == figures[totals[0]].kind and figures[i].part_of is None:
                figures[i].part_of = totals[0]
