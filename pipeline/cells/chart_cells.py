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
from pipeline.cells.unit_names import unit_names
from pipeline.store.cells_schema import VARIANTS, cell_series, cells

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
        self.names: dict[tuple[str, str], str] = {}  # and their shown names, by stored name and code
        self.named_bases: set[str] = set()

    def _names(self, conn: sa.Connection, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """The units' shown names, as `pipeline.cells.read.unit_names` gives them (one look per name,
        not per row: a chosen period may hold thousands of units); remembered for their trends."""
        new = {base for base, _code in pairs} - self.named_bases  # one period's units, asked for thrice
        self.names.update(unit_names(conn, self.variant, new))
        self.named_bases |= new
        shown = [self.names[pair] for pair in pairs]
        self.pairs.update(zip(shown, pairs, strict=True))
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
        """Each unit with a line of `series` in `period` → how many of the periods `alike` it has one in.
        Every (unit, period) of the series in those periods is read from `ix_cells_series` alone and
        counted here: a join or a GROUP BY in the store read the rows themselves."""
        query = sa.select(cells.c.unit_base, cells.c.unit_code, cells.c.period).where(
            *self._series(series), cells.c.period.in_(sorted({*alike, period})))
        periods: dict[tuple[str, str], set[str]] = {}
        with self.store._read() as conn:
            for base, code, named in conn.execute(query):
                periods.setdefault((base, code), set()).add(named)
            pairs = [pair for pair, named in periods.items() if period in named]
            shown = self._names(conn, pairs)
        found: dict[str, int] = {}
        for name, pair in zip(shown, pairs, strict=True):
            found[name] = max(found.get(name, 0), len(periods[pair] & set(alike)))
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
        read = [k for k in ROW_COLUMNS if k != "reporting_unit"]
        query = sa.select(*(cells.c[k] for k in read), cells.c.unit_base, cells.c.unit_code).where(*where)
        with self.store._read() as conn:
            rows = conn.execute(query).all()
            shown = self._names(conn, [(row[-2], row[-1]) for row in rows])
        frame = pd.DataFrame([row[:-2] for row in rows], columns=read)
        frame["reporting_unit"] = shown
        return frame[ROW_COLUMNS]
