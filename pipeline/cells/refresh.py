"""Keep the consolidated cells current: recompute the queued documents, then only the cells their
lines (before and after) fall in.

The store queues a document whenever its figures, review state, status or unit change
(`pipeline.store.cells_schema.mark_dirty`); a refresh takes the queue in chunks, each in one write
transaction, so an inbox run of 50 reports costs the same at 100 stored reports as at 100,000.
An edited catalogue (another way to combine a line) queues every document: that is `rebuild`.
Each write of cells also counts, per indicator and period, the cells added and gone (`cell_series`,
the charts page's choices).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from pipeline.cells.compute import DocumentCells, compute
from pipeline.cells.lines import across_documents
from pipeline.consolidate import FRAME_COLUMNS
from pipeline.normalise.catalogue import Indicator, store_catalogue
from pipeline.store.cells_schema import (
    REVIEWED,
    SERIES_COLUMNS,
    VARIANTS,
    cell_documents,
    cell_series,
    cells,
    consolidation_dirty,
    consolidation_state,
    document_lines,
    document_periods,
    mark_dirty,
)
from pipeline.store.schema import documents, figures

CHUNK = 400  # documents per transaction: bounded memory, and other writers get their turn
REFRESH_LOCK_KEY = 7_262_016  # the PostgreSQL advisory lock one refresh at a time takes


def fingerprint(catalogue: dict[str, Indicator]) -> str:
    """What the cells depend on in the catalogue: how each indicator's lines combine."""
    text = "\n".join(f"{code}\t{i.combine}" for code, i in sorted(catalogue.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refresh(store: Any) -> int:
    """Recompute every queued document and the cells it touches; returns how many documents."""
    catalogue = store_catalogue(store).by_code()
    with store._write() as conn:
        _lock(conn)
        stamp = conn.execute(
            sa.select(consolidation_state.c.value).where(consolidation_state.c.key == "catalogue")
        ).scalar()
        if stamp != fingerprint(catalogue):  # first use or another catalogue: everything again
            _queue_all(conn)
            conn.execute(consolidation_state.delete().where(consolidation_state.c.key == "catalogue"))
            conn.execute(consolidation_state.insert().values(key="catalogue", value=fingerprint(catalogue)))
    done = 0
    while True:
        with store._write() as conn:
            _lock(conn)
            ids = conn.execute(
                sa.select(consolidation_dirty.c.document_id).order_by(consolidation_dirty.c.document_id)
                .limit(CHUNK)
            ).scalars().all()
            if not ids:
                return done
            # taken off the queue first: a change committed meanwhile queues the document again
            conn.execute(consolidation_dirty.delete().where(consolidation_dirty.c.document_id.in_(ids)))
            recompute(store, conn, list(ids), catalogue)
            done += len(ids)


def rebuild(store: Any) -> int:
    """Recompute every current document and every cell (old stores, or to check the increments)."""
    with store._write() as conn:
        _lock(conn)
        tables = (cells, cell_series, document_lines, cell_documents, document_periods, consolidation_state)
        for table in tables:
            conn.execute(table.delete())
        _queue_all(conn)
    return refresh(store)


def pending(store: Any) -> int:
    """How many documents wait for a refresh."""
    with store._read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(consolidation_dirty)).scalar_one())


def _lock(conn: sa.Connection) -> None:
    """One refresh at a time (SQLite's write transaction already is one)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({REFRESH_LOCK_KEY})")


def _queue_all(conn: sa.Connection) -> None:
    """Every current document, and every document the tables still hold."""
    loaded = conn.execute(sa.select(documents.c.id).where(documents.c.status == "loaded")).scalars().all()
    held = conn.execute(sa.select(cell_documents.c.document_id).distinct()).scalars().all()
    mark_dirty(conn, [*loaded, *held])


def recompute(store: Any, conn: sa.Connection, ids: list[int], catalogue: dict[str, Indicator]) -> None:
    """Replace these documents' rows, then the cells of every line they had or now have."""
    touched: dict[int, set[str]] = {v: set() for v in VARIANTS.values()}
    old = conn.execute(
        sa.select(document_lines.c.variant, document_lines.c.line_key)
        .where(document_lines.c.document_id.in_(ids))
    ).all()
    for variant, key in old:
        touched[variant].add(key)
    for table in (document_lines, cell_documents, document_periods):
        conn.execute(table.delete().where(table.c.document_id.in_(ids)))
    query = _records_query().where(documents.c.id.in_(ids), documents.c.status == "loaded")
    result = conn.execute(query.order_by("document_id", "seq"))
    names = list(result.keys())
    records = [dict(zip(names, row, strict=True)) for row in result]
    for name, variant in VARIANTS.items():
        chosen = records if name == "all" else [r for r in records if r["review_status"] in REVIEWED]
        computed = compute(chosen, catalogue)
        _write_documents(conn, variant, computed)
        for mine in computed.values():
            touched[variant].update(line["line_key"] for line in mine.lines)
    for variant, keys in touched.items():
        write_cells(conn, variant, keys)


def _records_query() -> sa.Select:
    """The figure fields a consolidation reads (`FRAME_COLUMNS`), with their documents' columns: no
    JSON column, whose decoding per figure cost more than the rest of the fetch."""
    from_documents = {"doc": documents.c.path, "issuer": documents.c.issuer,
                      "unit_code": documents.c.unit_code, "unit_name": documents.c.unit_name,
                      "level": documents.c.level}
    selected = [from_documents[c].label(c) if c in from_documents else figures.c[c] for c in FRAME_COLUMNS]
    return sa.select(*selected).select_from(figures.join(documents, documents.c.id == figures.c.document_id))


def _write_documents(conn: sa.Connection, variant: int, computed: dict[int, DocumentCells]) -> None:
    """The documents' lines, findings and (every figure only) per-period counts."""
    lines, found, periods = [], [], []
    for document_id, mine in computed.items():
        lines += [{**line, "document_id": document_id, "variant": variant} for line in mine.lines]
        found.append({"document_id": document_id, "variant": variant, "unit_base": mine.unit_base,
                      "unit_code": mine.unit_code, "findings": mine.findings,
                      "conflicts": len(mine.findings["conflicts"])})
        if variant == VARIANTS["all"]:
            where = {"level": mine.level, "unit_base": mine.unit_base, "unit_code": mine.unit_code}
            alarms = Counter(c["period"] for c in mine.findings["conflicts"])
            periods += [{**p, **where, "alarms": alarms[p["period"]], "document_id": document_id}
                        for p in mine.periods]
    for table, rows in ((document_lines, lines), (cell_documents, found), (document_periods, periods)):
        for start in range(0, len(rows), 1000):
            conn.execute(table.insert(), rows[start : start + 1000])


def write_cells(conn: sa.Connection, variant: int, keys: Iterable[str]) -> None:
    """Each touched cell again from the document lines that share its key (none left: no cell)."""
    keys = sorted(keys)
    counts: Counter[tuple[Any, ...]] = Counter()  # cells per series and period: gone −1, written +1
    group = [cells.c[k] for k in SERIES_COLUMNS]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        where = (cells.c.variant == variant, cells.c.line_key.in_(chunk))
        counts.subtract(tuple(r) for r in conn.execute(sa.select(*group).where(*where)))
        conn.execute(cells.delete().where(*where))
        rows = conn.execute(
            sa.select(document_lines)
            .where(document_lines.c.variant == variant, document_lines.c.line_key.in_(chunk))
            .order_by(document_lines.c.line_key, document_lines.c.document_id)
        ).mappings().all()
        merged = across_documents([dict(r) for r in rows])
        if merged:
            conn.execute(cells.insert(), [{**cell, "variant": variant} for cell in merged])
            counts.update(tuple(variant if k == "variant" else c[k] for k in SERIES_COLUMNS) for c in merged)
    count_series(conn, counts)


def count_series(conn: sa.Connection, counts: Counter[tuple[Any, ...]]) -> None:
    """Add each change of a series' number of cells in a period to `cell_series` (none left: no row)."""
    changed = [(key, n) for key, n in sorted(counts.items()) if n]
    if not changed:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # one statement for every change (its keys are distinct: a batch never updates a row twice)
    upsert = insert(cell_series)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(SERIES_COLUMNS), set_={"lines": cell_series.c.lines + upsert.excluded.lines})
    conn.execute(upsert, [{**dict(zip(SERIES_COLUMNS, key, strict=True)), "lines": n} for key, n in changed])
    conn.execute(cell_series.delete().where(cell_series.c.lines <= 0))
