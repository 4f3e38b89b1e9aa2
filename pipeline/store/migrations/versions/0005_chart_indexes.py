"""the charts page: its choices from a count of cells per indicator and period, its cells by index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 18:50:00

At a province's scale (a million cells) the charts page must not read every cell to offer its
indicators and periods: `cell_series` counts the cells of each indicator (in its unit of measure)
and period, kept by `pipeline.cells.refresh` with the cells and filled here from an existing
store's cells; `ix_cells_series` seeks the chosen indicator × period, and one unit's lines of the
indicator (its trend), and holds every column a bar needs (no row is read);
`ix_cell_documents_unit_code` gives the units' names from the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cells_series", "cells",
     ["variant", "modality", "indicator_code", "kind", "unit", "per", "period", "unit_base", "unit_code",
      "level", "value", "shown"]),
    ("ix_cell_documents_unit_code", "cell_documents", ["variant", "unit_base", "unit_code"]),
)


SERIES = "variant, modality, indicator_code, kind, unit, per, period"


def upgrade() -> None:
    op.create_table(
        "cell_series",
        sa.Column("variant", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("modality", sa.String(length=10), nullable=False),
        sa.Column("indicator_code", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("per", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("variant", "modality", "indicator_code", "kind", "unit", "per", "period"),
    )
    op.execute(  # an existing store's cells counted once; from now on refresh keeps the counts
        f"INSERT INTO cell_series ({SERIES}, lines) SELECT {SERIES}, count(*) FROM cells GROUP BY {SERIES}"
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("cell_series")
