"""Consolidated lines held in memory asked the charts page's questions, as `StoredSeries`
(pipeline/cells/chart_cells.py) asks them of the store: for `consolidate(store).consolidated`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.cells.chart_cells import SERIES_KEYS


class LineFrame:
    """Lines already filtered to what a chart may show (one modality, a charted kind)."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self.lines = lines

    def widths(self) -> list[dict[str, Any]]:
        """Each indicator (in its unit of measure) and period with its number of lines."""
        if self.lines.empty:
            return []
        sizes = self.lines.groupby([*SERIES_KEYS, "period"], dropna=False).size()
        return sizes.reset_index(name="lines").to_dict("records")

    def _series(self, series: dict[str, str]) -> pd.DataFrame:
        same = pd.Series(True, index=self.lines.index)
        for key in SERIES_KEYS:
            same &= self.lines[key] == series[key]
        return self.lines[same]

    def units(self, series: dict[str, str], alike: Sequence[str], period: str) -> dict[str, int]:
        """Each unit with a line of `series` in `period` → how many of the periods `alike` it has one in."""
        rows = self._series(series)
        counts = rows[rows["period"].isin(list(alike))].groupby("reporting_unit")["period"].nunique()
        return {unit: int(counts[unit]) for unit in set(rows[rows["period"] == period]["reporting_unit"])}

    def period_rows(self, series: dict[str, str], period: str) -> pd.DataFrame:
        """The series' lines of one period (the comparison's bars)."""
        rows = self._series(series)
        return rows[rows["period"] == period]

    def unit_rows(self, series: dict[str, str], unit: str) -> pd.DataFrame:
        """One unit's lines of the series, in every period (its trend)."""
        rows = self._series(series)
        return rows[rows["reporting_unit"] == unit]
