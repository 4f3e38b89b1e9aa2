"""consolidated cells kept in the store, recomputed for the documents a change touched

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 15:30:00

An existing store gets empty tables and every current document queued, so the first
consolidation after the upgrade fills them (the same as `tonghop consolidate --rebuild`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def line_columns() -> list[sa.Column]:
    """The columns document_lines and cells share (pipeline/store/cells_schema.py)."""
    exact = pipeline.store.types.ExactDecimal
    return [
        sa.Column("line_key", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("unit_base", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(length=80), server_default="", nullable=False),
        sa.Column("level", sa.String(length=20), server_default="", nullable=False),
        sa.Column("indicator_code", sa.String(length=60), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.Text(), server_default="", nullable=False),
        sa.Column("per", sa.Text(), server_default="", nullable=False),
        sa.Column("modality", sa.String(length=10), nullable=False),
        sa.Column("value", exact(), nullable=False),
        sa.Column("approx", sa.String(length=8), nullable=False),
        sa.Column("upper", exact(), nullable=True),
        sa.Column("shown", sa.Text(), server_default="", nullable=False),
        sa.Column("combine", sa.String(length=8), nullable=False),
        sa.Column("figures", sa.Integer(), nullable=False),
        sa.Column("unreviewed", sa.Integer(), nullable=False),
        sa.Column("figure_ids", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "consolidation_dirty",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "consolidation_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "cell_documents",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("variant", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("unit_base", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(length=80), server_default="", nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("document_id", "variant"),
    )
    op.create_index("ix_cell_documents_unit", "cell_documents", ["variant", "unit_base"])
    op.create_index("ix_cell_documents_conflicts", "cell_documents", ["variant", "conflicts"])
    op.create_table(
        "document_periods",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("figures", sa.Integer(), nullable=False),
        sa.Column("unreviewed", sa.Integer(), nullable=False),
        sa.Column("unclassified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "period"),
    )
    op.create_index("ix_document_periods_period", "document_periods", ["period"])
    op.create_table(
        "document_lines",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("variant", sa.SmallInteger(), autoincrement=False, nullable=False),
        *line_columns(),
        sa.Column("doc", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("document_id", "variant", "line_key"),
    )
    op.create_index("ix_document_lines_key", "document_lines", ["variant", "line_key"])
    op.create_table(
        "cells",
        sa.Column("variant", sa.SmallInteger(), autoincrement=False, nullable=False),
        *line_columns(),
        sa.Column("documents", sa.Text(), server_default="", nullable=False),
        sa.Column("conflict_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("conflict_used", sa.Text(), server_default="", nullable=False),
        sa.Column("conflict", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("variant", "line_key"),
    )
    op.create_index("ix_cells_period", "cells", ["variant", "period"])
    op.create_index("ix_cells_conflict", "cells", ["variant", "conflict"])
    op.create_index("ix_figures_review_status", "figures", ["review_status"])
    # an older store: queue its current documents so the first consolidation fills the tables
    op.execute(
        "INSERT INTO consolidation_dirty (document_id) SELECT id FROM documents WHERE status = 'loaded'"
    )


def downgrade() -> None:
    for index, table in (
        ("ix_figures_review_status", "figures"),
        ("ix_cells_conflict", "cells"),
        ("ix_cells_period", "cells"),
        ("ix_cell_documents_conflicts", "cell_documents"),
        ("ix_document_lines_key", "document_lines"),
        ("ix_document_periods_period", "document_periods"),
        ("ix_cell_documents_unit", "cell_documents"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("cells", "document_lines", "document_periods", "cell_documents", "consolidation_state",
                  "consolidation_dirty"):
        op.drop_table(table)
