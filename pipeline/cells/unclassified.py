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

from pipeline.cells.csv_text import Table
from pipeline.cells.figures_file import folded_unit
from pipeline.cells.raw_rows import raw_rows
from pipeline.store.cells_schema import REVIEWED
from pipeline.store.schema import documents, figures

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
    folded = Table(folded_unit)  # units are a vocabulary
    for doc, quote, kind, value, unit, indicator, sentence, figure_id in raw_rows(conn, query):
        number = value if value is None or isinstance(value, Decimal) else Decimal(str(value))
        yield doc, quote, kind, number, folded[unit], indicator, sentence, figure_id
