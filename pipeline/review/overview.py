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

REPORTED_PAGE = 100  # documents per page of the "reported" table (a province's period has thousands)
CONFLICTS_SHOWN = 100  # conflicts of each kind listed with their links; the count says how many in all


def period_overview(store: Store, period: str = "", page: int = 1) -> dict[str, Any]:
    """What the overview page shows for `period` (the latest period when none or an unknown one is
    asked): the period's totals, one page of its reports, the missing units and the first conflicts."""
    expected_units = store.expected_units()
    missing_all = cells_overview.not_reported(store, expected_units)
    cells_overview.refresh(store)  # the documents changed since the last look, and their cells
    reported_periods = cells_overview.periods(store)
    names = set(reported_periods) | {m["period"] for m in missing_all}
    periods = sorted((n for n in names if n), key=period_order)
    chosen = period if period in periods else (periods[-1] if periods else "")
    expected = {u["unit_code"] for u in expected_units}
    totals = cells_overview.reported_totals(store, chosen, expected) if chosen else {
        "documents": 0, "figures": 0, "unreviewed": 0, "unclassified": 0, "outside": 0}
    pages = max(1, -(-totals["documents"] // REPORTED_PAGE))
    page = min(max(page, 1), pages)
    reported = cells_overview.reported(
        store, chosen, expected, offset=(page - 1) * REPORTED_PAGE, limit=REPORTED_PAGE
    ) if chosen else []
    found = cells_overview.period_conflicts(store, chosen, CONFLICTS_SHOWN)
    shown = found["disagreements"] + found["alarms"]
    labelled = [
        {**c, "type_label": word("conflict_types", c["type"]), "kind_label": word("kinds", c["kind"]),
         "links": links}
        for c, links in zip(shown, cells_overview.links(store, chosen, shown), strict=True)
    ]
    return {
        "periods": periods,
        "period": chosen,
        "reported": reported,
        "reported_count": totals["documents"],
        "outside_count": totals["outside"],
        "paging": {"page": page, "pages": pages, "first": (page - 1) * REPORTED_PAGE + 1,
                   "last": (page - 1) * REPORTED_PAGE + len(reported)},
        "missing": [m for m in missing_all if m["period"] == chosen],
        "expected_count": len(expected),
        "unreviewed": totals["unreviewed"],
        "unclassified": totals["unclassified"],
        "figures": totals["figures"],
        "disagreements": labelled[: len(found["disagreements"])],
        "disagreement_count": found["disagreement_count"],
        "alarms": labelled[len(found["disagreements"]) :],
        "alarm_count": found["alarm_count"],
    }
