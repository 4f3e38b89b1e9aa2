"""The charts page's reads of the stored cells, by index: the indicators and periods on offer come
from `cell_series` (cells counted per indicator and period, kept by the refresh), and only the
chosen indicator × period's cells and one unit's cells are read (a province's store holds a million
cells; the page must not read them all)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pipeline.cells.refresh import refresh
from pipeline.reporting_unit import parent_name
from pipeline.store.cells_schema import VARIANTS, cell_documents, cell_series, cells

SERIES_KEYS = ("indicator_code", "kind", "unit", "per")
ROW_COLUMNS = ["period", "reporting_unit", "level", "indicator_code", "kind", "unit", "per", "modality",
               "value", "shown"]


class StoredSeries:
    """One variant and modality of the stored cells, as the charts page asks for them."""

    def __init__(
        self, store: Any, modality: str, kinds: Sequence[str], *, reviewed_only: bool = False
    ) -> None:
        refresh(store)
        self.store = store
        self.variant = VARIANTS["reviewed" if reviewed_only else "all"]
        self.modality = modality
        self.kinds = tuple(kinds)
        self.pairs: dict[str, tuple[str, str]] = {}  # the units met so far, by shown name

    def _codes(self) -> Any:
        """How many codes the row's unit name is stored under (a seek per row in the names' index)."""
        found = cell_documents.alias("named")
        return (sa.select(sa.func.count(sa.distinct(found.c.unit_code)))
                .where(found.c.variant == self.variant, found.c.unit_base == cells.c.unit_base)
                .scalar_subquery().label("codes"))

    def _name(self, base: str, code: str, codes: int) -> str:
        """The unit's shown name, as `pipeline.cells.read.unit_names` gives it; remembered for its trend."""
        shown = f"{base} ({parent_name(code)})" if codes > 1 and code else base
        self.pairs[shown] = (base, code)
        return shown

    def _where(self) -> list[Any]:
        """The cells a chart may show: this variant and modality, a known indicator, a charted kind."""
        return [cells.c.variant == self.variant, cells.c.modality == self.modality,
                cells.c.indicator_code != "", cells.c.kind.in_(self.kinds)]

    def _series(self, series: dict[str, str]) -> list[Any]:
        return [*self._where(), *(cells.c[k] == series[k] for k in SERIES_KEYS)]

    def widths(self) -> list[dict[str, Any]]:
        """Each indicator (in its unit of measure) and period with its number of lines, as counted."""
        found = cell_series.c
        query = sa.select(*(found[k] for k in SERIES_KEYS), found.period, found.lines).where(
            found.variant == self.variant, found.modality == self.modality, found.indicator_code != "",
            found.kind.in_(self.kinds))
        with self.store._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def units(self, series: dict[str, str], alike: Sequence[str], period: str) -> dict[str, int]:
        """Each unit with a line of `series` in `period` → how many of the periods `alike` it has one in."""
        chosen = sa.select(cells.c.unit_base, cells.c.unit_code).where(*self._series(series),
                                                                       cells.c.period == period)
        counted = sa.func.count(sa.distinct(cells.c.period)).label("periods")
        query = (sa.select(cells.c.unit_base, cells.c.unit_code, counted, self._codes())
                 .where(*self._series(series), cells.c.period.in_(list(alike)),
                        sa.tuple_(cells.c.unit_base, cells.c.unit_code).in_(chosen))
                 .group_by(cells.c.unit_base, cells.c.unit_code))
        found: dict[str, int] = {}
        with self.store._read() as conn:
            for base, code, periods, codes in conn.execute(query):
                shown = self._name(base, code, codes)
                found[shown] = max(found.get(shown, 0), int(periods))
        return found

    def period_rows(self, series: dict[str, str], period: str) -> pd.DataFrame:
        """The series' lines of one period (the comparison's bars)."""
        return self._rows([*self._series(series), cells.c.period == period])

    def unit_rows(self, series: dict[str, str], unit: str) -> pd.DataFrame:
        """One unit's lines of the series, in every period (its trend); a unit met before on the page."""
        if unit not in self.pairs:
            return pd.DataFrame(columns=ROW_COLUMNS)
        base, code = self.pairs[unit]
        return self._rows([cells.c.unit_base == base, cells.c.unit_code == code, *self._series(series)])

    def _rows(self, where: list[Any]) -> pd.DataFrame:
        columns = [cells.c[k] for k in ROW_COLUMNS if k != "reporting_unit"]
        query = sa.select(*columns, cells.c.unit_base, cells.c.unit_code, self._codes()).where(*where)
        with self.store._read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        for row in rows:
            row["reporting_unit"] = self._name(row.pop("unit_base"), row.pop("unit_code"), row.pop("codes"))
        return pd.DataFrame(rows, columns=ROW_COLUMNS)
