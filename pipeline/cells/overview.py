"""What the review page's overview needs for one period, read from the stored cells by indexed
keys (a period's documents, a period's conflicting cells), never from every figure of the store."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.cells.attention import conflicts, not_reported, period_conflicts
from pipeline.cells.refresh import refresh
from pipeline.cells.unit_names import unit_names

__all__ = ["conflicts", "links", "not_reported", "period_conflicts", "periods", "refresh", "reported",
           "reported_totals"]
from pipeline.line_keys import NO_PERIOD
from pipeline.normalise.catalogue import fold
from pipeline.store.cells_schema import REPORTED_ORDER, VARIANTS, document_periods
from pipeline.store.schema import documents, figures

ALL = VARIANTS["all"]


# Every distinct period by one index seek each (a loose index scan), not a walk over every
# document's rows: a province's store has hundreds of thousands of them and a few dozen periods.
DISTINCT_PERIODS = sa.text(
    "WITH RECURSIVE named(period) AS ("
    " SELECT min(period) FROM document_periods"
    " UNION ALL SELECT (SELECT min(period) FROM document_periods WHERE period > named.period)"
    " FROM named WHERE named.period IS NOT NULL)"
    " SELECT period FROM named WHERE period IS NOT NULL"
)


def periods(store: Any) -> list[str]:
    """Every period a current figure names."""
    with store._read() as conn:
        return list(conn.execute(DISTINCT_PERIODS).scalars())


def reported_totals(store: Any, period: str, expected: set[str]) -> dict[str, int]:
    """The period's documents counted in the store: how many, their figures, what is left to do,
    and how many come from units outside the expected list (all from `ix_document_periods_reported`)."""
    mine = document_periods.c.period == period
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(document_periods.c.figures), 0),
                      sa.func.coalesce(sa.func.sum(document_periods.c.unreviewed), 0),
                      sa.func.coalesce(sa.func.sum(document_periods.c.unclassified), 0)).where(mine)
    by_unit = sa.select(document_periods.c.unit_code, sa.func.count()).where(mine).group_by(
        document_periods.c.unit_code)
    with store._read() as conn:
        count, figures_, unreviewed, unclassified = conn.execute(query).one()
        outside = sum(n for code, n in conn.execute(by_unit) if code not in expected) if expected else 0
    return {"documents": int(count), "figures": int(figures_), "unreviewed": int(unreviewed),
            "unclassified": int(unclassified), "outside": outside}


def reported(
    store: Any, period: str, expected: set[str], *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """One row per current document with figures of `period` (by level and unit, `limit` of them
    from `offset`): unit, when it came, what is left. The page is sought in the index, then only its
    documents are read."""
    order = [document_periods.c[k] for k in REPORTED_ORDER[1:]]
    query = sa.select(document_periods).where(document_periods.c.period == period).order_by(*order)
    with store._read() as conn:
        rows = conn.execute(query.offset(offset).limit(limit)).mappings().all()
        names = unit_names(conn, ALL, {r["unit_base"] for r in rows})
        ids = [r["document_id"] for r in rows]
        came = {d.id: d for d in conn.execute(
            sa.select(documents.c.id, documents.c.path, documents.c.loaded_at).where(documents.c.id.in_(ids))
        )} if ids else {}
    return [
        {
            "document_id": r["document_id"],
            "path": came[r["document_id"]].path,
            "unit": names[(r["unit_base"], r["unit_code"])],
            "level": r["level"],
            "expected": r["unit_code"] in expected,
            "loaded_at": came[r["document_id"]].loaded_at,
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
            sa.select(document_periods).where(document_periods.c.period == period,
                                              document_periods.c.unit_base.in_(sorted(bases)))
        ).mappings().all() if units else []
        names = unit_names(conn, ALL, {r["unit_base"] for r in candidates})
    unit_of = {r["document_id"]: names[(r["unit_base"], r["unit_code"])] for r in candidates}
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
