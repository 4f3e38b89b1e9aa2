"""figure roles, mapping candidates, phrases officers taught and indicators they created

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=12), server_default="", nullable=False))
        batch_op.add_column(sa.Column("indicator_candidates", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "learned_phrases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("indicator_code", sa.String(length=60), nullable=False),
        sa.Column("figure_id", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("removed_by", sa.Text(), server_default="", nullable=False),
        sa.Column("removed_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "custom_indicators",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.Text(), server_default="", nullable=False),
        sa.Column("combine", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", pipeline.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("custom_indicators")
    op.drop_table("learned_phrases")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_column("indicator_candidates")
        batch_op.drop_column("role")
