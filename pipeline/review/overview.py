"""The review page's home: one period at a glance — who reported and when, who has not, what is
left to review or classify, and the conflicts and parts-vs-total alarms, each linked to its figures.

Read from the store's consolidated cells (pipeline.cells), one period's rows by indexed keys, so
the page costs the same at 100,000 reports as at 100."""

from __future__ import annotations

from typing import Any

from pipeline.cells import overview as cells_overview
from pipeline.store.api import Store
from pipeline.workbook.names import period_order
from pipeline.workbook.words import word


def period_overview(store: Store, period: str = "") -> dict[str, Any]:
    """What the overview page shows for `period` (the latest period when none or an unknown one is asked)."""
    expected_units = store.expected_units()
    missing_all = cells_overview.not_reported(store, expected_units)
    cells_overview.refresh(store)  # the documents changed since the last look, and their cells
    reported_periods = cells_overview.periods(store)
    names = set(reported_periods) | {m["period"] for m in missing_all}
    periods = sorted((n for n in names if n), key=period_order)
    chosen = period if period in periods else (periods[-1] if periods else "")
    expected = {u["unit_code"] for u in expected_units}
    reported = cells_overview.reported(store, chosen, expected) if chosen else []
    found = cells_overview.conflicts(store, chosen)
    conflicts = [
        {**c, "type_label": word("conflict_types", c["type"]), "kind_label": word("kinds", c["kind"]),
         "links": links}
        for c, links in zip(found, cells_overview.links(store, chosen, found, reported), strict=True)
    ]
    return {
        "periods": periods,
        "period": chosen,
        "reported": reported,
        "missing": [m for m in missing_all if m["period"] == chosen],
        "expected_count": len(expected),
        "unreviewed": sum(r["unreviewed"] for r in reported),
        "unclassified": sum(r["unclassified"] for r in reported),
        "figures": sum(r["figures"] for r in reported),
        "disagreements": [c for c in conflicts if c["type"] == "documents_disagree"],
        "alarms": [c for c in conflicts if c["type"] == "total_differs_from_parts"],
    }
