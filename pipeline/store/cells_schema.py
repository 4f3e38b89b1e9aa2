"""The consolidated cells kept in the store (0004), and the queue of documents whose cells are stale.

Consolidating the whole store on every export or inbox run costs minutes at a province's scale.
Everything consolidation does is per document (which figures count, how a line of one document
combines) and then per line (which document's number a cell uses), so the store keeps both steps'
results and `pipeline.cells` recomputes only the documents a change touched and the cells their
lines fall in. The store itself only queues the documents (`mark_dirty`); it never consolidates.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from pipeline.store.schema import figures, metadata
from pipeline.store.types import ExactDecimal

VARIANTS = {"all": 0, "reviewed": 1}  # every current figure; only accepted or corrected ones
REVIEWED = ("accepted", "corrected")  # the review statuses of the "reviewed" variant's figures

# the review page counts reviewed figures (the export dialog): by index, not a scan of every figure
sa.Index("ix_figures_review_status", figures.c.review_status)

# Documents whose figures, status or unit changed since their cells were computed.
consolidation_dirty = sa.Table(
    "consolidation_dirty",
    metadata,
    sa.Column("document_id", sa.Integer, primary_key=True, autoincrement=False),
)

# What the cells were computed with (the catalogue's fingerprint): a change means a rebuild.
consolidation_state = sa.Table(
    "consolidation_state",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Per current document and variant: who it is for (the unit's name before clashes are told apart),
# and its own findings: figures not counted and why, totals that differ from parts, breakdowns.
cell_documents = sa.Table(
    "cell_documents",
    metadata,
    sa.Column("document_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("variant", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("unit_base", sa.Text, nullable=False),
    sa.Column("unit_code", sa.String(80), nullable=False, server_default=""),
    sa.Column("findings", sa.JSON, nullable=False),
    sa.Column("conflicts", sa.Integer, nullable=False, server_default="0"),  # totals ≠ their parts
)
sa.Index("ix_cell_documents_unit", cell_documents.c.variant, cell_documents.c.unit_base)
sa.Index("ix_cell_documents_conflicts", cell_documents.c.variant, cell_documents.c.conflicts)
# the units' shown names (pipeline.cells.read.unit_names) from the index alone (0005)
sa.Index("ix_cell_documents_unit_code", cell_documents.c.variant, cell_documents.c.unit_base,
         cell_documents.c.unit_code)

# The overview's per-document numbers for each period its figures name (every current figure),
# with the document's level and unit as the cells hold them and how many of its totals differ from
# their parts (0007): a province's period has thousands of reports, and the overview pages through
# them and their alarms in this order, by index alone.
document_periods = sa.Table(
    "document_periods",
    metadata,
    sa.Column("document_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("figures", sa.Integer, nullable=False),
    sa.Column("unreviewed", sa.Integer, nullable=False),
    sa.Column("unclassified", sa.Integer, nullable=False),
    sa.Column("level", sa.String(20), nullable=False, server_default=""),
    sa.Column("unit_base", sa.Text, nullable=False, server_default=""),
    sa.Column("unit_code", sa.String(80), nullable=False, server_default=""),
    sa.Column("alarms", sa.Integer, nullable=False, server_default="0"),  # its totals ≠ parts of the period
)
REPORTED_ORDER = ("period", "level", "unit_base", "unit_code", "document_id")
sa.Index("ix_document_periods_reported", *[document_periods.c[k] for k in REPORTED_ORDER],
         *[document_periods.c[k] for k in ("figures", "unreviewed", "unclassified", "alarms")])


def _line_columns() -> list[sa.Column]:
    """The keys and values a line carries, in a document (document_lines) or across them (cells)."""
    return [
        sa.Column("line_key", sa.String(64), primary_key=True),  # sha256 of the keys below
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("unit_base", sa.Text, nullable=False),
        sa.Column("unit_code", sa.String(80), nullable=False, server_default=""),
        sa.Column("level", sa.String(20), nullable=False, server_default=""),
        sa.Column("indicator_code", sa.String(60), nullable=False, server_default=""),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("unit", sa.Text, nullable=False, server_default=""),
        sa.Column("per", sa.Text, nullable=False, server_default=""),
        sa.Column("modality", sa.String(10), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=False),
        sa.Column("approx", sa.String(8), nullable=False),
        sa.Column("upper", ExactDecimal()),
        sa.Column("shown", sa.Text, nullable=False, server_default=""),
        sa.Column("combine", sa.String(8), nullable=False),
        sa.Column("figures", sa.Integer, nullable=False),
        sa.Column("unreviewed", sa.Integer, nullable=False),
        sa.Column("figure_ids", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    ]


# One number per line and current document, combined as the line's indicator says.
document_lines = sa.Table(
    "document_lines",
    metadata,
    sa.Column("document_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("variant", sa.SmallInteger, primary_key=True, autoincrement=False),
    *_line_columns(),
    sa.Column("doc", sa.Text, nullable=False, server_default=""),
)
sa.Index("ix_document_lines_key", document_lines.c.variant, document_lines.c.line_key)

# One number per line across documents: the consolidated table the exports and the page read.
cells = sa.Table(
    "cells",
    metadata,
    sa.Column("variant", sa.SmallInteger, primary_key=True, autoincrement=False),
    *_line_columns(),
    sa.Column("documents", sa.Text, nullable=False, server_default=""),
    sa.Column("conflict_detail", sa.Text, nullable=False, server_default=""),  # documents disagree
    sa.Column("conflict_used", sa.Text, nullable=False, server_default=""),
    sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Index("ix_cells_period", cells.c.variant, cells.c.period)
# the cells whose documents disagree (0007), in the order the overview and the export list them:
# the store's or a period's number of them counted in the index, a period's first ones sought
CONFLICT_ORDER = ("period", "unit_base", "unit_code", "level", "indicator_code", "kind", "unit", "per",
                  "modality")
sa.Index("ix_cells_conflict", cells.c.variant, cells.c.conflict, *[cells.c[k] for k in CONFLICT_ORDER])
# the charts page (0005): one indicator × period's cells sought by this index, and one unit's lines
# of an indicator (its trend) checked in the index before any row is read
sa.Index("ix_cells_series", cells.c.variant, cells.c.modality, cells.c.indicator_code, cells.c.kind,
         cells.c.unit, cells.c.per, cells.c.period, cells.c.unit_base, cells.c.unit_code, cells.c.level,
         cells.c.value, cells.c.shown)  # every column a bar needs: the bars read from the index alone

# How many cells each indicator (in its unit of measure) has in each period (0005), kept with the
# cells: the charts page offers its choices from these rows, not from a million cells.
SERIES_COLUMNS = ("variant", "modality", "indicator_code", "kind", "unit", "per", "period")
cell_series = sa.Table(
    "cell_series",
    metadata,
    sa.Column("variant", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("modality", sa.String(10), primary_key=True),
    sa.Column("indicator_code", sa.String(60), primary_key=True),
    sa.Column("kind", sa.String(12), primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("per", sa.Text, primary_key=True),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("lines", sa.Integer, nullable=False),
)


def mark_dirty(conn: sa.Connection, document_ids: Iterable[int | None]) -> None:
    """Queue documents for `pipeline.cells.refresh`, in the transaction that changed them."""
    ids = sorted({int(i) for i in document_ids if i is not None})
    if not ids:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for start in range(0, len(ids), 500):
        rows = [{"document_id": i} for i in ids[start : start + 500]]
        conn.execute(insert(consolidation_dirty).values(rows).on_conflict_do_nothing())


def mark_figures_dirty(conn: sa.Connection, figure_ids: Iterable[str]) -> None:
    """Queue the documents of these figures (a re-mapping touched them)."""
    ids = list(figure_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = conn.execute(
            sa.select(figures.c.document_id).where(figures.c.figure_id.in_(chunk)).distinct()
        ).scalars()
        mark_dirty(conn, list(found))
