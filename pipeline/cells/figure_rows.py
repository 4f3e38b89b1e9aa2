"""figures.csv rows streamed from the store: each current figure with whether it counts and why
not, read in chunks beside its document's findings, so the file never needs every figure in memory.

These dict rows are the plain statement of what figures.csv holds: tests/test_cells.py checks their
counted / why not against a full consolidation, and tests/test_export_fast.py checks the file the
export writes (pipeline/cells/figures_file.py, faster) byte for byte against them through write_csv."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pipeline.line_keys import NO_PERIOD
from pipeline.normalise.catalogue import fold
from pipeline.store.cells_schema import REVIEWED, VARIANTS, cell_documents
from pipeline.store.schema import documents, figures

BATCH = 2000  # rows fetched at a time
# what figures.csv shows of a figure (no JSON column: decoding one per figure costs more than the row)
FIGURE_COLUMNS = (
    "figure_id",
    "document_id",
    "seq",
    "quote",
    "char_start",
    "char_end",
    "kind",
    "value",
    "denominator",
    "unit",
    "per",
    "approx",
    "upper",
    "modality",
    "indicator",
    "subject",
    "section",
    "rule",
    "confidence",
    "part_of",
    "sentence",
    "page",
    "period",
    "period_role",
    "indicator_code",
    "indicator_score",
    "role",
    "review_status",
)


def figure_rows(
    store: Any, names: dict[str, str], *, reviewed_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Rows as `pipeline.export.figure_rows` gives them from a consolidation's figures frame."""
    variant = VARIANTS["reviewed" if reviewed_only else "all"]
    columns = [figures.c[name] for name in FIGURE_COLUMNS] + [
        documents.c.path.label("doc"),
        documents.c.issuer,
        documents.c.level,
    ]
    keys = [*FIGURE_COLUMNS, "doc", "issuer", "level"]
    query = (
        sa.select(*columns)
        .select_from(figures.join(documents, documents.c.id == figures.c.document_id))
        .where(documents.c.status == "loaded")
    )
    if reviewed_only:
        query = query.where(figures.c.review_status.in_(REVIEWED))
    query = query.order_by(figures.c.document_id, figures.c.seq)
    found_query = (
        sa.select(cell_documents.c.document_id, cell_documents.c.findings)
        .where(cell_documents.c.variant == variant)
        .order_by(cell_documents.c.document_id)
    )
    with store.engine.connect() as conn, store.engine.connect() as side:  # two reads, merged by document
        found = iter(side.execution_options(write=False, yield_per=BATCH).execute(found_query))
        current: tuple[int, dict[str, Any]] = (-1, {})
        for record in conn.execution_options(write=False, yield_per=BATCH).execute(query):
            row = dict(zip(keys, record, strict=True))  # plain tuples: a RowMapping costs more
            while current[0] < row["document_id"]:
                entry = next(found, None)
                if entry is None:
                    current = (1 << 62, {})
                    break
                current = (entry.document_id, entry.findings["marks"])
            marks = current[1] if current[0] == row["document_id"] else {}
            yield _shaped(row, marks.get(row["figure_id"]), names)


def _shaped(row: dict[str, Any], mark: list[str] | None, names: dict[str, str]) -> dict[str, Any]:
    """The frame's view of a figure: folded unit, a period label, counted, why not, same as."""
    unit = row["unit"] or ""
    row["unit"] = unit if unit.isupper() else fold(unit)
    row["period"] = row["period"] or NO_PERIOD
    row["role"] = row["role"] or ""
    row["counted"] = mark is None
    row["why_not_counted"], row["same_as"] = mark if mark is not None else ("", "")
    row["indicator_name"] = names.get(row["indicator_code"], "")
    row["value"] = Decimal(row["value"])
    return row
