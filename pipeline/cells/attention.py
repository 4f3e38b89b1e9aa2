"""What needs an officer's eye, read from the stored cells by indexed flags: cells whose documents
disagree and stated totals that differ from their parts (all periods, or one), and units that
have not reported. The inbox run's summary and the overview page use it instead of consolidating."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.cells.unit_names import unit_names
from pipeline.expected import missing_reports
from pipeline.line_keys import LINE_KEYS
from pipeline.store.cells_schema import (
    CONFLICT_ORDER,
    REPORTED_ORDER,
    VARIANTS,
    cell_documents,
    cells,
    document_lines,
    document_periods,
)
from pipeline.store.schema import documents

ALL = VARIANTS["all"]


def conflicts(
    store: Any, period: str | None = None, documents_: list[int] | None = None
) -> list[dict[str, Any]]:
    """Disagreeing cells in the consolidated table's order, then totals ≠ parts by their totals' ids,
    as `consolidate(store).conflicts` lists them (only `period`'s when one is given; only those
    the documents `documents_` take part in when given: a run's own)."""
    cell_query = _disagreeing(period)
    if documents_ is not None:
        cell_query = cell_query.where(cells.c.line_key.in_(
            sa.select(document_lines.c.line_key).where(
                document_lines.c.variant == ALL, document_lines.c.document_id.in_(documents_))))
    found_query = _alarmed(period)
    if documents_ is not None:
        found_query = found_query.where(cell_documents.c.document_id.in_(documents_))
    with store._read() as conn:
        rows = conn.execute(cell_query).mappings().all()
        found = conn.execute(found_query).mappings().all()
        names = unit_names(conn, ALL, {r["unit_base"] for r in (*rows, *found)})
    disagree = _disagreements(rows, names)
    disagree.sort(key=lambda c: tuple(c[k] for k in LINE_KEYS))
    return disagree + _alarms(found, names, period)


def period_conflicts(store: Any, period: str, limit: int) -> dict[str, Any]:
    """A period's first `limit` disagreements (by the cells' keys, sorted in the store) and alarms
    (`period_alarms`), and how many of each: the overview of a province's period lists a page, not
    thousands."""
    order = [cells.c[k] for k in CONFLICT_ORDER]  # as ix_cells_conflict holds them: the first are sought
    with store._read() as conn:
        rows = conn.execute(_disagreeing(period).order_by(*order).limit(limit)).mappings().all()
        count = conn.execute(
            sa.select(sa.func.count()).select_from(_disagreeing(period).subquery())
        ).scalar_one()
        names = unit_names(conn, ALL, {r["unit_base"] for r in rows})
    alarms, alarm_count = period_alarms(store, period, limit)
    return {"disagreements": _disagreements(rows, names), "disagreement_count": int(count),
            "alarms": alarms, "alarm_count": alarm_count}


def period_alarms(store: Any, period: str, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """A period's totals ≠ parts in the overview's order (its reports' order: level, unit, document;
    then each document's totals' ids), the first `limit` of them, and how many in all. The count and
    the documents holding them come from `ix_document_periods_reported`; only the documents listed
    are read (their findings carry every mark: a few thousand are seconds on a cold disk)."""
    mine = document_periods.c.period == period
    holders = sa.select(document_periods.c.document_id, document_periods.c.alarms).where(
        mine, document_periods.c.alarms > 0).order_by(*[document_periods.c[k] for k in REPORTED_ORDER[1:]])
    chosen: list[int] = []
    with store._read() as conn:
        count = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(document_periods.c.alarms), 0)).where(
            mine)).scalar_one()
        result = conn.execute(holders)
        taken = 0
        for document_id, alarms in result:
            if limit is not None and taken >= limit:
                break
            chosen.append(document_id)
            taken += alarms
        result.close()
        found = conn.execute(sa.select(cell_documents).where(
            cell_documents.c.variant == ALL, cell_documents.c.document_id.in_(chosen))).mappings().all()
        names = unit_names(conn, ALL, {r["unit_base"] for r in found})
    by_document = {r["document_id"]: r for r in found}
    listed = [alarm for document_id in chosen for alarm in _alarms([by_document[document_id]], names, period)]
    return listed[:limit], int(count)


def _disagreeing(period: str | None) -> sa.Select:
    """Cells whose documents disagree (of one period when given), by the conflict index."""
    query = sa.select(cells).where(cells.c.variant == ALL, cells.c.conflict.is_(True))
    return query if period is None else query.where(cells.c.period == period)


def _alarmed(period: str | None) -> sa.Select:
    """Documents with a total that differs from its parts (of one period's documents when given:
    their findings hold every mark, so only these are read)."""
    query = sa.select(cell_documents).where(cell_documents.c.variant == ALL, cell_documents.c.conflicts > 0)
    if period is None:
        return query
    return query.where(cell_documents.c.document_id.in_(
        sa.select(document_periods.c.document_id).where(document_periods.c.period == period)))


def _disagreements(rows: list[Any], names: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """Disagreeing cells as conflicts, named as the table names their units."""
    found = []
    for row in rows:
        line = {k: row[k] for k in LINE_KEYS if k != "reporting_unit"}
        line["reporting_unit"] = names[(row["unit_base"], row["unit_code"])]
        found.append({**{k: line[k] for k in LINE_KEYS}, "type": "documents_disagree",
                      "detail": row["conflict_detail"], "used": row["conflict_used"]})
    return found


def _alarms(found: list[Any], names: dict[tuple[str, str], str], period: str | None) -> list[dict[str, Any]]:
    """Totals ≠ parts from the documents' findings, by their totals' ids (of `period` when given)."""
    totals = [
        {**conflict, "reporting_unit": names[(row["unit_base"], row["unit_code"])]}
        for row in found
        for conflict in row["findings"]["conflicts"]
        if period is None or conflict["period"] == period
    ]
    totals.sort(key=lambda c: c["total_id"])
    return [{k: v for k, v in c.items() if k != "total_id"} for c in totals]


def not_reported(store: Any, expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`missing_reports` over the current documents of expected units only (the others list nobody)."""
    codes = [u["unit_code"] for u in expected]
    if not codes:
        return []
    query = sa.select(documents.c.status, documents.c.unit_code, documents.c.metadata).where(
        documents.c.status == "loaded", documents.c.unit_code.in_(codes)
    )
    with store._read() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return missing_reports(rows, expected)


def conflict_count(store: Any) -> int:
    """How many conflicts the store holds: disagreeing cells and totals ≠ parts (by index)."""
    with store._read() as conn:
        cells_ = conn.execute(sa.select(sa.func.count()).select_from(cells).where(
            cells.c.variant == ALL, cells.c.conflict.is_(True))).scalar_one()
        totals = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(cell_documents.c.conflicts), 0)).where(
            cell_documents.c.variant == ALL)).scalar_one()
    return int(cells_) + int(totals)


def attention(store: Any, documents_: list[int] | None = None) -> dict[str, Any]:
    """The run summary's part, after a refresh of what changed: the conflicts (those the run's
    documents `documents_` take part in, when given: at a province's scale the store holds
    thousands), how many the store holds in all, and the units not reported."""
    from pipeline.cells.refresh import refresh  # pandas: not for the export's list processes

    refresh(store)
    return {"conflicts": conflicts(store, documents_=documents_), "conflict_total": conflict_count(store),
            "not_reported": not_reported(store, store.expected_units())}
