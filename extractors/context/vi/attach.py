"""Context of each draft: approx, modality, indicator, subject, section and part_of, as Figures."""

from __future__ import annotations

import bisect
from decimal import Decimal, InvalidOperation
from pathlib import Path

from extractors.context.vi import rules as context
from extractors.context.vi.indicator import describe
from extractors.context.vi.links import link_parts
from extractors.scan import Scan
from pipeline.figure import Figure

CLAUSE_MARKS = ",;:("  # the clause of a figure begins after the last of these before it


def finish(s: Scan) -> list[Figure]:
    """Add approx, modality, indicator, subject, section and part_of; build the Figures."""
    s_text, document, drafts = s.text, s.document, s.drafts
    starts = s.sentence_starts
    zones = s.zones
    doc_name = Path(document.path).name
    cues, target_reference = context.cues(), context.plan_cues().target_reference_re
    figures: list[Figure] = []
    for n, d in enumerate(drafts):
        next_start = drafts[n + 1].start if n + 1 < len(drafts) else len(s_text)
        i = bisect.bisect_right(starts, d.start) - 1
        sent_start = starts[i]
        k = bisect.bisect_right(starts, max(d.start, d.end - 1))  # a wrapped quote may cross a line end
        sent_end = starts[k] if k < len(starts) else len(s_text)
        left = s_text[sent_start : d.start]
        semi = left.rfind(";")
        # "Phấn đấu …; …; …", "… đề ra chỉ tiêu: …; …": a target cue in the clause before the first ";"
        # makes every item of the list a target
        head = left[: left.find(";")] if ";" in left else ""
        opens_on_target = cues.target_re.search(head)
        scope = left[semi + 1 :] if semi >= 0 and not opens_on_target else left
        if semi >= 0 and cues.part_re.match(scope.lstrip()):
            # "ước đạt 285 tỷ; trong đó …": the breakdown shares its total's cue
            scope = left[left.rfind(";", 0, semi) + 1 :]
        clause_at = max(map(left.rfind, CLAUSE_MARKS)) + 1  # after the last clause mark, else 0
        approx = d.approx
        if approx == "exact" and (cue := context.approx_before(s_text, d.start)):
            approx = cue[0]
        elif approx == "exact" and (after := context.approx_after(s_text, d.end)):
            approx = after
        plan = zones.is_programme(d.start) or zones.is_governed(d.start)
        if plan and target_reference.match(s_text, d.start):
            plan = False  # "đạt 168% chỉ tiêu giao": the share of a target reached is a result
        mod = context.modality(scope, plan, left[clause_at:])
        if mod in ("actual", "estimate") and context.change_after(s_text, d.start, d.end):
            mod = "change"  # "ước tăng 5% so với cùng kỳ": the figure is the change
        elif mod == "change" and not cues.change_ref_re.search(s_text, sent_start, sent_end):
            mod = "target" if plan else "actual"
        block = document.block_at(d.start) if document.blocks else None
        if block is not None and block.cell is not None and block.cell.row_header:
            indicator, subject = block.cell.row_header, block.cell.col_header.split(" > ")[-1]
        elif d.indicator:
            indicator, subject = d.indicator, ""
        else:
            indicator = describe(
                s_text, d.kind, (d.start, d.end), d.noun_start, d.per, figures, sent_start, next_start,
            )
            subject = context.subject_before(s_text, sent_start, d.start)
        figures.append(Figure(
            doc=doc_name, quote=s_text[d.start : d.end], char_start=d.start, char_end=d.end,
            kind=d.kind, value=_plain(d.value), unit=d.unit, denominator=_plain(d.denominator), per=d.per,
            approx=approx, upper=_plain(d.upper), modality=mod, indicator=indicator, subject=subject,
            section=" > ".join(block.section) if block else "", rule=d.rule, confidence=d.confidence,
            sentence_start=sent_start, sentence_end=sent_end,
            page=block.page if block else None,
            table_cell=(block.cell.table, block.cell.row, block.cell.col) if block and block.cell else None,
        ))
    link_parts(s_text, figures, document.blocks)
    for f in figures:
        if f.part_of is not None and f.indicator in ("", f.subject):
            f.indicator = figures[f.part_of].indicator  # "(xã Nam Dong 214.383.000đ; …)": what the total is
    return figures


def _plain(value: Decimal | None) -> Decimal | None:
    """Decimal without trailing zeros or exponent ("145140000000.00" → 145140000000)."""
    if value is None:
        return None
    v = value.normalize()
    if v != v.to_integral():
        return v
    try:
        return v.quantize(Decimal(1))
    except InvalidOperation:  # more digits than any context holds: keep the exponent form
        return v
