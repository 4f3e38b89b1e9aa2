"""What the review page's overview needs for one period, read from the stored cells by indexed
keys (a period's documents, a period's conflicting cells), never from every figure of the store."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.cells.attention import conflicts, not_reported
from pipeline.cells.read import unit_names
from pipeline.cells.refresh import refresh

__all__ = ["conflicts", "links", "not_reported", "periods", "refresh", "reported"]
from pipeline.consolidate import NO_PERIOD
from pipeline.normalise.catalogue import fold
from pipeline.store.cells_schema import VARIANTS, cell_documents, document_periods
from pipeline.store.schema import documents, figures

ALL = VARIANTS["all"]


def periods(store: Any) -> list[str]:
    """Every period a current figure names."""
    with store._read() as conn:
        return list(conn.execute(sa.select(document_periods.c.period).distinct()).scalars())


def reported(store: Any, period: str, expected: set[str]) -> list[dict[str, Any]]:
    """One row per current document with figures of `period`: unit, when it came, what is left."""
    query = (
        sa.select(document_periods, documents.c.path, documents.c.unit_code, documents.c.level,
                  documents.c.loaded_at, cell_documents.c.unit_base, cell_documents.c.unit_code.label("code"))
        .join(documents, documents.c.id == document_periods.c.document_id)
        .join(cell_documents, sa.and_(cell_documents.c.document_id == document_periods.c.document_id,
                                      cell_documents.c.variant == ALL))
        .where(document_periods.c.period == period)
        .order_by(document_periods.c.document_id)
    )
    with store._read() as conn:
        names = unit_names(conn, ALL)
        rows = conn.execute(query).mappings().all()
    found = [
        {
            "document_id": r["document_id"],
            "path": r["path"],
            "unit": names[(r["unit_base"], r["code"])],
            "level": r["level"] or "",
            "expected": r["unit_code"] in expected,
            "loaded_at": r["loaded_at"],
            "figures": r["figures"],
            "unreviewed": r["unreviewed"],
            "unclassified": r["unclassified"],
        }
        for r in rows
    ]
    found.sort(key=lambda r: (r["level"], r["unit"]))
    return found


def links(
    store: Any, period: str, found: list[dict[str, Any]], documents_: list[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """The figures behind each conflict: one link per document, to its first figure of the line.
    One query by document id for all of them (an index on the indicator would scan far more)."""
    units = {c["reporting_unit"] for c in found}
    ids = [d["document_id"] for d in documents_ if d["unit"] in units]
    unit_of = {d["document_id"]: d["unit"] for d in documents_}
    query = (
        sa.select(figures.c.figure_id, figures.c.document_id, figures.c.unit, figures.c.period,
                  figures.c.indicator_code, figures.c.kind, documents.c.path)
        .join(documents, documents.c.id == figures.c.document_id)
        .where(figures.c.document_id.in_(ids))
        .order_by(figures.c.document_id, figures.c.seq)
    )
    with store._read() as conn:
        rows = conn.execute(query).all() if ids else []
    stored_period = "" if period == NO_PERIOD else period
    by_line: dict[tuple[str, str, str], list[Any]] = {}
    for row in rows:
        if row.period == stored_period:
            by_line.setdefault((unit_of[row.document_id], row.indicator_code, row.kind), []).append(row)
    result = []
    for conflict in found:
        first: dict[int, dict[str, Any]] = {}
        line = (conflict["reporting_unit"], conflict["indicator_code"], conflict["kind"])
        for row in by_line.get(line, []):
            unit = row.unit or ""
            if row.document_id not in first and (unit if unit.isupper() else fold(unit)) == conflict["unit"]:
                first[row.document_id] = {"href": f"/documents/{row.document_id}#fig-{row.figure_id}",
                                          "doc": row.path}
        result.append([first[i] for i in sorted(first)])
    return result
