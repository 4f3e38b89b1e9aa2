"""The review page's home: one period at a glance — who reported and when, who has not, what is
left to review or classify, and the conflicts and parts-vs-total alarms, each linked to its figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.consolidate import consolidate
from pipeline.store.api import Store
from pipeline.workbook.names import period_order
from pipeline.workbook.words import word


def _periods(figures: pd.DataFrame, not_reported: list[dict[str, Any]]) -> list[str]:
    """Every period a figure or a missing report names, in time order."""
    names = set(figures["period"].dropna()) if not figures.empty else set()
    names |= {m["period"] for m in not_reported}
    return sorted((n for n in names if n), key=period_order)


def _reported(mine: pd.DataFrame, documents: dict[int, dict[str, Any]], expected: set[str]) -> list[dict]:
    """One row per current document with figures of the period: its unit, when it came, what is left."""
    rows = []
    for document_id, group in mine.groupby("document_id", sort=False):
        document = documents.get(int(document_id), {})
        rows.append(
            {
                "document_id": int(document_id),
                "path": document.get("path", ""),
                "unit": group["reporting_unit"].iloc[0],
                "level": group["level"].iloc[0] or "",
                "expected": document.get("unit_code", "") in expected,
                "loaded_at": document.get("loaded_at"),
                "figures": len(group),
                "unreviewed": int((group["review_status"] == "unreviewed").sum()),
                "unclassified": int(
                    ((group["indicator_code"] == "") & (group["review_status"] != "rejected")).sum()
                ),
            }
        )
    rows.sort(key=lambda r: (r["level"], r["unit"]))
    return rows


def _links(mine: pd.DataFrame, conflict: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures behind a conflict: one link per document, to its first figure of the line."""
    same = mine[
        (mine["reporting_unit"] == conflict["reporting_unit"])
        & (mine["indicator_code"] == conflict["indicator_code"])
        & (mine["kind"] == conflict["kind"])
        & (mine["unit"] == conflict["unit"])
    ]
    links = []
    for document_id, group in same.groupby("document_id", sort=True):
        links.append({"href": f"/documents/{int(document_id)}#fig-{group['figure_id'].iloc[0]}",
                      "doc": group["doc"].iloc[0]})
    return links


def period_overview(store: Store, period: str = "") -> dict[str, Any]:
    """What the overview page shows for `period` (the latest period when none or an unknown one is asked)."""
    result = consolidate(store)
    figures = result.figures
    periods = _periods(figures, result.not_reported)
    chosen = period if period in periods else (periods[-1] if periods else "")
    mine = figures[figures["period"] == chosen] if not figures.empty else figures
    documents = {d["id"]: d for d in store.documents()}
    expected = {u["unit_code"] for u in store.expected_units()}
    conflicts = [
        {**c, "type_label": word("conflict_types", c["type"]), "kind_label": word("kinds", c["kind"]),
         "links": _links(mine, c)}
        for c in result.conflicts
        if c["period"] == chosen
    ]
    reported = _reported(mine, documents, expected) if not mine.empty else []
    return {
        "periods": periods,
        "period": chosen,
        "reported": reported,
        "missing": [m for m in result.not_reported if m["period"] == chosen],
        "expected_count": len(expected),
        "unreviewed": sum(r["unreviewed"] for r in reported),
        "unclassified": sum(r["unclassified"] for r in reported),
        "figures": sum(r["figures"] for r in reported),
        "disagreements": [c for c in conflicts if c["type"] == "documents_disagree"],
        "alarms": [c for c in conflicts if c["type"] == "total_differs_from_parts"],
    }
