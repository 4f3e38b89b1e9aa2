"""The figures behind the small charts: each indicator's consolidated actual values by reporting unit.

The numbers come from `pipeline.consolidate`, the same sums the exports carry, so a chart never
shows a total that the spreadsheet does not (rejected figures out, parts never added to totals,
repeated paragraphs counted once).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from pipeline.review.chart import Bar, bar_chart
from pipeline.review.labels import LABELS


def indicator_charts(store: Any) -> list[dict[str, Any]]:
    """One chart per (indicator, unit) of additive actual values, a bar per reporting unit."""
    from pipeline.cells import consolidation  # the stored cells: the same lines, not recomputed
    from pipeline.consolidate import ADDITIVE_KINDS

    lines = consolidation(store).consolidated
    if lines.empty:
        return []
    lines = lines[(lines["modality"] == "actual") & lines["kind"].isin(ADDITIVE_KINDS)]
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in lines.to_dict("records"):
        groups[(line["indicator_code"], line["indicator_name"], line["kind"], line["unit"])].append(line)
    charts = []
    for (code, name, kind, unit), members in sorted(groups.items()):
        several_periods = len({m["period"] for m in members}) > 1
        bars = [
            Bar(f"{m['reporting_unit']} ({m['period']})" if several_periods else m["reporting_unit"],
                Decimal(str(m["value"])))
            for m in members
        ]
        colour = LABELS["kinds"].get(kind, {}).get("colour", "#4a7bd0")
        title = name or code
        svg = bar_chart(title, unit, bars, colour)
        sums = {(m["reporting_unit"], m["period"]): Decimal(str(m["value"])) for m in members}
        charts.append({"code": code, "title": title, "unit": unit, "svg": svg, "sums": sums})
    return charts
