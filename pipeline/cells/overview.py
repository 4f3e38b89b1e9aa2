"""What the review page's overview needs for one period, read from the stored cells by indexed
keys (a period's documents, a period's conflicting cells), never from every figure of the store."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.cells.attention import conflicts, not_reported, period_conflicts
from pipeline.cells.read import unit_names
from pipeline.cells.refresh import refresh

__all__ = ["conflicts", "links", "not_reported", "period_conflicts", "periods", "refresh", "reported",
           "reported_totals"]
from pipeline.consolidate import NO_PERIOD
from pipeline.normalise.catalogue import fold
from pipeline.store.cells_schema import VARIANTS, cell_documents, document_periods
from pipeline.store.schema import documents, figures

ALL = VARIANTS["all"]


def periods(store: Any) -> list[str]:
    """Every period a current figure names."""
    with store._read() as conn:
        return list(conn.execute(sa.select(document_periods.c.period).distinct()).scalars())


def _period_documents(period: str) -> sa.Select:
    """The current documents with figures of `period`, with their unit as the cells hold it."""
    return (
        sa.select(document_periods, documents.c.path, documents.c.unit_code, documents.c.level,
                  documents.c.loaded_at, cell_documents.c.unit_base, cell_documents.c.unit_code.label("code"))
        .join(documents, documents.c.id == document_periods.c.document_id)
        .join(cell_documents, sa.and_(cell_documents.c.document_id == document_periods.c.document_id,
                                      cell_documents.c.variant == ALL))
        .where(document_periods.c.period == period)
    )


def reported_totals(store: Any, period: str, expected: set[str]) -> dict[str, int]:
    """The period's documents counted in the store: how many, their figures, what is left to do,
    and how many come from units outside the expected list."""
    counted = _period_documents(period).subquery()
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(counted.c.figures), 0),
                      sa.func.coalesce(sa.func.sum(counted.c.unreviewed), 0),
                      sa.func.coalesce(sa.func.sum(counted.c.unclassified), 0))
    with store._read() as conn:
        count, figures_, unreviewed, unclassified = conn.execute(query).one()
        codes = conn.execute(sa.select(counted.c.unit_code)).scalars() if expected else []
        outside = sum(1 for code in codes if code not in expected)
    return {"documents": int(count), "figures": int(figures_), "unreviewed": int(unreviewed),
            "unclassified": int(unclassified), "outside": outside}


def reported(
    store: Any, period: str, expected: set[str], *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """One row per current document with figures of `period` (by level and unit, `limit` of them
    from `offset`): unit, when it came, what is left."""
    query = _period_documents(period).order_by(
        documents.c.level, cell_documents.c.unit_base, cell_documents.c.unit_code,
        document_periods.c.document_id,
    ).offset(offset).limit(limit)
    with store._read() as conn:
        rows = conn.execute(query).mappings().all()
        names = unit_names(conn, ALL, {r["unit_base"] for r in rows})
    return [
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


def links(store: Any, period: str, found: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The figures behind each conflict: one link per document, to its first figure of the line.
    The period's documents of the conflicts' units first, then one query by document id for all of
    them (an index on the indicator would scan far more)."""
    units = {c["reporting_unit"] for c in found}
    bases = units | {unit.rsplit(" (", 1)[0] for unit in units}  # "Phường 1 (Quận 3)" is "Phường 1"
    with store._read() as conn:
        candidates = conn.execute(
            _period_documents(period).where(cell_documents.c.unit_base.in_(sorted(bases)))
        ).mappings().all() if units else []
        names = unit_names(conn, ALL, {r["unit_base"] for r in candidates})
    unit_of = {r["document_id"]: names[(r["unit_base"], r["code"])] for r in candidates}
    ids = sorted(i for i, unit in unit_of.items() if unit in units)
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
