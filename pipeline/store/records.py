"""Turning a Document and its Figures into rows, and rows back into the dicts the interface promises."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from pipeline.document import Document, DocumentMetadata, Period
from pipeline.figure import Figure, decimal_text
from pipeline.metadata import document_kind
from pipeline.periods import PeriodValue, own_period, parse_period

SENTENCE_MAX_CHARS = 2000  # a block with no sentence bounds can be a whole page; keep the row readable

# Fields an officer may correct on the review page; the rest say where the figure came from.
EDITABLE_FIELDS = (
    "kind",
    "value",
    "denominator",
    "unit",
    "per",
    "approx",
    "upper",
    "modality",
    "indicator",
    "subject",
    "indicator_code",
    "part_of",
    "role",
)
DECIMAL_FIELDS = ("value", "denominator", "upper")


def report_stem(path: str) -> str:
    """The file name without folder or extension, case- and Unicode-form-folded, to spot re-submissions."""
    stem = PurePath(path.replace("\\", "/")).stem
    return unicodedata.normalize("NFC", stem).strip().lower()


def text_similarity(first: str, second: str) -> float:
    """Jaccard overlap of word trigrams: near 1 for a corrected copy or another format, low otherwise."""

    def trigrams(text: str) -> set[tuple[str, ...]]:
        words = unicodedata.normalize("NFC", text).lower().split()
        return set(zip(words, words[1:], words[2:], strict=False))

    a, b = trigrams(first), trigrams(second)
    return len(a & b) / len(a | b) if a or b else 1.0


def document_columns(meta: DocumentMetadata) -> dict[str, Any]:
    """The documents-row columns that say who reported, for which period, and what kind of report."""
    return {
        "issuer": meta.issuer,
        "level": meta.level,
        "period": "; ".join(p.period for p in meta.periods),
        "doc_type": meta.doc_type,
        "metadata": meta.to_record(),
        "unit_code": meta.unit_code,
        "unit_name": meta.unit_name,
        "period_key": "; ".join(p.key for p in meta.periods),
        "doc_kind": document_kind(meta.doc_type),
        "doc_date": meta.date,
    }


def figure_period(section: str, periods: list[Period]) -> Period | None:
    """The period governing `section`: the longest matching section prefix, else the global one."""
    best: Period | None = None
    for period in periods:
        governs = period.section and (section == period.section or section.startswith(period.section + " >"))
        if governs and (best is None or len(period.section) > len(best.section)):
            best = period
    if best:
        return best
    general = [p for p in periods if not p.section]
    if general:
        return general[0]
    return periods[0] if len(periods) == 1 else None


def sentence_text(document: Document, figure: Figure) -> str:
    """The sentence a figure was read from, or its block when the extractor gave no sentence bounds."""
    if figure.sentence_start is not None and figure.sentence_end is not None:
        start, end = figure.sentence_start, figure.sentence_end
    else:
        block = document.block_at(figure.char_start)
        if block is not None:
            start, end = block.start, block.end
        else:
            start = document.text.rfind("\n", 0, figure.char_start) + 1
            end = document.text.find("\n", figure.char_end)
            end = len(document.text) if end < 0 else end
    text = document.text[start:end].strip()
    if len(text) > SENTENCE_MAX_CHARS:
        centre = max(0, figure.char_start - start - SENTENCE_MAX_CHARS // 2)
        text = "…" + text[centre : centre + SENTENCE_MAX_CHARS] + "…"
    return text


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Decimals as plain text so audit JSON keeps every digit."""
    return {k: decimal_text(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def as_decimal(value: Any) -> Decimal | None:
    """Accepts what a reviewer types ("1500000", 1500000, Decimal) and rejects anything not a number."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value).strip())


def period_context(document: Document, periods: list[Period]) -> tuple[PeriodValue | None, int | None]:
    """The document's own results period as a value, and the year a phrase without one takes: the
    same for every figure of the document, so worked out once."""
    if not periods:
        return None, None
    main = next((p for p in periods if p.role == "results" and p.start), None)
    year = document.metadata.date_year or (int(periods[0].start[:4]) if periods[0].start else None)
    return (parse_period(main.period, year) if main else None), year


def sentence_period(
    document: Document,
    figure: Figure,
    periods: list[Period],
    context: tuple[PeriodValue | None, int | None] | None = None,
) -> Period | None:
    """The period a figure's own words name when it is not the document's ("Năm 2024, tỷ lệ … đạt
    92%" in a 2025 report; "(cùng kỳ năm 2025: 201.000.000 đồng)"; "6 tháng cuối năm phấn đấu …").
    `context` is `period_context(document, periods)` when the caller has it already."""
    if figure.sentence_start is None or not periods:
        return None
    document_value, year = context if context is not None else period_context(document, periods)
    value = own_period(document.text[figure.sentence_start : figure.char_start], document_value, year)
    if value is None or any(p.key == value.key for p in periods):
        return None
    role = "programme" if value.start.isoformat() > (document.metadata.date or "9999") else "results"
    start, end = value.start.isoformat(), value.end.isoformat()
    return Period(value.label, role, "", start, end, value.kind, value.regular)


def figure_row(
    document: Document,
    document_id: int,
    figure: Figure,
    seq: int,
    ids: list[str],
    mapping: tuple,
    context: tuple[PeriodValue | None, int | None] | None = None,
) -> dict[str, Any]:
    """One figures row: FIGURES.md fields, provenance, period, indicator code and the untouched original
    (`context`: the document's `period_context`, worked out once for all its figures)."""
    section = figure.section or " > ".join(document.section_at(figure.char_start))
    period = sentence_period(document, figure, document.metadata.periods, context) or figure_period(
        section, document.metadata.periods
    )
    part_of = ids[figure.part_of] if figure.part_of is not None and 0 <= figure.part_of < len(ids) else None
    original = figure.to_record()
    original["part_of"] = part_of
    return {
        "figure_id": ids[seq],
        "document_id": document_id,
        "seq": seq,
        "quote": figure.quote,
        "char_start": figure.char_start,
        "char_end": figure.char_end,
        "kind": figure.kind,
        "value": figure.value,
        "denominator": figure.denominator,
        "unit": figure.unit or "",
        "per": figure.per or "",
        "approx": figure.approx,
        "upper": figure.upper,
        "modality": figure.modality,
        "indicator": figure.indicator or "",
        "subject": figure.subject or "",
        "section": section,
        "rule": figure.rule or "",
        "confidence": float(figure.confidence),
        "part_of": part_of,
        "sentence": sentence_text(document, figure),
        "sentence_start": figure.sentence_start,
        "sentence_end": figure.sentence_end,
        "page": figure.page,
        "table_cell": list(figure.table_cell) if figure.table_cell else None,
        "period": period.period if period else "",
        "period_role": period.role if period else "",
        "indicator_code": mapping[0],
        "indicator_score": float(mapping[1]),
        "role": mapping[2] if len(mapping) > 2 else "",
        "indicator_candidates": mapping[3] if len(mapping) > 3 else "",
        "review_status": "unreviewed",
        "original": original,
    }
