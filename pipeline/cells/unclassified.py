"""The unclassified sheet's rows (figures no indicator claims; a rejected one is no figure), read as
plain tuples from the driver's cursor, with their number counted by the database first: a
province's year holds half a million, and a dict, a pickle round trip (to learn the count) and a
folded unit per row cost more than writing the row.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pipeline.cells.refresh import REVIEWED
from pipeline.normalise.catalogue import fold
from pipeline.store.schema import documents, figures

FETCH = 5000  # rows a fetch brings from the cursor
# the sheet's columns, in its order
COLUMNS = ("doc", "quote", "kind", "value", "unit", "indicator", "sentence", "figure_id")


def _query(columns: list[Any], reviewed_only: bool) -> sa.Select[Any]:
    """The unclassified figures of the loaded documents."""
    query = (
        sa.select(*columns)
        .select_from(figures.join(documents, documents.c.id == figures.c.document_id))
        .where(
            documents.c.status == "loaded",
            figures.c.indicator_code == "",
            figures.c.review_status != "rejected",
        )
    )
    return query.where(figures.c.review_status.in_(REVIEWED)) if reviewed_only else query


def unclassified_count(conn: sa.Connection, reviewed_only: bool) -> int:
    """How many rows `unclassified_rows` gives (read in the same transaction)."""
    return int(conn.execute(_query([sa.func.count()], reviewed_only)).scalar_one())


def unclassified_rows(conn: sa.Connection, reviewed_only: bool) -> Iterator[tuple[Any, ...]]:
    """(doc, quote, kind, value, unit, indicator, sentence, figure_id) in document order; the value
    a Decimal as the store's type reads it, the unit folded as the consolidation folds it."""
    c = figures.c
    columns = [documents.c.path, c.quote, c.kind, c.value, c.unit, c.indicator, c.sentence, c.figure_id]
    query = _query(columns, reviewed_only).order_by(documents.c.id, c.seq)  # SQLite sorts within a document
    text = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    raw = conn.connection.driver_connection
    cursor = raw.cursor(name="unclassified") if conn.dialect.name == "postgresql" else raw.cursor()
    folded: dict[str, str] = {}
    try:
        cursor.execute(text)
        while chunk := cursor.fetchmany(FETCH):
            for doc, quote, kind, value, unit, indicator, sentence, figure_id in chunk:
                unit = unit or ""
                shown = folded.get(unit)
                if shown is None:
                    if len(folded) >= 10_000:  # units are a vocabulary; memory stays bounded anyway
                        folded.clear()
                    shown = folded[unit] = unit if unit.isupper() else fold(unit)
                number = value if value is None or isinstance(value, Decimal) else Decimal(str(value))
                yield doc, quote, kind, number, shown, indicator, sentence, figure_id
    finally:
        cursor.close()
