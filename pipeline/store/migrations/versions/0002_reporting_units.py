"""who reported, for which period: unit codes, period keys, expected units, document corrections

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_DOCUMENT_COLUMNS = (
    sa.Column("unit_code", sa.String(length=80), server_default="", nullable=False),
    sa.Column("unit_name", sa.Text(), server_default="", nullable=False),
    sa.Column("period_key", sa.Text(), server_default="", nullable=False),
    sa.Column("doc_kind", sa.String(length=40), server_default="", nullable=False),
    sa.Column("doc_date", sa.String(length=10), server_default="", nullable=False),
    sa.Column("replace_note", sa.Text(), server_default="", nullable=False),
    sa.Column("ambiguous_with", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    for column in NEW_DOCUMENT_COLUMNS:
        op.add_column("documents", column)
    op.create_index("ix_documents_unit_period", "documents", ["unit_code", "period_key", "doc_kind"])
    op.create_table(
        "expected_units",
        sa.Column("unit_code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), server_default="", nullable=False),
        sa.Column("parent", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("added_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_code"),
    )
    op.create_table(
        "document_overrides",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("user", sa.Text(), nullable=False),
        sa.Column("at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "document_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("user", sa.Text(), nullable=False),
        sa.Column("at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_reviews_sha256", "document_reviews", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_document_reviews_sha256", table_name="document_reviews")
    op.drop_table("document_reviews")
    op.drop_table("document_overrides")
    op.drop_table("expected_units")
    op.drop_index("ix_documents_unit_period", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        for column in NEW_DOCUMENT_COLUMNS:
            batch.drop_column(column.name)
