"""The stored cells read back as the `Consolidation` the exports, the run summary and the review
page show: the same frames `pipeline.consolidate.consolidate` computes from every figure, without
reading every figure (only the figures no indicator claims, for their sheet)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pipeline.cells.refresh import refresh
from pipeline.cells.unit_names import unit_names
from pipeline.consolidate import Consolidation, sources_frame, targets_vs_actuals, totals_across_units
from pipeline.expected import missing_reports
from pipeline.line_keys import LINE_COLUMNS, LINE_KEYS, NO_PERIOD
from pipeline.normalise.catalogue import fold, store_catalogue
from pipeline.store.cells_schema import REVIEWED, VARIANTS, cell_documents, cells
from pipeline.store.schema import documents, figures
from pipeline.successors import lines_as_of

UNCLASSIFIED_COLUMNS = ["doc", "quote", "kind", "value", "unit", "indicator", "sentence", "figure_id"]


def consolidation(store: Any, *, reviewed_only: bool = False, as_of: date | None = None) -> Consolidation:
    """What the store's cells hold now (refreshed first), as `consolidate(store)` would give it."""
    variant, catalogue = _refreshed(store, reviewed_only)
    with store._read() as conn:
        names, rows = _cell_rows(conn, variant)
        found = conn.execute(
            sa.select(cell_documents).where(cell_documents.c.variant == variant)
            .order_by(cell_documents.c.document_id)
        ).mappings().all()
        unclassified = _unclassified(conn, reviewed_only)
        review_info = _reviewed_any(conn, reviewed_only)
    frame, conflicts = _line_frame(rows, names, catalogue)
    conflicts += _total_conflicts(found, names)
    documents_ = store.documents()
    result = Consolidation(
        figures=pd.DataFrame(),
        consolidated=frame,
        totals=totals_across_units(frame),
        conflicts=conflicts,
        targets_vs_actuals=targets_vs_actuals(frame),
        not_reported=missing_reports(documents_, store.expected_units()),
        sources=sources_frame(documents_),
        breakdowns=_breakdowns(found, names),
        review_info=review_info,
        unclassified=unclassified,
    )
    if as_of is None:
        return result
    codes = {shown: code for (_base, code), shown in names.items()}
    shifted = lines_as_of(result.consolidated, codes, as_of)
    return replace(result, consolidated=shifted, totals=totals_across_units(shifted))


def consolidated_lines(store: Any, *, reviewed_only: bool = False) -> pd.DataFrame:
    """Only `consolidation(store).consolidated`, for a page that draws the lines (the charts): the
    sheets of sources, conflicts, unclassified figures and missing units are not read."""
    variant, catalogue = _refreshed(store, reviewed_only)
    with store._read() as conn:
        names, rows = _cell_rows(conn, variant)
    return _line_frame(rows, names, catalogue)[0]


def _refreshed(store: Any, reviewed_only: bool) -> tuple[int, dict[str, Any]]:
    """The cells brought up to date; which variant of them to read, and the catalogue's lines by code."""
    refresh(store)
    return VARIANTS["reviewed" if reviewed_only else "all"], store_catalogue(store).by_code()


def _cell_rows(conn: sa.Connection, variant: int) -> tuple[dict[tuple[str, str], str], Any]:
    """The units' shown names and the variant's cells."""
    rows = conn.execute(sa.select(cells).where(cells.c.variant == variant)).mappings().all()
    return unit_names(conn, variant), rows


def _line_frame(
    rows: Any, names: dict[tuple[str, str], str], catalogue: dict[str, Any]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The cells as the consolidated lines' frame (with each indicator's name), and the documents
    that disagree."""
    lines, conflicts = _lines(rows, names)
    frame = pd.DataFrame(lines, columns=LINE_COLUMNS)
    frame.insert(4, "indicator_name", frame["indicator_code"].map(
        lambda c: catalogue[c].name if c in catalogue else c))
    return frame, conflicts


def _lines(rows: Any, names: dict[tuple[str, str], str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cells as consolidated lines in consolidation's order, and the documents that disagree."""
    lines = []
    wanted = [k for k in LINE_COLUMNS if k != "reporting_unit"]
    for stored in rows:
        row = dict(stored)  # plain dicts: a RowMapping lookup costs ten times more
        line = {k: row[k] for k in wanted}
        line["reporting_unit"] = names[(row["unit_base"], row["unit_code"])]
        line["_conflict"] = (row["conflict_detail"], row["conflict_used"])
        lines.append(line)
    lines.sort(key=lambda line: tuple(line[k] for k in LINE_KEYS))
    conflicts = []
    for line in lines:
        detail, used = line.pop("_conflict")
        if detail:
            conflicts.append({**{k: line[k] for k in LINE_KEYS}, "type": "documents_disagree",
                              "detail": detail, "used": used})
    return lines, conflicts


def _total_conflicts(found: Any, names: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """Stated totals that differ from their parts, in the order of their totals' ids."""
    entries = []
    for row in found:
        for conflict in row["findings"]["conflicts"]:
            entry = dict(conflict)
            entry["reporting_unit"] = names[(row["unit_base"], row["unit_code"])]
            entries.append(entry)
    entries.sort(key=lambda e: e["total_id"])
    for entry in entries:
        del entry["total_id"]
    return entries


def _breakdowns(found: Any, names: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Each stated total beside its parts, document by document."""
    rows = []
    for row in found:
        for part in row["findings"]["breakdowns"]:
            rows.append({**part, "reporting_unit": names[(row["unit_base"], row["unit_code"])],
                         **{k: Decimal(part[k]) for k in ("total", "part", "parts_sum")}})
    columns = ["period", "reporting_unit", "indicator_code", "total_quote", "total", "subject", "part",
               "parts_sum", "matches", "doc", "figure_id"]
    return pd.DataFrame(rows, columns=columns)


def _current_figures(reviewed_only: bool) -> sa.Select[Any]:
    query = sa.select(figures).join(documents, documents.c.id == figures.c.document_id).where(
        documents.c.status == "loaded"
    )
    return query.where(figures.c.review_status.in_(REVIEWED)) if reviewed_only else query


def _unclassified(conn: sa.Connection, reviewed_only: bool) -> pd.DataFrame:
    """The figures no indicator claims, as the unclassified sheet lists them (a rejected one is no figure)."""
    query = _current_figures(reviewed_only).add_columns(documents.c.path.label("doc")).where(
        figures.c.indicator_code == "", figures.c.review_status != "rejected"
    ).order_by(figures.c.document_id, figures.c.seq)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        unit = row["unit"] or ""
        row["unit"] = unit if unit.isupper() else fold(unit)
        row["period"] = row["period"] or NO_PERIOD
    return pd.DataFrame(rows, columns=UNCLASSIFIED_COLUMNS)


def _reviewed_any(conn: sa.Connection, reviewed_only: bool) -> bool:
    """Some current figure has been reviewed (the workbook then marks the unreviewed ones)."""
    query = _current_figures(reviewed_only).where(figures.c.review_status != "unreviewed").limit(1)
    return conn.execute(query).first() is not None
