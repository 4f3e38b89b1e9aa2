"""Exports an officer hands in: figures.csv, consolidated.csv (long form) and consolidated.xlsx.

CSVs are UTF-8 with a BOM (Excel then shows Vietnamese correctly) and numbers are plain decimal
text with '.' as the decimal mark and no grouping, whatever the machine's locale. The workbook
(pipeline/workbook/) holds real numbers formatted `#,##0`, shown as 1.234.567 in a Vietnamese locale.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.consolidate import Consolidation
from pipeline.figure import FIGURE_FIELDS, decimal_text
from pipeline.safe_cells import csv_safe
from pipeline.store.api import Store
from pipeline.workbook import write_workbook

CSV_ENCODING = "utf-8-sig"  # the BOM tells Excel the file is UTF-8
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


def write_csv(path: Path, fields: tuple[str, ...] | list[str], rows: Iterable[dict[str, Any]]) -> Path:
    """A CSV Excel opens correctly: UTF-8 with BOM, CRLF, every field quoted only when needed."""
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: plain(csv_safe(row.get(k))) for k in fields})
    return path


def figure_rows(result: Consolidation, names: dict[str, str]) -> list[dict[str, Any]]:
    """figures.csv rows: FIGURES.md fields, then the source file, section, sentence and mapping."""
    frame = result.figures
    if frame.empty:
        return []
    records = frame.to_dict("records")
    for record in records:
        record["indicator_name"] = names.get(record["indicator_code"], "")
        record["value"] = Decimal(record["value"])
    return records


def consolidated_rows(result: Consolidation, names: dict[str, str]) -> list[dict[str, Any]]:
    """consolidated.csv rows: one per line and unit, then the totals across units of each level."""
    rows = [{"row_type": "unit", **r} for r in result.consolidated.to_dict("records")]
    for total in result.totals.to_dict("records"):
        rows.append(
            {
                "row_type": "total",
                **total,
                "reporting_unit": f"Tổng cộng {total['level']} ({total['units']} đơn vị)".replace("  ", " "),
                "indicator_name": names.get(total["indicator_code"], total["indicator_code"]),
            }
        )
    return rows


def export_all(
    store: Store, out: Path | str, *, reviewed_only: bool = False, as_of: date | None = None
) -> dict[str, Path]:
    """Write the three files into `out` from the store's consolidated cells (pipeline.cells, kept
    current incrementally); figures.csv streams from the store. Returns the paths by name.
    `as_of` shows old units as the units they had become by that date (pipeline/successors.py)."""
    from pipeline.cells import consolidation
    from pipeline.cells.figure_rows import figure_rows as stored_figure_rows

    result = consolidation(store, reviewed_only=reviewed_only, as_of=as_of)
    return write_exports(
        result, out, figures=lambda names: stored_figure_rows(store, names, reviewed_only=reviewed_only)
    )


def write_exports(
    result: Consolidation,
    out: Path | str,
    *,
    figures: Callable[[dict[str, str]], Iterable[dict[str, Any]]] | None = None,
) -> dict[str, Path]:
    """The three files of a consolidation already made (a caller that also shows its conflicts);
    `figures` gives figures.csv's rows from indicator names when the result holds no figures frame."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    from pipeline.normalise import load_catalogue

    names = {i.code: i.name for i in load_catalogue().indicators}
    if not result.consolidated.empty:  # lines officers created on the review page carry their own name
        lines = result.consolidated
        names.update(zip(lines["indicator_code"], lines["indicator_name"], strict=True))
    rows = figures(names) if figures is not None else figure_rows(result, names)
    return {
        "figures.csv": write_csv(out / "figures.csv", (*FIGURE_FIELDS, *FIGURE_CSV_EXTRA), rows),
        "consolidated.csv": write_csv(
            out / "consolidated.csv", CONSOLIDATED_CSV_FIELDS, consolidated_rows(result, names)
        ),
        "consolidated.xlsx": write_workbook(out / "consolidated.xlsx", result),
    }
