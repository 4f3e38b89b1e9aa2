"""Exports an officer hands in: figures.csv, consolidated.csv (long form) and consolidated.xlsx.

CSVs are UTF-8 with a BOM (Excel then shows Vietnamese correctly) and numbers are plain decimal
text with '.' as the decimal mark and no grouping, whatever the machine's locale. The workbook
(pipeline/workbook/) holds real numbers formatted `#,##0`, shown as 1.234.567 in a Vietnamese locale.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.cells import stream
from pipeline.cells.attention import not_reported
from pipeline.cells.read import unit_names
from pipeline.figure import FIGURE_FIELDS, decimal_text
from pipeline.normalise.catalogue import store_catalogue
from pipeline.safe_cells import FORMULA_STARTS, csv_safe
from pipeline.store.api import Store
from pipeline.store.cells_schema import VARIANTS
from pipeline.workbook import WorkbookWriter
from pipeline.workbook.list_sheets import Spool
from pipeline.workbook.names import period_order

CSV_ENCODING = "utf-8-sig"  # the BOM tells Excel the file is UTF-8
FORMULA_FIRST = frozenset(c[0] for c in FORMULA_STARTS)
SMALL = 10**15  # numbers below this are within pipeline.bounds without asking
FIGURE_CSV_EXTRA = (
    "figure_id",
    "document_id",
    "issuer",
    "level",
    "period",
    "period_role",
    "sentence",
    "indicator_code",
    "indicator_name",
    "indicator_score",
    "review_status",
    "counted",
    "why_not_counted",
    "same_as",
    "role",
    "page",
)
CONSOLIDATED_CSV_FIELDS = (
    "row_type",
    "period",
    "reporting_unit",
    "level",
    "indicator_code",
    "indicator_name",
    "kind",
    "unit",
    "per",
    "modality",
    "value",
    "approx",
    "upper",
    "shown",
    "combine",
    "figures",
    "unreviewed",
    "documents",
    "note",
)


def plain(value: Any) -> Any:
    """CSV cell text: decimals without exponent or grouping, missing values empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():  # a page number pandas turned into 3.0
        return str(int(value))
    return value


def csv_cell(value: Any) -> Any:
    """`plain(csv_safe(value))` by the value's type: plain text (most cells) costs one look at its
    first character; numbers are checked against the bound (figures.csv holds millions of cells)."""
    kind = type(value)
    if kind is str:
        return csv_safe(value) if value[:1] in FORMULA_FIRST else value
    if value is None:
        return ""
    if kind is int:
        return value if -SMALL < value < SMALL else plain(csv_safe(value))
    if kind is Decimal and value.is_finite() and -SMALL < value < SMALL:
        return decimal_text(value)
    return plain(csv_safe(value))


class CsvFile:
    """A CSV Excel opens correctly: UTF-8 with BOM, CRLF, every field quoted only when needed."""

    def __init__(self, path: Path, fields: tuple[str, ...] | list[str]) -> None:
        self.path, self.fields = path, list(fields)

    def __enter__(self) -> CsvFile:
        self.handle = self.path.open("w", encoding=CSV_ENCODING, newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(self.fields)
        return self

    def write(self, row: dict[str, Any]) -> None:
        """One row from a dict; fields it lacks are empty."""
        get = row.get
        self.writer.writerow([csv_cell(get(k)) for k in self.fields])

    def __exit__(self, *_: object) -> None:
        self.handle.close()


def write_csv(path: Path, fields: tuple[str, ...] | list[str], rows: Iterable[dict[str, Any]]) -> Path:
    """Every row of `rows` into a new CSV."""
    with CsvFile(path, fields) as out:
        for row in rows:
            out.write(row)
    return path


def export_all(
    store: Store, out: Path | str, *, reviewed_only: bool = False, as_of: date | None = None
) -> dict[str, Path]:
    """Write the three files into `out` from the store's consolidated cells (pipeline.cells, kept
    current incrementally), streamed: a period and an indicator at a time, figures in chunks, so
    memory does not grow with the store. Returns the paths by name. `as_of` shows old units as the
    units they had become by that date (pipeline/successors.py)."""
    from pipeline.cells import refresh
    from pipeline.cells.figure_rows import figure_rows

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    refresh(store)
    names = {code: indicator.name for code, indicator in store_catalogue(store).by_code().items()}
    paths = {
        "figures.csv": write_csv(
            out / "figures.csv",
            (*FIGURE_FIELDS, *FIGURE_CSV_EXTRA),
            figure_rows(store, names, reviewed_only=reviewed_only),
        ),
        "consolidated.csv": out / "consolidated.csv",
        "consolidated.xlsx": out / "consolidated.xlsx",
    }
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    book = WorkbookWriter(paths["consolidated.xlsx"])
    targets = Spool()
    with store._read() as conn, CsvFile(paths["consolidated.csv"], CONSOLIDATED_CSV_FIELDS) as lines_csv:
        units = unit_names(conn, variant)
        conflicted = stream.total_conflict_keys(conn, variant, units)
        for period in sorted(stream.periods(conn, variant), key=period_order):
            sheet = book.period(
                period,
                stream.period_units(conn, variant, period, units, as_of),
                stream.total_levels(conn, variant, period),
            )
            for lines in stream.indicator_lines(conn, variant, period, units, names, as_of):
                for keys, row_lines in stream.sheet_rows(lines):
                    totals = stream.row_totals(row_lines)
                    sheet.row(keys, row_lines, totals, conflicted)
                    for line in row_lines:
                        lines_csv.write({"row_type": "unit", **line})
                    for level, (value, count) in totals.items():
                        lines_csv.write(total_row(row_lines[0], level, value, count))
                for target in stream.targets_vs_actuals(lines):
                    targets.add(target)
        book.lists(
            {
                "Nguồn": stream.sources(conn),
                "Mâu thuẫn": chain(
                    stream.cell_conflicts(conn, variant, units), stream.total_conflicts(conn, variant, units)
                ),
                "Chi tiết theo địa bàn": stream.breakdowns(conn, variant, units),
                "Kế hoạch - Thực hiện": targets,
                "Chưa báo cáo": not_reported(store, store.expected_units()),
                "Chưa phân loại": stream.unclassified(conn, reviewed_only),
            }
        )
    book.close()
    return paths


def total_row(line: dict[str, Any], level: str, value: Decimal, units: int) -> dict[str, Any]:
    """consolidated.csv's row of a line's total across the units of one level."""
    return {
        "row_type": "total",
        **{
            k: line[k]
            for k in ("period", "indicator_code", "indicator_name", "kind", "unit", "per", "modality")
        },
        "level": level,
        "value": value,
        "reporting_unit": f"Tổng cộng {level} ({units} đơn vị)".replace("  ", " "),
    }
