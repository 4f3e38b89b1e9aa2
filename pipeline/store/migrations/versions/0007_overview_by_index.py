"""the overview's period from indexes alone: its reports in page order, its disagreeing cells

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:40:00

A province's period holds about 10,000 reports and thousands of disagreeing cells among a million.
The overview sorted every report of the period (joined with documents and cell_documents, whose
rows carry the metadata and findings JSON) to show 100, and found the period's disagreements by
reading every conflicting cell of the store (the index held only the variant and the flag).
`document_periods` now holds each document's level and unit as the cells hold them (kept by
`pipeline.cells.refresh`, filled here from the tables they came from), and
`ix_document_periods_reported` orders them as the page lists them, with the counts it sums (its
alarms, totals ≠ parts, counted here from the findings);
`ix_cells_conflict` now holds the conflicting cells in the order they are listed. The first page
and the counts are then read from the indexes, without sorting.
"""

from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REPORTED = ["period", "level", "unit_base", "unit_code", "document_id", "figures", "unreviewed",
            "unclassified", "alarms"]
CONFLICTING = ["variant", "conflict", "period", "unit_base", "unit_code", "level", "indicator_code", "kind",
               "unit", "per", "modality"]
ALL = 0  # pipeline.store.cells_schema.VARIANTS["all"]: the overview counts every current figure


def upgrade() -> None:
    with op.batch_alter_table("document_periods") as batch:
        batch.add_column(sa.Column("level", sa.String(length=20), server_default="", nullable=False))
        batch.add_column(sa.Column("unit_base", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("unit_code", sa.String(length=80), server_default="", nullable=False))
        batch.add_column(sa.Column("alarms", sa.Integer(), server_default="0", nullable=False))
    op.execute(  # an existing store's rows, from where refresh takes them; from now on refresh writes them
        "UPDATE document_periods SET"
        " level = COALESCE((SELECT d.level FROM documents d WHERE d.id = document_periods.document_id), ''),"
        " unit_base = COALESCE((SELECT c.unit_base FROM cell_documents c"
        f" WHERE c.document_id = document_periods.document_id AND c.variant = {ALL}), ''),"
        " unit_code = COALESCE((SELECT c.unit_code FROM cell_documents c"
        f" WHERE c.document_id = document_periods.document_id AND c.variant = {ALL}), '')"
    )
    _count_alarms(op.get_bind())
    op.drop_index("ix_document_periods_period", table_name="document_periods")
    op.create_index("ix_document_periods_reported", "document_periods", REPORTED)
    op.drop_index("ix_cells_conflict", table_name="cells")
    op.create_index("ix_cells_conflict", "cells", CONFLICTING)


def _count_alarms(conn: sa.Connection) -> None:
    """Each document's totals ≠ parts per period, from its findings (JSON: counted here, not in SQL)."""
    found = conn.execute(sa.text(
        f"SELECT document_id, findings FROM cell_documents WHERE variant = {ALL} AND conflicts > 0"))
    counts: Counter[tuple[int, str]] = Counter()
    for document_id, findings in found:
        held = json.loads(findings) if isinstance(findings, str) else findings
        counts.update((document_id, c["period"]) for c in held["conflicts"])
    rows = [{"d": d, "p": p, "n": n} for (d, p), n in sorted(counts.items())]
    update = "UPDATE document_periods SET alarms = :n WHERE document_id = :d AND period = :p"
    if rows:
        conn.execute(sa.text(update), rows)


def downgrade() -> None:
    op.drop_index("ix_cells_conflict", table_name="cells")
    op.create_index("ix_cells_conflict", "cells", ["variant", "conflict"])
    op.drop_index("ix_document_periods_reported", table_name="document_periods")
    op.create_index("ix_document_periods_period", "document_periods", ["period"])
    with op.batch_alter_table("document_periods") as batch:
        batch.drop_column("alarms")
        batch.drop_column("unit_code")
        batch.drop_column("unit_base")
        batch.drop_column("level")
