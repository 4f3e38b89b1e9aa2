"""A figure as ../shared/FIGURES.md defines it, plus where it came from and which rule found it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["money", "count", "percent", "ratio", "quantity", "rate"]
Approx = Literal["exact", "over", "under", "about", "range"]
Modality = Literal["actual", "target", "estimate", "change"]

# The column order of `tonghop extract` and figures.csv: FIGURES.md's fields, then provenance.
FIGURE_FIELDS = (
    "doc", "quote", "char_start", "char_end", "kind", "value", "denominator", "unit", "per",
    "approx", "upper", "modality", "indicator", "subject", "section", "rule", "confidence",
    "part_of",
)


def decimal_text(value: Decimal | None) -> str:
    """A plain decimal string, never scientific notation and never locale-formatted."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@dataclass(slots=True)
class Figure:
    doc: str
    quote: str
    char_start: int
    char_end: int
    kind: Kind
    value: Decimal
    unit: str = ""
    denominator: Decimal | None = None
    per: str = ""
    approx: Approx = "exact"
    upper: Decimal | None = None
    modality: Modality = "actual"
    indicator: str = ""
    subject: str = ""
    section: str = ""  # heading path joined with " > "
    rule: str = ""  # name of the rule that produced it
    confidence: float = 1.0
    part_of: int | None = None  # index, within the document's figures, of the total it is part of
    # provenance beyond FIGURES.md: the sentence it was read from and the block it sits in
    sentence_start: int | None = None
    sentence_end: int | None = None
    page: int | None = None
    table_cell: tuple[int, int, int] | None = None  # (table, row, col)

    def figure_id(self, document_sha256: str) -> str:
        """Stable id from (document content, span, kind): re-ingesting updates, never duplicates."""
        key = f"{document_sha256}:{self.char_start}:{self.char_end}:{self.kind}"
        return hashlib.sha256(key.encode()).hexdigest()[:20]

    def to_record(self) -> dict[str, Any]:
        """FIGURES.md field names; numbers as plain decimal strings so nothing is rounded."""
        record: dict[str, Any] = {}
        for name in RECORD_FIELDS:  # dataclasses.fields() per figure was half of this method's time
            v = getattr(self, name)
            if isinstance(v, Decimal) or name in DECIMAL_FIELDS:
                v = decimal_text(v) if v is not None else None
            elif isinstance(v, tuple):
                v = list(v)
            record[name] = v
        return record


RECORD_FIELDS = tuple(f.name for f in fields(Figure))  # every field, in declaration order
DECIMAL_FIELDS = frozenset(("value", "denominator", "upper"))
