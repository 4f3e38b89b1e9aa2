"""A batch of documents' own consolidation, by pipeline.consolidate's own rules.

Every rule that decides whether a figure counts, and how a line of one document combines, looks no
further than the figure's own document (repeats, restatements, totals and their parts all share a
document), so applying them to a few documents' figures gives each document exactly what a whole
store's consolidation gives it. Only the unit's name may depend on other documents (two units of
the same name get their parent after it); that is settled when the table is read (`read.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.consolidate import (
    breakdowns,
    figures_frame,
    frame_records,
    mark_not_counted,
    per_document,
    total_part_conflicts,
)
from pipeline.figure import decimal_text
from pipeline.line_keys import LINE_KEYS
from pipeline.normalise.catalogue import Indicator

KEY_COLUMNS = [
    "period", "unit_base", "unit_code", "level", "indicator_code", "kind", "unit", "per", "modality"
]


@dataclass(slots=True)
class DocumentCells:
    """What one document contributes: its lines, its findings, its per-period counts."""

    unit_base: str
    unit_code: str
    level: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)
    findings: dict[str, Any] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)


def line_key(row: dict[str, Any]) -> str:
    """A fixed-width key for a line (period, unit, level, indicator, kind, unit, per, modality)."""
    text = "\x1f".join(str(row[k]) for k in KEY_COLUMNS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: Any) -> Any:
    """JSON-safe: decimals as exact text."""
    return decimal_text(value) if isinstance(value, Decimal) else value


def compute(records: list[dict[str, Any]], catalogue: dict[str, Indicator]) -> dict[int, DocumentCells]:
    """Each document of `records` (figure dicts as the store gives them) with what it contributes."""
    frame = figures_frame(records, distinct_names=False)  # each unit's own name: settled when read
    if frame.empty:
        return {}
    frame["unit_code"] = frame["unit_code"].astype(object).fillna("")
    frame = mark_not_counted(frame, catalogue)
    result: dict[int, DocumentCells] = {}
    firsts = frame.drop_duplicates("document_id")[["document_id", "reporting_unit", "unit_code", "level"]]
    for row in firsts.itertuples():
        level = row.level if isinstance(row.level, str) else ""  # a document without a level: none
        result[int(row.document_id)] = DocumentCells(row.reporting_unit, row.unit_code, level)
        result[int(row.document_id)].findings = {"marks": {}, "conflicts": [], "breakdowns": []}
    for row in frame.loc[~frame["counted"].astype(bool)].itertuples():
        result[int(row.document_id)].findings["marks"][row.figure_id] = [row.why_not_counted, row.same_as]
    counted = frame.loc[frame["counted"].astype(bool)].copy()
    counted["modality"] = counted["line_modality"]
    for line in frame_records(per_document(counted, catalogue)):
        mine = result[int(line["document_id"])]
        keys = {k: line[k] for k in LINE_KEYS if k != "reporting_unit"}
        row = {**keys, "unit_base": line["reporting_unit"], "unit_code": mine.unit_code}
        row.update({k: line[k] for k in ("value", "approx", "upper", "shown", "combine", "figures",
                                         "unreviewed", "figure_ids", "note", "doc")})
        row["figures"], row["unreviewed"] = int(row["figures"]), int(row["unreviewed"])
        row["line_key"] = line_key(row)
        mine.lines.append(row)
    for total, conflict in total_part_conflicts(frame):
        entry = {k: _text(v) for k, v in conflict.items()}
        entry["total_id"] = total["figure_id"]  # conflicts are listed in their totals' order
        result[int(total["document_id"])].findings["conflicts"].append(entry)
    owner = dict(zip(frame["figure_id"], frame["document_id"], strict=True))
    for part in frame_records(breakdowns(frame)):
        entry = {k: _text(v) for k, v in part.items()}
        entry["matches"] = bool(part["matches"])
        result[int(owner[part["figure_id"]])].findings["breakdowns"].append(entry)
    _period_counts(frame, result)
    return result


def _period_counts(frame: pd.DataFrame, result: dict[int, DocumentCells]) -> None:
    """Per document and period its figures name: figures, unreviewed, unclassified (the overview)."""
    counts = frame.assign(
        unreviewed=frame["review_status"] == "unreviewed",
        unclassified=(frame["indicator_code"] == "") & (frame["review_status"] != "rejected"),
    ).groupby(["document_id", "period"], sort=False, dropna=False)
    summed = counts.agg(figures=("figure_id", "size"), unreviewed=("unreviewed", "sum"),
                        unclassified=("unclassified", "sum"))
    for (document_id, period), row in summed.iterrows():
        result[int(document_id)].periods.append(
            {"period": period, "figures": int(row["figures"]), "unreviewed": int(row["unreviewed"]),
             "unclassified": int(row["unclassified"])}
        )
