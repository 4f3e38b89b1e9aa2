"""Rule 4 of pipeline.consolidate over stored document lines: the latest document's number, and a
conflict when documents of the same unit and period disagree (the same as `across_documents`)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from pipeline.cells.compute import KEY_COLUMNS
from pipeline.figure import decimal_text

VALUE_COLUMNS = ("value", "approx", "upper", "shown", "combine")


def across_documents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One cell per line key from its document lines (sorted by key, then document id)."""
    merged = []
    for key, group_rows in groupby(rows, key=lambda r: r["line_key"]):
        group = sorted(group_rows, key=lambda r: r["document_id"])
        latest = group[-1]
        values = [decimal_text(r["value"]) for r in group]
        conflict = len(set(values)) > 1
        merged.append(
            {
                "line_key": key,
                **{k: latest[k] for k in KEY_COLUMNS},
                **{k: latest[k] for k in VALUE_COLUMNS},
                "figures": latest["figures"],
                "unreviewed": latest["unreviewed"],
                "figure_ids": latest["figure_ids"],
                "note": latest["note"],
                "documents": "; ".join(dict.fromkeys(r["doc"] for r in group)),
                "conflict_detail": "; ".join(f"{r['doc']}: {v}" for r, v in zip(group, values, strict=True))
                if conflict else "",
                "conflict_used": values[-1] if conflict else "",
                "conflict": conflict,
            }
        )
    return merged
