"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:43:51.038977
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("started_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("stem", sa.Text(), server_default="", nullable=False),
        sa.Column("format", sa.String(length=10), server_default="", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("error_code", sa.String(length=40), server_default="", nullable=False),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.Column("issuer", sa.Text(), server_default="", nullable=False),
        sa.Column("level", sa.String(length=20), server_default="", nullable=False),
        sa.Column("period", sa.Text(), server_default="", nullable=False),
        sa.Column("doc_type", sa.Text(), server_default="", nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=True),
        sa.Column("encoding", sa.String(length=20), server_default="", nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("figure_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("loaded_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('loaded', 'superseded', 'rejected')", name="ck_documents_status"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_documents_run"),
        sa.ForeignKeyConstraint(["superseded_by"], ["documents.id"], name="fk_documents_superseded_by"),
        sa.ForeignKeyConstraint(["supersedes"], ["documents.id"], name="fk_documents_supersedes"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_report_key", ["issuer", "period", "doc_type", "stem"], unique=False
        )

    op.create_table(
        "document_texts",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("headers_footers", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_document_texts_document", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "figures",
        sa.Column("figure_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", pipeline.store.types.ExactDecimal(length=64), nullable=False),
        sa.Column("denominator", pipeline.store.types.ExactDecimal(length=64), nullable=True),
        sa.Column("unit", sa.Text(), server_default="", nullable=False),
        sa.Column("per", sa.Text(), server_default="", nullable=False),
        sa.Column("approx", sa.String(length=8), nullable=False),
        sa.Column("upper", pipeline.store.types.ExactDecimal(length=64), nullable=True),
        sa.Column("modality", sa.String(length=10), nullable=False),
        sa.Column("indicator", sa.Text(), server_default="", nullable=False),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        sa.Column("section", sa.Text(), server_default="", nullable=False),
        sa.Column("rule", sa.Text(), server_default="", nullable=False),
        sa.Column("confidence", sa.Float(), server_default="1", nullable=False),
        sa.Column("part_of", sa.String(length=40), nullable=True),
        sa.Column("sentence", sa.Text(), server_default="", nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=True),
        sa.Column("sentence_end", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("table_cell", sa.JSON(), nullable=True),
        sa.Column("period", sa.Text(), server_default="", nullable=False),
        sa.Column("period_role", sa.String(length=12), server_default="", nullable=False),
        sa.Column("indicator_code", sa.String(length=60), server_default="", nullable=False),
        sa.Column("indicator_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("review_status", sa.String(length=12), server_default="unreviewed", nullable=False),
        sa.Column("reviewed_by", sa.Text(), server_default="", nullable=False),
        sa.Column("reviewed_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "approx IN ('exact', 'over', 'under', 'about', 'range')", name="ck_figures_approx"
        ),
        sa.CheckConstraint(
            "kind IN ('money', 'count', 'percent', 'ratio', 'quantity', 'rate')", name="ck_figures_kind"
        ),
        sa.CheckConstraint(
            "modality IN ('actual', 'target', 'estimate', 'change')", name="ck_figures_modality"
        ),
        sa.CheckConstraint(
            "review_status IN ('unreviewed', 'accepted', 'rejected', 'corrected')",
            name="ck_figures_review_status",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_figures_document", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("figure_id"),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_indicator_code"), ["indicator_code"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("figure_id", sa.String(length=40), nullable=False),
        sa.Column("user", sa.Text(), nullable=False),
        sa.Column("at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("action IN ('accept', 'reject', 'correct', 'reset')", name="ck_reviews_action"),
        sa.ForeignKeyConstraint(
            ["figure_id"], ["figures.figure_id"], name="fk_reviews_figure", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_figure_id"), ["figure_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_figure_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_indicator_code"))
        batch_op.drop_index(batch_op.f("ix_figures_document_id"))

    op.drop_table("figures")
    op.drop_table("document_texts")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_report_key")

    op.drop_table("documents")
    op.drop_table("runs")
